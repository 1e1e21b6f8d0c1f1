"""What a fetched page says to the crawler: its links (minus rel=nofollow),
its canonical address, its robots meta tag, its attachments, whether it is an
article, and the URLs a sitemap or feed lists.

An article is told from a list or navigation page by what the importer finds
in it (a title, a publication date, body text) and by how much of that text
is link text: a column list's "body" is its links' titles.
"""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from indexer.errors import ArticleError
from indexer.ingest.crawl.urls import canonical_url
from indexer.ingest.dates import find_date, parse_date
from indexer.ingest.decode import text_lines
from indexer.ingest.formats.attachments import attachment_suffix, is_attachment
from indexer.ingest.formats.html import parse_html
from indexer.ingest.formats.html_text import collapse_space, node_text
from indexer.models import Article

MIN_ARTICLE_CHARS = 40  # body text an article has at least
MAX_LINK_SHARE = 0.5  # above it, the "body" is a list of links
_MIN_LINK_TEXT = 4  # characters; shorter link texts (首页, 更多) are not titles
_FEED_ROOTS = ("urlset", "sitemapindex", "rss", "feed", "rdf")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# Links never worth a request: images, media, styles, scripts, archives.
SKIPPED_SUFFIXES = frozenset(
    ".jpg .jpeg .png .gif .bmp .webp .svg .ico .mp3 .mp4 .avi .flv .wmv .mov .swf"
    " .css .js .zip .rar .7z .gz .exe .apk .iso".split()
)


@dataclass
class PageLinks:
    canonical: str = ""
    noindex: bool = False
    nofollow: bool = False
    links: list[str] = field(default_factory=list)  # followable, canonical, in order
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    link_texts: set[str] = field(default_factory=set)


def read_links(html: str, url: str) -> PageLinks:
    """The links, canonical address and robots directives of a decoded page."""
    tree = LexborHTMLParser(html)
    base_tag = tree.css_first("base[href]")
    base = canonical_url(base_tag.attributes.get("href") or "", url) if base_tag else ""
    base = base or url
    found = PageLinks()
    for meta in tree.css("meta[name]"):
        if (meta.attributes.get("name") or "").lower() in ("robots", "googlebot"):
            words = {w.strip() for w in (meta.attributes.get("content") or "").lower().split(",")}
            found.noindex |= bool(words & {"noindex", "none"})
            found.nofollow |= bool(words & {"nofollow", "none"})
    seen = set()
    for link in tree.css("link[rel][href]"):
        rel = (link.attributes.get("rel") or "").lower().split()
        href = canonical_url(link.attributes.get("href") or "", base)
        if "canonical" in rel and not found.canonical:
            found.canonical = href
        kind = (link.attributes.get("type") or "").lower()
        if "alternate" in rel and kind in FEED_TYPES and href and href not in seen:
            seen.add(href)
            found.links.append(href)  # the page's RSS or Atom feed
    for a in tree.css("a[href], area[href]"):
        target = canonical_url(a.attributes.get("href") or "", base)
        text = collapse_space(node_text(a))
        if len(text) >= _MIN_LINK_TEXT:
            found.link_texts.add(text)
        rel = (a.attributes.get("rel") or "").lower().split()
        if not target or target in seen or "nofollow" in rel:
            continue
        seen.add(target)
        if is_attachment(target):
            found.attachments.append((text or target.rsplit("/", 1)[-1], target))
        elif attachment_suffix(target) not in SKIPPED_SUFFIXES:
            found.links.append(target)
    return found


def read_article(
    html: str, url: str, links: PageLinks, selectors: dict[str, str]
) -> Article | None:
    """The article on a page, or None for a list or navigation page.

    ``selectors`` (title/date/column/body) replace what the built-in
    extraction finds, for a site it reads wrong.
    """
    try:
        article = parse_html(html, url)
    except ArticleError:
        article = None
    if selectors:
        article = apply_selectors(html, url, article, selectors)
    if article is None or not article.date or len(article.body) < MIN_ARTICLE_CHARS:
        return None
    linked = sum(len(t) for t in links.link_texts if t in article.body)
    if linked > MAX_LINK_SHARE * len(article.body):
        return None
    return article


