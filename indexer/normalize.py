"""Text normalisation shared by documents and queries.

Everything that decides whether a query matches goes through :func:`key_text`,
the *search key* form of a text: NFKC (so the scraper's ASCII ``,:()`` and the
site's full-width ``，：（）`` are the same), lower-case, and only letters and
digits kept. Punctuation and spaces are dropped, except that one space is kept
between two ASCII letters/digits so ``GDP 2021`` does not become ``gdp2021``.
Dropping punctuation is what makes ``"抓党建促强边固防"`` find ``抓党建,促强边固防``.

Inside a number or Latin token the characters ``. / : - +`` (between two ASCII
letters or digits) and ``%`` (after a digit) are part of what was written and
stay: ``3.5``, ``1/4``, ``26.3:50.7``, ``2021-10-01``, ``covid-19``,
``pm2.5``, ``100%``. So ``"1/4"`` does not find ``721.4亿`` and ``"100%"`` does
not find ``100名``. Punctuation between or around Chinese text is folded as before.
Traditional characters become simplified (OpenCC's t2s, one character at a
time), so 黨建長廊 and 党建长廊 are the same key. Sentence ends (。！？；) and
line breaks are kept, as one BOUNDARY character that no query contains, so a
phrase never matches across two sentences or paragraphs (``大水`` does not match ``重大。水域``).

The same mapping with offsets (:func:`key_with_offsets`) lets the highlighter
find matches in the key and mark the original characters, so display text is
never rewritten.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Separators inside the per-article key stream (see chars.py); a query key
# never contains them, so no match can span them.
FIELD_SEP = "\x01"
BOUNDARY = "\x02"
_SENTENCE_ENDS = frozenset("。!?;\n")  # after NFKC: ！？； are ASCII
# Kept between two ASCII letters/digits (``%`` after a digit): part of a token.
INSIDE_TOKEN = frozenset("./:-+%")


class _Simplified(dict):
    """A str.translate table from traditional to simplified characters,
    filled from OpenCC's t2s conversion as characters are first met.

    Character by character on purpose: any substring of an article must map
    to a substring of its key, which phrase-level conversion breaks (乾隆 stays
    乾隆 as a phrase but 乾 alone becomes 干). Both sides of a match map the
    same way, and a character never changes length, so offsets still hold.
    """

    def __init__(self) -> None:
        super().__init__()
        self._converter: Any = None  # an opencc.OpenCC, made on first use (opencc is slow to load)

    def __missing__(self, cp: int) -> int:
        value = cp
        if is_cjk(cp):
            if self._converter is None:
                import opencc

                self._converter = opencc.OpenCC("t2s")
            out = self._converter.convert(chr(cp))
            value = ord(out) if len(out) == 1 else cp
        self[cp] = value
        return value


def is_cjk(cp: int) -> bool:
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F


_T2S = _Simplified()


@lru_cache(maxsize=65536)
def _key_piece(ch: str) -> str:
    """Normalise one character: its NFKC form lower-cased, letters/digits only.

    Other characters become " " (a separator position), sentence ends and
    line breaks BOUNDARY; INSIDE_TOKEN characters stay for the builder to
    keep or fold. Cached: articles reuse a few thousand characters.
    """
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower().translate(_T2S):
        if c.isalnum() or c in INSIDE_TOKEN:
            out.append(c)
        else:
            out.append(BOUNDARY if c in _SENTENCE_ENDS else " ")
    return "".join(out)


def is_ascii_alnum(c: str) -> bool:
    """An ASCII letter or digit (False for "")."""
    return c.isascii() and c.isalnum()


# Runs of letters/digits; between them only punctuation, spaces and symbols.
_RUN = re.compile(r"[^\W_]+")


class _KeyBuilder:
    """Accumulates key characters and their source offsets, keeping one space
    between two ASCII letters/digits that a separator stood between, and an
    INSIDE_TOKEN character between two of them (held until the next
    character shows whether it is inside a token)."""

    def __init__(self, boundaries: bool = True) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.pending_space = False
        self.pending_inside: tuple[str, int] | None = None
        self.boundaries = boundaries

    def add_run(self, run: str, start: int) -> None:
        """A run that is already in key form (the common case: CJK text)."""
        self._space_before(run[0], start)
        self.chars.append(run)
        self.offsets.extend(range(start, start + len(run)))

    def add_char(self, ch: str, index: int) -> None:
        for c in _key_piece(ch):
            if c in INSIDE_TOKEN:
                self._inside(c, index)
                continue
            if c == BOUNDARY and self.boundaries:
                self.pending_inside = None
                if self.chars and self.chars[-1][-1] != BOUNDARY:
                    self.chars.append(c)
                    self.offsets.append(index)
                self.pending_space = False
                continue
            if c in (" ", BOUNDARY):
                self._separator()
                continue
            self._space_before(c, index)
            self.chars.append(c)
            self.offsets.append(index)

    def _inside(self, c: str, index: int) -> None:
        """``c`` right after an ASCII letter/digit: ``%`` after a digit is
        kept at once, the others when an ASCII letter/digit follows."""
        last = self.chars[-1][-1] if self.chars else ""
        if self.pending_space or self.pending_inside or not is_ascii_alnum(last):
            self._separator()
        elif c == "%":
            if last.isdigit():
                self.chars.append(c)
                self.offsets.append(index)
            else:
                self._separator()
        else:
            self.pending_inside = (c, index)

    def _separator(self) -> None:
        self.pending_inside = None
        self.pending_space = True

    def _space_before(self, c: str, index: int) -> None:
        if self.pending_inside is not None:
            held, at = self.pending_inside
            self.pending_inside = None
            if is_ascii_alnum(c):
                self.chars.append(held)
                self.offsets.append(at)
                return
            self.pending_space = True
        if (
            self.pending_space
            and self.chars
            and is_ascii_alnum(self.chars[-1][-1])
            and is_ascii_alnum(c)
        ):
            self.chars.append(" ")
            self.offsets.append(index)
        self.pending_space = False


def key_with_offsets(text: str, boundaries: bool = True) -> tuple[str, list[int]]:
    """Return the key form of ``text`` and, for each key character, the index
    of the original character it came from.

    Runs of letters and digits that are already NFKC and lower-case (nearly
    all Chinese text) are copied whole; everything else goes character by
    character through the same mapping, so both paths give the same key.
    """
    kb = _KeyBuilder(boundaries)
    pos = 0
    for m in _RUN.finditer(text):
        for i in range(pos, m.start()):
            kb.add_char(text[i], i)
        run = m.group()
        if unicodedata.is_normalized("NFKC", run) and run == run.lower():
            kb.add_run(run.translate(_T2S), m.start())
        else:
            for i in range(m.start(), m.end()):
                kb.add_char(text[i], i)
        pos = m.end()
    for i in range(pos, len(text)):
        kb.add_char(text[i], i)
    return "".join(kb.chars), kb.offsets


class _Pieces(dict):
    """A str.translate table: each character to its :func:`_key_piece`."""

    def __missing__(self, cp: int) -> str:
        self[cp] = piece = _key_piece(chr(cp))
        return piece


_PIECES = _Pieces()
# What _KeyBuilder does, as substitutions over the characters' pieces: an
# INSIDE_TOKEN character stays between two ASCII letters/digits (``%`` after
# a digit), else it separates; separators become one space between two
# ASCII letters/digits and vanish elsewhere; sentence ends fold into one
# BOUNDARY, none at the start.
_LOOSE_INSIDE = re.compile(r"(?<![a-z0-9])[./:+-]|[./:+-](?![a-z0-9])|(?<![0-9])%")
_SPACES = re.compile(" +")
_LOOSE_SPACE = re.compile(r"(?<![a-z0-9]) | (?![a-z0-9])")
_BOUNDARIES = re.compile(BOUNDARY + "+")


def key_text(text: str) -> str:
    """The search key form of a document's ``text`` (see module docstring):
    ``key_with_offsets(text)[0]`` without the offsets, in about 60% of its
    time (tests/test_normalize.py compares the two)."""
    key = _LOOSE_INSIDE.sub(" ", text.translate(_PIECES))
    key = _LOOSE_SPACE.sub("", _SPACES.sub(" ", key))
    return _BOUNDARIES.sub(BOUNDARY, key).lstrip(BOUNDARY)


def query_key(text: str) -> str:
    """The key form of what a user typed: like key_text, but a sentence end
    in the query is only a separator, so the key can match a document."""
    return key_with_offsets(text, boundaries=False)[0]


def display_normalize(text: str) -> str:
    """NFKC, lower-case and simplified, punctuation kept: what jieba segments.

    jieba sees sentence punctuation, which keeps its segmentation close to how
    it was trained, while the key form (no punctuation) decides matching.
    """
    return unicodedata.normalize("NFKC", text).lower().translate(_T2S)
