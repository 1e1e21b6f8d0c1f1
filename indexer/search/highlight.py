"""Highlighting by locating the query in the stored text itself.

Matches are found in the key form of the text (the same form matching uses,
so whatever matched is what gets marked) and mapped back to the original
characters through the offsets of normalize.key_with_offsets. No jieba runs
here, and the text between marks is HTML-escaped: the only markup in the
output is ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from indexer.normalize import key_with_offsets

SNIPPET_CHARS = 120
SCAN_CHARS = 20_000  # where a match is looked for the exact (slow) way
LEAD_CHARS = 30


def match_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of ``text`` (original characters)
    where any of ``needles`` (key form) occurs."""
    per_needle = _spans_per_needle(text, needles)
    return _merge([span for spans in per_needle for span in spans])


def _spans_per_needle(text: str, needles: Iterable[str]) -> list[list[tuple[int, int]]]:
    key, offsets = key_with_offsets(text)
    result = []
    for needle in needles:
        spans = []
        pos = key.find(needle) if needle else -1
        while pos != -1:
            end = pos + len(needle)
            spans.append((offsets[pos], offsets[end - 1] + 1))
            pos = key.find(needle, end)
        result.append(spans)
    return result


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


def highlight(text: str, needles: Iterable[str]) -> Markup:
    """All of ``text`` with every match marked."""
    return mark(text, match_spans(text, needles))


def snippet(text: str, needles: list[str], size: int = SNIPPET_CHARS) -> Markup:
    """A window of ``text`` around its best match: the first occurrence of the
    first needle that occurs (callers list the whole phrase first), with every
    match inside the window marked. Paragraph breaks show as spaces.

    Only the window is normalised: a regular expression finds the anchor in
    the original text (punctuation allowed between the characters), which
    saves normalising a whole long article for every hit."""
    anchor = _find_anchor(text, needles)
    if anchor is None:  # e.g. full-width letters: locate it the exact way
        # only a bounded head is normalised: a results page may list long articles
        per_needle = _spans_per_needle(text[:SCAN_CHARS], needles)
        anchor = next((spans[0][0] for spans in per_needle if spans), 0)
    start = max(0, min(anchor - LEAD_CHARS, len(text) - size))
    end = min(len(text), start + size)
    margin = max((len(n) for n in needles), default=0) * 4
    lo, hi = max(0, start - margin), min(len(text), end + margin)
    spans = [(s + lo, e + lo) for s, e in match_spans(text[lo:hi], needles)]
    flat = text.replace("\n", " ")  # same length: spans stay valid
    body = mark(flat, spans, start, end)
    prefix = Markup("…") if start > 0 else Markup("")
    suffix = Markup("…") if end < len(text) else Markup("")
    return prefix + body + suffix


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
