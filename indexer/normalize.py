"""Text normalisation shared by documents and queries.

Everything that decides whether a query matches goes through :func:`key_text`,
the *search key* form of a text: NFKC (so the scraper's ASCII ``,:()`` and the
site's full-width ``，：（）`` are the same), lower-case, and only letters and
digits kept. Punctuation and spaces are dropped, except that one space is kept
between two ASCII letters/digits so ``GDP 2021`` does not become ``gdp2021``.
Dropping punctuation is what makes ``"抓党建促强边固防"`` find ``抓党建,促强边固防``.

The same mapping with offsets (:func:`key_with_offsets`) lets the highlighter
find matches in the key and mark the original characters, so display text is
never rewritten.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Separators inside the per-article key stream (see chars.py); they can never
# appear in a key because key_text keeps only letters, digits and single spaces.
FIELD_SEP = "\x01"


@lru_cache(maxsize=65536)
def _key_piece(ch: str) -> str:
    """Normalise one character: its NFKC form lower-cased, letters/digits only.

    Returns "" for punctuation and symbols and " " for a separator position.
    Cached because articles reuse a few thousand distinct characters.
    """
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        out.append(c if c.isalnum() else " ")
    return "".join(out)


def _is_ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def key_with_offsets(text: str) -> tuple[str, list[int]]:
    """Return the key form of ``text`` and, for each key character, the index
    of the original character it came from."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        for c in _key_piece(ch):
            if c == " ":
                pending_space = True
                continue
            if pending_space and chars and _is_ascii_alnum(chars[-1]) and _is_ascii_alnum(c):
                chars.append(" ")
                offsets.append(i)
            pending_space = False
            chars.append(c)
            offsets.append(i)
    return "".join(chars), offsets


def key_text(text: str) -> str:
    """The search key form of ``text`` (see module docstring)."""
    return key_with_offsets(text)[0]


def display_normalize(text: str) -> str:
    """NFKC + lower-case with punctuation kept: what jieba segments.

    jieba sees sentence punctuation, which keeps its segmentation close to how
    it was trained, while the key form (no punctuation) decides matching.
    """
    return unicodedata.normalize("NFKC", text).lower()
