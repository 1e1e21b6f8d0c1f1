"""Machine-readable views of the search: an Atom feed per search
(``/search.atom``, so a reader follows a topic in any feed reader) and the
OpenSearch description (``/opensearch.xml``, so browsers offer the site
search from the address bar).

Both are built with ElementTree, which escapes every text and attribute; no
XML is assembled from strings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, request, url_for
from markupsafe import Markup

import indexer
from indexer.errors import QueryError
from web.params import kept_filters, request_filters
from web.state import run_search

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
SITE = "西双版纳先锋站内搜索"
FEED_SIZE = 20  # newest articles in a feed
TIMEZONE = "+08:00"  # articles carry a date only; the site publishes in China time
# Characters XML 1.0 cannot carry at all (not even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@bp.get("/search.atom")
def search_feed():
    """The newest articles matching ``q`` (and the usual filters), newest first.
    Feed readers poll it, so it is not counted in the query log."""
    q = request.args.get("q", "")
    if not q.strip():
        abort(400, "请给出要订阅的搜索词（q）。")
    try:
        newest = replace(request_filters(), sort="date")
        result = run_search(q, 1, FEED_SIZE, newest)
    except QueryError as e:
        abort(400, str(e))
    hits = [] if result.steps else result.hits  # what the chain found instead is not q
    xml = atom_feed(q, kept_filters(), hits)
    return Response(xml, mimetype="application/atom+xml")


def atom_feed(q: str, keep: dict[str, str], hits: list[indexer.Hit]) -> bytes:
    """An Atom 1.0 document (RFC 4287) for the search ``q`` with its hits."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    self_url = url_for("feeds.search_feed", q=q, **keep, _external=True)
    page_url = url_for("views.search", q=q, **keep, _external=True)
    _text(feed, "id", self_url)
    _text(feed, "title", f"“{q}”的新文章 - {SITE}")
    _text(feed, "updated", max((_stamp(h.date) for h in hits), default=_now()))
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, page_url, "alternate", "text/html")
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "西双版纳先锋")
    for hit in hits:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = url_for("views.article", article_id=hit.id, _external=True)
        _text(entry, "id", url)
        _text(entry, "title", hit.title)
        _text(entry, "updated", _stamp(hit.date))
        _link(entry, url, "alternate", "text/html")
        _text(entry, "summary", _plain(hit.snippet_html))
        if hit.column:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": _clean(hit.column)})
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/opensearch.xml")
def opensearch():
    """The OpenSearch 1.1 description that ``<link rel="search">`` points to."""
    ET.register_namespace("", OPENSEARCH)
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")
    _text(root, "ShortName", "西双版纳先锋", OPENSEARCH)
    _text(root, "Description", SITE, OPENSEARCH)
    _text(root, "InputEncoding", "UTF-8", OPENSEARCH)
    _text(root, "Language", "zh-CN", OPENSEARCH)
    icon = url_for("static", filename="favicon.png", _external=True)
    image = {"width": "16", "height": "16", "type": "image/png"}
    ET.SubElement(root, f"{{{OPENSEARCH}}}Image", image).text = icon
    for kind, endpoint in (("text/html", "views.search"), ("application/atom+xml", None)):
        base = url_for(endpoint or "feeds.search_feed", _external=True)
        template = {"type": kind, "method": "get", "template": f"{base}?q={{searchTerms}}"}
        ET.SubElement(root, f"{{{OPENSEARCH}}}Url", template)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(xml, mimetype="application/opensearchdescription+xml")


def _text(parent: ET.Element, name: str, value: str, ns: str = ATOM) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{name}")
    element.text = _clean(value)
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": kind, "href": href})


def _clean(text: str) -> str:
    """Text XML can carry: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", text)


def _plain(html: str) -> str:
    """The snippet without its <mark> tags, unescaped back to text."""
    return Markup(html).striptags()


def _stamp(day: str | None) -> str:
    """An RFC 3339 time for an article's date (midnight, China time)."""
    if day and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return f"{day}T00:00:00{TIMEZONE}"
    return _now()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
