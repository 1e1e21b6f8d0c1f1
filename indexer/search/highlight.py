"""Highlighting by locating the query in the stored text itself.

Matches are found in the key form of the text (the same form matching uses,
so whatever matched is what gets marked) and mapped back to the original
characters through the offsets of normalize.key_with_offsets. Only the
characters that matched are marked, not the punctuation between them
(驻村“第一书记 marks 驻村 and 第一书记). A part of what was typed (边境 of
边境幸福村) is marked only in a text where the whole is not (``Needle.unless``).
No jieba runs here, and the text between marks is HTML-escaped: the only
markup in the output is ``<mark>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from indexer.normalize import key_with_offsets

SNIPPET_CHARS = 120
SCAN_CHARS = 20_000  # where a match is looked for the exact (slow) way
LEAD_CHARS = 30


@dataclass(frozen=True)
class Needle:
    """What to mark (key form); with ``unless``, only in a text that does
    not hold that whole (key form)."""

    text: str
    unless: str = ""


Needles = Sequence[Needle | str]  # a plain string is a Needle marked everywhere


def in_force(key: str, needles: Needles) -> list[str]:
    """The needles to mark in a text whose key form is ``key``, best first."""
    return [
        n if isinstance(n, str) else n.text
        for n in needles
        if isinstance(n, str) or not n.unless or n.unless not in key
    ]


def match_spans(
    text: str, needles: Needles, within_key: str | None = None
) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of ``text`` (original characters)
    where any of ``needles`` in force occurs, decided on ``within_key`` (the
    key form of a larger text holding this one) or on ``text`` itself."""
    key, offsets = key_with_offsets(text)
    strings = in_force(key if within_key is None else within_key, needles)
    per_needle = _spans_per_needle(key, offsets, strings)
    return _merge([span for spans in per_needle for span in spans])


def _spans_per_needle(
    key: str, offsets: list[int], needles: Iterable[str]
) -> list[list[tuple[int, int]]]:
    result = []
    for needle in needles:
        spans = []
        pos = key.find(needle) if needle else -1
        while pos != -1:
            end = pos + len(needle)
            spans += _runs([offsets[k] for k in range(pos, end) if key[k] != " "])
            pos = key.find(needle, end)
        result.append(spans)
    return result


def _runs(offsets: list[int]) -> list[tuple[int, int]]:
    """[start, end) runs of consecutive original characters among the
    offsets of one match: the punctuation it skipped stays unmarked."""
    runs: list[tuple[int, int]] = []
    for o in sorted(set(offsets)):
        if runs and o == runs[-1][1]:
            runs[-1] = (runs[-1][0], o + 1)
        else:
            runs.append((o, o + 1))
    return runs


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> Markup:
    """``text[start:end]`` escaped, with ``spans`` wrapped in ``<mark>``."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:end]))
    return Markup("").join(out)


def highlight(text: str, needles: Needles, within_key: str | None = None) -> Markup:
    """All of ``text`` with every match marked; which parts are marked is
    decided on ``within_key`` (default ``text``'s own key form: the
    paragraphs of an article decide on the key form of the whole body)."""
    return mark(text, match_spans(text, needles, within_key))


def snippet(text: str, needles: Needles, size: int = SNIPPET_CHARS) -> Markup:
    """A window of ``text`` around its best match: the first occurrence of the
    first needle that occurs (callers list the whole phrase first), with every
    match inside the window marked. Paragraph breaks show as spaces.

    Only the window is normalised: a regular expression finds the anchor in
    the original text (punctuation allowed between the characters), which
    saves normalising a whole long article for every hit. Which parts are
    marked is decided on the window (the anchor, the best match, is in it)."""
    strings = [n if isinstance(n, str) else n.text for n in needles]
    anchor = _find_anchor(text, strings)
    if anchor is None:  # e.g. full-width letters: locate it the exact way
        # only a bounded head is normalised: a results page may list long articles
        per_needle = _spans_per_needle(*key_with_offsets(text[:SCAN_CHARS]), strings)
        anchor = next((spans[0][0] for spans in per_needle if spans), 0)
    start = _skip_punctuation(text, max(0, min(anchor - LEAD_CHARS, len(text) - size)), anchor)
    end = min(len(text), start + size)
    margin = max((len(n) for n in strings), default=0) * 4
    lo, hi = max(0, start - margin), min(len(text), end + margin)
    spans = [(s + lo, e + lo) for s, e in match_spans(text[lo:hi], needles)]
    flat = text.replace("\n", " ")  # same length: spans stay valid
    body = mark(flat, spans, start, end)
    prefix = Markup("…") if start > 0 else Markup("")
    suffix = Markup("…") if end < len(text) else Markup("")
    return prefix + body + suffix


def _skip_punctuation(text: str, start: int, anchor: int) -> int:
    """The window's start moved past punctuation and spaces (the ``:`` left
    of 编者按:), never past the match."""
    while start < anchor and not text[start].isalnum():
        if unicodedata.category(text[start])[0] in "PZC":
            start += 1
        else:
            break
    return start


def _find_anchor(text: str, needles: list[str]) -> int | None:
    for needle in needles:
        m = _loose_pattern(needle).search(text)
        if m:
            return m.start()
    return None


@lru_cache(maxsize=1024)
def _loose_pattern(needle: str) -> re.Pattern[str]:
    """``needle`` (key form) as it may stand in the original: any punctuation
    or spaces between its characters, Latin in either case."""
    parts = [r"[\W_]+" if c == " " else re.escape(c) for c in needle]
    return re.compile(r"[\W_]*".join(parts), re.IGNORECASE)
