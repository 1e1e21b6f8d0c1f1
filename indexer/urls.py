"""Addresses taken from article files, kept only when a browser can safely
follow them: an article's ``url`` (and a crawled ``source_url``) ends up in a
link on the article page and in /api/article, so a ``javascript:`` or
``data:`` value must never get that far."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def http_url(value: object) -> str:
    """``value`` when it is an absolute http(s) address with a host, else "".

    Whitespace and control characters are not allowed anywhere in it:
    browsers drop them, which turns ``java\\tscript:`` into a live scheme."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or any(c.isspace() or not c.isprintable() for c in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced [ in the host
        return ""
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.hostname else ""
