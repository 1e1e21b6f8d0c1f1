"""One spelling per page, where it goes in the corpus, and which URLs count
toward a trap's cap.

Canonical form: courlan's normalisation (lower-case host, default port
dropped, tracking parameters such as ``utm_*`` removed, query sorted), no
fragment, and a folder's ``index.html`` spelled as the folder, so
``/gzdt/``, ``/gzdt/index.html`` and ``/gzdt/index.html#top`` are one page.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from courlan import normalize_url

_INDEX_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)
_PAGE_NUMBER_RE = re.compile(r"(?:index|list|page)[_-]\d+\.s?html?$", re.I)
_UNSAFE_CHARS_RE = re.compile(r'[\x00-\x1f<>:"\\|?*\x7f]')
_MAX_SEGMENT = 120  # characters of one file or folder name in the corpus
SITES_FOLDER = "sites"  # corpus/sites/<host>/<path>: where crawled pages go


def canonical_url(href: str, base: str = "") -> str:
    """The canonical absolute form of ``href`` (relative to ``base``), or ""
    when it is not an http(s) address."""
    try:
        absolute = urljoin(base, href.strip()) if base else href.strip()
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return ""
        normal = urlsplit(normalize_url(absolute))
    except ValueError:  # a bad port, an unbalanced [ in the host
        return ""
    path = _INDEX_RE.sub("/", normal.path) or "/"
    return urlunsplit((normal.scheme, normal.netloc, path, normal.query, ""))


def host_of(url: str) -> str:
    """The host and port of ``url``, lower-case: what "the same site" means."""
    return urlsplit(url).netloc.lower()


def trap_pattern(url: str) -> str:
    """The pattern ``url`` counts toward for the per-pattern cap, or "" when
    uncapped. Query-string pages (calendars, searches, filters) count per path
    and parameter names; numbered list pages per path with the number blanked.
    Article URLs are never capped: a column may hold thousands."""
    parts = urlsplit(url)
    if parts.query:
        names = sorted({p.split("=", 1)[0] for p in parts.query.split("&")})
        return f"{parts.path}?{'&'.join(names)}"
    if _PAGE_NUMBER_RE.search(parts.path):
        return re.sub(r"\d+", "#", parts.path)
    return ""


def corpus_path(url: str) -> str:
    """The corpus-relative file a page of ``url`` is saved to:
    ``sites/<host>/<path>``, always ending in .html, never leaving the folder."""
    parts = urlsplit(url)
    host = _safe_segment(parts.netloc.lower().replace(":", "_"))
    segments = [_safe_segment(s) for s in unquote(parts.path).split("/")]
    segments = [s for s in segments if s not in ("", ".", "..")]
    if parts.path.endswith("/") or not segments:
        segments.append("index.html")
    stem, dot, suffix = segments[-1].rpartition(".")
    if not dot or suffix.lower() not in ("html", "htm", "shtml"):
        stem, suffix = segments[-1], "html"
    if suffix.lower() == "shtml":
        suffix = "html"
    if parts.query:
        stem += "_" + hashlib.sha1(parts.query.encode()).hexdigest()[:10]
    segments[-1] = f"{stem}.{suffix}"
    return "/".join([SITES_FOLDER, host, *segments])


def _safe_segment(segment: str) -> str:
    """A file-system-safe name: no separators or control characters, not hidden."""
    name = _UNSAFE_CHARS_RE.sub("_", segment.replace("/", "_"))
    if len(name.encode()) > _MAX_SEGMENT:
        digest = hashlib.sha1(name.encode()).hexdigest()[:10]
        name = name.encode()[: _MAX_SEGMENT - 11].decode("utf-8", "ignore") + "_" + digest
    return "_" + name[1:] if name.startswith(".") and name not in (".", "..") else name
