"""The spelling corrector: a query with mistyped words replaced by frequent
words of the index that sound the same (党见长廊 -> 党建长廊, a wrong
character picked from the input method) or differ in one character
(强边固访 -> 强边固防).

Kept apart from completion and pinyin (lookup.py) as Whoosh keeps its
``spelling.py``: it is the one part of the vocabulary with a search of its
own (windows of the query against homophones and one-character variants),
and its own lazily built index (the words spelled backwards).
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Iterator

import numpy as np

from indexer.vocab.table import (
    CJK_RUN,
    MAX_CHARS,
    MIN_CHARS,
    frequency,
    key_ids,
    prefix_range,
)

MAX_QUERY = 64  # longer keys are not corrected
MAX_WINDOW = 8  # longest run of characters one correction replaces
MIN_FIX_DF = 2  # a correction is a word of at least this many articles
FIX_RATIO = 5  # ... and this many times more frequent than what it replaces
MAX_COMBOS = 32  # reading combinations tried for a window of polyphonic characters


class Corrector:
    """Corrections from one vocabulary's columns (see table.py). Shared by
    threads: the columns never change, and the reversed index is built once,
    under a lock, by the first correction that needs it."""

    def __init__(
        self,
        words: list[str],
        df: np.ndarray,
        rank: np.ndarray,
        py_keys: list[str],
        py_ids: np.ndarray,
        readings: dict[str, str],
    ):
        self._words, self._df, self._rank = words, df, rank
        self._py_keys, self._py_ids = py_keys, py_ids
        self._readings = readings
        self._reversed: tuple[list[str], np.ndarray] | None = None
        self._lock = threading.Lock()

    def correct(self, key: str) -> str | None:
        """``key`` (a normalised query) with mistyped words replaced by
        frequent vocabulary words that sound the same (党见长廊 -> 党建长廊)
        or differ in one character; None when nothing better is known.
        Meant for queries that found little or nothing."""
        if not key or len(key) > MAX_QUERY or not self._words:
            return None
        fixed = CJK_RUN.sub(lambda m: self._correct_run(m.group()), key)
        return fixed if fixed != key else None

    def _correct_run(self, run: str) -> str:
        """Known words and corrections compete for the characters of ``run``:
        longer first, at equal length a known word before a correction, a
        homophone before a substitution, then the more frequent. So a known
        word is only replaced by a longer correction or by a much more
        frequent homophone of itself (公式 -> 公示), and 情况强边固访 becomes
        情况强边固防 (强边固访 is longer than 情况强, one character from 情况表)."""
        spans = self._known_spans(run)
        fixes = self._fixes(run, spans)
        fixed = {(p, p - minus_length) for minus_length, _kind, _rank, p, _word in fixes}
        claims = [(i - j, 0, 0, i, "") for (i, j) in spans if (i, j) not in fixed] + fixes
        taken = [False] * len(run)
        out = list(run)
        for minus_length, _kind, _rank, p, word in sorted(claims):
            end = p - minus_length
            if any(taken[p:end]):
                continue
            taken[p:end] = [True] * (end - p)
            if word:
                out[p:end] = [word, *[""] * (end - p - 1)]
        return "".join(out)

    def _known_spans(self, run: str) -> dict[tuple[int, int], int]:
        """(start, end) -> frequency of every vocabulary word inside ``run``."""
        spans = {}
        for i in range(len(run)):
            for j in range(i + MIN_CHARS, min(len(run), i + MAX_CHARS) + 1):
                df = frequency(self._words, self._df, run[i:j])
                if df:
                    spans[i, j] = df
        return spans

    def _fixes(self, run: str, spans: dict[tuple[int, int], int]) -> list[tuple]:
        """Claims (-length, kind, rank, start, word) of the windows of ``run``
        that have a correction. A window inside a longer known word is not
        tried: that word would win. Windows of one start share the pinyin
        spellings of their growing prefix, pruned as soon as no vocabulary
        pinyin starts with one."""
        covered = [False] * len(run)
        longest_from = [0] * len(run)  # end of the longest known word starting at i
        for i, j in spans:
            covered[i:j] = [True] * (j - i)
            longest_from[i] = max(longest_from[i], j)
        claims = []
        reach = 0  # end of the furthest known word starting before p
        for p in range(len(run) - 1):
            spellings = [""]
            for end in range(p + 1, min(p + MAX_WINDOW, len(run)) + 1):
                spellings = self._spell_on(spellings, run[end - 1])
                if end - p < MIN_CHARS or reach >= end or longest_from[p] > end:
                    continue
                uncovered = [i - p for i in range(p, end) if not covered[i]]
                if not spellings and (end - p < 3 or not uncovered):
                    continue  # no homophone, and no substitution allowed
                claim = self._fix(run[p:end], _explained(spans, p, end), spellings, uncovered)
                if claim is not None:
                    kind, wid = claim
                    claims.append((p - end, kind, int(self._rank[wid]), p, self._words[wid]))
            reach = max(reach, longest_from[p])
        return claims

    def _spell_on(self, spellings: list[str], ch: str) -> list[str]:
        """``spellings`` extended by each reading of ``ch``, keeping those
        some vocabulary pinyin starts with (at most MAX_COMBOS)."""
        readings = self._readings.get(ch)
        if not readings:
            return []
        keys, out = self._py_keys, []
        for head in spellings:
            for reading in readings.split(","):
                spelling = head + reading
                k = bisect.bisect_left(keys, spelling)
                if k < len(keys) and keys[k].startswith(spelling):
                    out.append(spelling)
        return out[:MAX_COMBOS]

    def _fix(
        self, window: str, own: int, spellings: list[str], uncovered: list[int]
    ) -> tuple[int, int] | None:
        """(kind, word id) of a better word for ``window``: a homophone (kind
        1) at least FIX_RATIO times as frequent as ``own`` (see _explained),
        or, for a window no known words explain, a word of the same length
        with one character replaced (kind 2), a character of no known word of
        the query (``uncovered``: 会议召 does not become 会议室, 召 is in 召开)."""
        least = max(MIN_FIX_DF, FIX_RATIO * own)
        best = self._homophone(window, spellings, least)
        if best is not None:
            return 1, best
        if not own and len(window) >= 3 and uncovered:
            best = self._substitute(window, uncovered, least)
            if best is not None:
                return 2, best
        return None

    def _homophone(self, window: str, spellings: list[str], least: int) -> int | None:
        """The best word of at least ``least`` articles spelled as one of the
        ``spellings`` of ``window`` (every reading of its polyphonic
        characters: 党见长廊 is read dang jian zhang lang by default) that
        sounds like it character by character."""
        best = None
        readings = [self._readings.get(c, "").split(",") for c in window]
        for spelling in spellings:
            for wid in key_ids(self._py_keys, self._py_ids, spelling):
                if self._df[wid] < least:
                    break  # best first: the rest are rarer still
                word = self._words[wid]
                if word != window and self._sounds_like(word, readings):
                    if best is None or self._rank[wid] < self._rank[best]:
                        best = wid
                    break
        return best

    def _sounds_like(self, word: str, readings: list[list[str]]) -> bool:
        """Same length and each character shares a reading: 方案 (fang an)
        does not sound like 反感 (fan gan), though both spell fangan."""
        if len(word) != len(readings):
            return False
        return all(
            any(r in theirs for r in self._readings.get(c, "").split(","))
            for c, theirs in zip(word, readings, strict=True)
        )

    def _substitute(self, window: str, positions: list[int], least: int) -> int | None:
        """The best word of at least ``least`` articles that is ``window``
        with the character at one of ``positions`` replaced (强边固访 -> 强边固防)."""
        best = None
        backwards = self._reversed_index()
        for i in positions:
            for wid in self._one_apart(window[:i], window[i + 1 :], backwards):
                if self._df[wid] >= least and (best is None or self._rank[wid] < self._rank[best]):
                    best = wid
        return best

    def _one_apart(
        self, head: str, tail: str, backwards: tuple[list[str], np.ndarray]
    ) -> Iterator[int]:
        """Ids of the words ``head + one character + tail``, scanned among
        the words starting with ``head`` or (``backwards``, the reversed
        index) ending with ``tail``, whichever are fewer."""
        n = len(head) + 1 + len(tail)
        rkeys, rids = backwards
        flo, fhi = prefix_range(self._words, head)
        rlo, rhi = prefix_range(rkeys, tail[::-1])
        if fhi - flo <= rhi - rlo:
            for k in range(flo, fhi):
                word = self._words[k]
                if len(word) == n and word.endswith(tail):
                    yield k
        else:
            head_backwards = head[::-1]
            for k in range(rlo, rhi):
                key = rkeys[k]
                if len(key) == n and key.endswith(head_backwards):
                    yield int(rids[k])

    def _reversed_index(self) -> tuple[list[str], np.ndarray]:
        """Words of 3+ characters spelled backwards, sorted, with their ids:
        built by the first correction that needs it."""
        with self._lock:
            if self._reversed is None:
                backwards = {i: w[::-1] for i, w in enumerate(self._words) if len(w) >= 3}
                ids = sorted(backwards, key=backwards.__getitem__)
                self._reversed = [backwards[i] for i in ids], np.array(ids, dtype=np.int32)
            return self._reversed


def _explained(spans: dict[tuple[int, int], int], start: int, end: int) -> int:
    """How well ``run[start:end]`` is explained by known words: the frequency
    of the rarest word in its best split into vocabulary words (the window
    itself, if it is one), 0 when it cannot be split so."""
    best: dict[int, float] = {start: math.inf}
    for j in range(start + MIN_CHARS, end + 1):
        options = [
            min(best[i], df)
            for i in range(start, j - MIN_CHARS + 1)
            if i in best and (df := spans.get((i, j)))
        ]
        if options:
            best[j] = max(options)
    return int(best.get(end, 0))
