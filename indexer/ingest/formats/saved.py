"""What a saved page carries besides the page itself: where it came from and
the text of its attachments.

A saved page is the page's bytes exactly as fetched, with two additions the
HTML importer reads back:

- first, the "mark of the web" browsers write when saving a page,
  ``<!-- saved from url=(0042)https://… -->``, so pages saved by hand in a
  browser give their original address too;
- last, when there is more to say, one
  ``<script type="application/json" id="saved-record">`` element: the page's
  attachments (PDF, DOCX, XLSX) with their names, addresses and extracted
  text, and the fields a site's CSS selectors picked (title, date, column,
  body) where the built-in extraction reads that site wrong. Keeping them in
  the same file means the article and its attachments change together, in
  one atomic rename, and the reindex sees one file change.

Both are ASCII (JSON with ``ensure_ascii``), so they read the same in every
ASCII-compatible charset the page may use (GBK, GB18030, UTF-8).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import quote

from indexer.ingest.dates import parse_date
from indexer.ingest.decode import text_lines
from indexer.models import Article, attachment_heading
from indexer.urls import http_url

_SAVED_FROM_RE = re.compile(r"\A(\ufeff?)\s*<!-- saved from url=\(\d{4}\)(\S*) -->\n?")
_RECORD_OPEN = '<script type="application/json" id="saved-record">'
_RECORD_RE = re.compile(r"\n?" + re.escape(_RECORD_OPEN) + r"(.*?)</script>\s*\Z", re.S)
FIELDS = ("title", "date", "column", "body")
_BOM_CODECS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class SavedAttachment:
    """One attachment of a saved page: its link text, address and text."""

    name: str
    url: str
    text: str


def wrap_page(
    page: bytes,
    url: str,
    attachments: list[SavedAttachment] | None = None,
    fields: dict[str, str] | None = None,
) -> bytes:
    """The bytes to save for ``page`` fetched from ``url``, with its
    attachments and the fields a site's selectors picked."""
    bom, codec = next(((b, c) for b, c in _BOM_CODECS if page.startswith(b)), (b"", "ascii"))
    url = quote(url, safe="".join(chr(c) for c in range(33, 127)))
    head = f"<!-- saved from url=({len(url):04d}){url} -->\n"
    tail = ""
    if attachments or fields:
        record = {
            "attachments": [asdict(a) for a in attachments or ()],
            "fields": {k: v for k, v in (fields or {}).items() if k in FIELDS and v},
        }
        # "</" would end the script element early in an HTML parser.
        data = json.dumps(record, ensure_ascii=True).replace("</", "<\\/")
        tail = f"\n{_RECORD_OPEN}{data}</script>\n"
    return bom + head.encode(codec) + page[len(bom) :] + tail.encode(codec)


@dataclass(frozen=True)
class SavedPage:
    """A saved page taken apart: the page as fetched and what was added."""

    html: str
    url: str = ""  # original address, "" when unknown
    attachments: tuple[SavedAttachment, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)


def unwrap_page(html: str) -> SavedPage:
    """The parts of a decoded saved page (any page: the additions are optional)."""
    url = ""
    if match := _SAVED_FROM_RE.match(html):
        url = match[2] if match[2].startswith(("http://", "https://")) else ""
        html = match[1] + html[match.end() :]
    record: dict = {}
    if match := _RECORD_RE.search(html):
        record = _record(match[1])
        html = html[: match.start()]
    attachments = tuple(
        SavedAttachment(r["name"], r["url"], r["text"])
        for r in record.get("attachments", [])
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("name", "url", "text"))
    )
    fields = record.get("fields", {})
    fields = {k: v for k, v in fields.items() if k in FIELDS and isinstance(v, str)}
    return SavedPage(html, url, attachments, fields)


def apply_saved(article: Article, saved: SavedPage) -> Article:
    """``article`` as read from a saved page: the fields the site's selectors
    picked replace what the importer found, and each attachment's text
    follows the body under its 附件 heading."""
    picked = dict(saved.fields)
    if "date" in picked:
        picked["date"] = parse_date(picked["date"]) or article.date or ""
    if "body" in picked:
        picked["body"] = "\n".join(text_lines(picked["body"]))
    lines = [picked.get("body") or article.body]
    links = []
    for attachment in saved.attachments:
        text = text_lines(attachment.text)
        if text:
            lines += [attachment_heading(attachment.name), *text]
            links.append((attachment.name, http_url(attachment.url)))
    return replace(
        article,
        **{k: v for k, v in picked.items() if v and k != "body"},
        body="\n".join(lines),
        attachments=tuple(links),
    )


def _record(data: str) -> dict:
    """The JSON record; anything malformed counts as none."""
    try:
        record = json.loads(data)
    except json.JSONDecodeError:
        return {}
    if not isinstance(record, dict):
        return {}
    if not isinstance(record.get("attachments", []), list):
        record["attachments"] = []
    if not isinstance(record.get("fields", {}), dict):
        record["fields"] = {}
    return record
