"""Bytes of a file whose encoding nobody told us -> text, and the checks that
tell text from binary. Shared by every format (scraped text, HTML, JSON Lines)."""

from __future__ import annotations

import codecs
import logging
import unicodedata

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

from indexer.errors import ArticleError

logger = logging.getLogger(__name__)

# A decoded file with more than this share of control characters (other than
# tab, newline, form feed) is binary that happened to decode.
MAX_CONTROL_RATIO = 0.1
CONTROL_SAMPLE = 8192  # characters; enough to tell text from binary


# Byte-order marks declare their encoding outright, so they win over any
# guessing. UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
GB_CODECS = frozenset({"gb2312", "gbk"})  # decoded as GB18030, their superset


def check_bytes(data: bytes, relpath: str) -> None:
    """Reject empty and binary files before trying to decode them."""
    if not data.strip():
        raise ArticleError(relpath, "empty file")
    if b"\x00" in data and not data.startswith(tuple(bom for bom, _ in _BOMS)):
        raise ArticleError(relpath, "binary file (not text)")


def check_text(text: str, relpath: str) -> None:
    """Reject decoded text that is blank or mostly control characters."""
    if not text.strip():
        raise ArticleError(relpath, "empty file")
    sample = text[:CONTROL_SAMPLE]
    controls = sum(1 for c in sample if c not in "\t\n\f" and unicodedata.category(c) == "Cc")
    if controls > MAX_CONTROL_RATIO * len(sample):
        raise ArticleError(relpath, "binary file (not text)")


def decode_bytes(data: bytes) -> str:
    """Decode a corpus file whose encoding nobody told us, with "\\n" line ends.

    Order: a byte-order mark, strict UTF-8, strict GB18030 (a superset of GBK
    and GB2312, what Chinese Windows editors save), then charset-normalizer for
    anything else. Raises ValueError when nothing fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(encoding))
    for encoding in ("utf-8", "gb18030"):
        try:
            return normalise_newlines(data.decode(encoding))
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot decode: not UTF-8 or GB18030")
    logger.debug("decoded as %s by charset detection", best.encoding)
    return normalise_newlines(str(best).lstrip("\ufeff"))


# NUL and other control characters (tab and newline are layout), and the
# bidirectional controls that make text read differently from how it is
# stored (U+202E turns "txt.exe" into "exe.txt"): dropped from article text
# at import, so no page or snippet ever carries them.
_UNSAFE = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x061C, 0x200E, 0x200F]
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def strip_unsafe(text: str) -> str:
    """``text`` without control characters other than tab and newline, and
    without bidirectional controls."""
    return text.translate(_UNSAFE)


def normalise_newlines(text: str) -> str:
    """``text`` with every CRLF and lone CR as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, each stripped at both ends.

    ``str.strip`` also removes NBSP and the ideographic space, which scraping
    leaves as indentation and as "empty" spacer paragraphs.
    """
    return [line.strip() for line in text.split("\n") if line.strip()]


def decode_html(data: bytes) -> str:
    """Decode a saved page: valid UTF-8, else its declared charset, else as any file.

    Valid UTF-8 wins over a declared legacy charset because saved pages are
    often re-encoded to UTF-8 with the old ``<meta charset="gbk">`` left in;
    GBK text essentially never forms valid UTF-8, while UTF-8 Chinese often
    forms valid (wrong) GB18030. Without a usable declaration, or with one the
    bytes do not fit, :func:`decode_bytes` decides (it also
    reads byte-order marks, so UTF-16 pages work).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    charset = _declared_charset(data)
    if charset:
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            logger.warning("page does not match its declared charset %s", charset)
    return decode_bytes(data)


def _declared_charset(data: bytes) -> str | None:
    """The Python codec named by ``<meta charset>`` or an http-equiv content type."""
    for meta in LexborHTMLParser(data).css("meta"):
        attrs = meta.attributes
        label = attrs.get("charset") or ""
        if not label and (attrs.get("http-equiv") or "").lower() == "content-type":
            label = (attrs.get("content") or "").lower().partition("charset=")[2]
        label = label.strip().strip("\"'").split(";")[0].strip()
        if not label:
            continue
        try:
            name = codecs.lookup(label.removeprefix("x-")).name
        except LookupError:
            logger.warning("unknown charset %r declared", label)
            return None
        return "gb18030" if name in GB_CODECS else name
    return None