def apply_selectors(
    html: str, url: str, found: Article | None, selectors: dict[str, str]
) -> Article | None:
    """``found`` with the fields the site's CSS selectors pick replaced."""
    tree = LexborHTMLParser(html)
    picked: dict[str, Any] = {}
    for name, selector in selectors.items():
        node = tree.css_first(selector)
        if node is not None:
            text = node.text(separator="\n") if name == "body" else node_text(node)
            picked[name] = "\n".join(text_lines(text)) if name == "body" else collapse_space(text)
    if "date" in picked:
        picked["date"] = parse_date(picked["date"]) or find_date(picked["date"]) or ""
    base = found or Article(id=url, title="", body="", file=url)
    article = replace(base, **{k: v for k, v in picked.items() if v})
    return article if article.title and article.body else None


def selected_fields(article: Article, selectors: dict[str, str]) -> dict[str, str]:
    """The fields a site's selectors chose, to save with the page for the importer."""
    return {name: getattr(article, name) or "" for name in selectors}


def is_feed(body: bytes, content_type: str) -> bool:
    """Whether a response is a sitemap or an RSS/Atom feed rather than a page."""
    head = body[:512].lstrip().lower()
    return (
        "xml" in content_type
        or head.startswith(b"<?xml")
        or head.startswith(tuple(b"<" + r.encode() for r in _FEED_ROOTS))
    )


def read_feed(body: bytes, url: str) -> list[str]:
    """The page URLs a sitemap (or sitemap index), RSS or Atom feed lists."""
    return list(feed_entries(body, url))


def feed_entries(body: bytes, url: str) -> dict[str, float | None]:
    """The page URLs a sitemap (or sitemap index), RSS or Atom feed lists,
    in order, each with when the feed says it last changed (a sitemap's
    ``lastmod``, Atom's ``updated``, RSS's ``pubDate``) as a Unix time, or None."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return {}
    found: dict[str, float | None] = {}
    changed: dict[str, float] = {}
    for element in root.iter():
        name = _local(element.tag)
        if name == "loc" or (name == "link" and element.text):
            found.setdefault(canonical_url(element.text or "", url), None)
        elif name == "link" and element.get("href"):
            found.setdefault(canonical_url(element.get("href") or "", url), None)
        if name in _ENTRIES:
            changed.update(_entry_date(element, url))
    found.pop("", None)
    return {u: changed.get(u) for u in found}


_ENTRIES = ("url", "sitemap", "item", "entry")  # one listed page each
_DATES = ("lastmod", "updated", "pubdate", "published")  # the first one found counts


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _entry_date(entry: ET.Element, url: str) -> dict[str, float]:
    """{address: when it changed} of one sitemap, RSS or Atom entry, or {}."""
    address, when = "", None
    for child in entry:
        name = _local(child.tag)
        if name in ("loc", "link") and not address:
            address = canonical_url(child.text or child.get("href") or "", url)
        elif name in _DATES and when is None:
            when = feed_date(child.text or "")
    return {address: when} if address and when is not None else {}


def feed_date(text: str) -> float | None:
    """A sitemap's or feed's date as a Unix time: W3C/ISO 8601 (2021-11-05,
    2021-11-05T10:00:00+08:00) or RFC 822 (Fri, 05 Nov 2021 10:00:00 +0800).
    A time without zone is taken as UTC. A date without a time counts as the
    end of that day everywhere (36 hours after its midnight in UTC), so a
    page changed late that day is still fetched again."""
    text = text.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    else:
        if len(text) == 10:  # a date alone
            when += timedelta(hours=36)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
