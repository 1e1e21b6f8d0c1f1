"""What a saved page carries besides the page itself: where it came from and
the text of its attachments.

A saved page is the page's bytes exactly as fetched, with two additions the
HTML importer reads back:

- first, the "mark of the web" browsers write when saving a page,
  ``<!-- saved from url=(0042)https://… -->``, so pages saved by hand in a
  browser give their original address too;
- last, when the page links attachments (PDF, DOCX, XLSX), one
  ``<script type="application/json" id="saved-attachments">`` element with
  their names, addresses and extracted text. Keeping it in the same file means
  the article and its attachments change together, in one atomic rename, and
  the reindex sees one file change.

Both are ASCII (JSON with ``ensure_ascii``), so they read the same in every
ASCII-compatible charset the page may use (GBK, GB18030, UTF-8).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

_SAVED_FROM_RE = re.compile(r"\A(\ufeff?)\s*<!-- saved from url=\(\d{4}\)(\S*) -->\n?")
_ATTACHMENTS_OPEN = '<script type="application/json" id="saved-attachments">'
_ATTACHMENTS_RE = re.compile(r"\n?" + re.escape(_ATTACHMENTS_OPEN) + r"(.*?)</script>\s*\Z", re.S)
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


def wrap_page(page: bytes, url: str, attachments: list[SavedAttachment] | None = None) -> bytes:
    """The bytes to save for ``page`` fetched from ``url``, with its attachments."""
    bom, codec = next(((b, c) for b, c in _BOM_CODECS if page.startswith(b)), (b"", "ascii"))
    url = quote(url, safe="".join(chr(c) for c in range(33, 127)))
    head = f"<!-- saved from url=({len(url):04d}){url} -->\n"
    tail = ""
    if attachments:
        records = [{"name": a.name, "url": a.url, "text": a.text} for a in attachments]
        # "</" would end the script element early in an HTML parser.
        data = json.dumps(records, ensure_ascii=True).replace("</", "<\\/")
        tail = f"\n{_ATTACHMENTS_OPEN}{data}</script>\n"
    return bom + head.encode(codec) + page[len(bom) :] + tail.encode(codec)


def unwrap_page(html: str) -> tuple[str, str, list[SavedAttachment]]:
    """(page, original address or "", attachments) of a decoded saved page."""
    url = ""
    if match := _SAVED_FROM_RE.match(html):
        url = match[2] if match[2].startswith(("http://", "https://")) else ""
        html = match[1] + html[match.end() :]
    attachments: list[SavedAttachment] = []
    if match := _ATTACHMENTS_RE.search(html):
        attachments = _attachment_records(match[1])
        html = html[: match.start()]
    return html, url, attachments


def _attachment_records(data: str) -> list[SavedAttachment]:
    """The attachment records of the JSON block; anything malformed is dropped."""
    try:
        records = json.loads(data)
    except json.JSONDecodeError:
        return []
    if not isinstance(records, list):
        return []
    return [
        SavedAttachment(r["name"], r["url"], r["text"])
        for r in records
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("name", "url", "text"))
    ]
