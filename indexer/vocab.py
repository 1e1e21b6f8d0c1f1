"""The index's own vocabulary: pinyin search, "did you mean" and suggestions.

People search a government site the way they type: in pinyin (``dangjian``,
``qiangbiangufang``, the initials ``szsc`` for 三抓三促), with a wrong
character picked from the input method (党见长廊 for 党建长廊, 强边固访 for
强边固防), or a few characters at a time. All three are answered from the
words the index actually holds, so a suggestion or a correction always finds
something.

Each generation gets one vocabulary file, written after Whoosh's commit from
the jieba words of the title and body fields (:func:`write_vocabulary`): the
words with their document frequency, their toneless pinyin and initials, and
the toneless readings of every character pypinyin knows. pypinyin runs only
here, at indexing time, and only for words the previous generation did not
have: a reindex of one article does not convert 100,000 words again, and a
searching process never imports pypinyin (~40 MB, 0.3 s).

The file is laid out for loading, not for reading: one line per column,
values separated by tabs, the pinyin and initials already sorted. Loading is
a handful of ``str.split`` calls and no sorting; every lookup then bisects
sorted lists, it never scans the vocabulary. Lines (UTF-8, ``\\n``)::

    #xsbn-vocab/1  N  M          header: format, number of words, of characters
    words                        N words, sorted
    document frequencies         N integers, same order
    pinyin keys                  sorted; one word's keys (and ids) are in rank order
    their word ids               (index into words; words without pinyin have none)
    initials keys                sorted, likewise
    their word ids
    characters                   M characters, sorted
    their readings               comma-separated, most common first (长: chang,zhang)

A word's rank orders the vocabulary best first: document frequency, then
shorter first, then the word itself, so every tie is decided the same way.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import operator
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

VOCAB_FILE = "vocabulary.txt"
FORMAT = "#xsbn-vocab/1"
_LINES = 9  # header and eight columns

MAX_WORDS = 300_000  # the most frequent words kept
MIN_CHARS, MAX_CHARS = 2, 12  # a word's length in characters
MIN_BODY_DF = 2  # body words seen in fewer articles are noise; title words always count
MAX_LETTERS = 64  # longer Latin input is not a pinyin query
MAX_QUERY = 64  # longer keys are not corrected
MAX_WINDOW = 8  # longest run of characters one correction replaces
MIN_FIX_DF = 2  # a correction is a word of at least this many articles
FIX_RATIO = 5  # ... and this many times more frequent than what it replaces
MAX_COMBOS = 32  # reading combinations tried for a window of polyphonic characters

_CJK = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # as normalize._is_cjk
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(f"[{_CJK}0-9a-z]{{{MIN_CHARS},{MAX_CHARS}}}")
_PARTS = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_KEYS = re.compile(r"[0-9a-z\t]*")
_TYPED_SEPARATORS = re.compile(r"[\s'’]+")
_LETTERS = re.compile(r"[a-z]+")
_LAST = "\U0010ffff"  # sorts after any character that can follow a prefix

# --- writing ----------------------------------------------------------------


def write_vocabulary(reader: Any, folder: Path, previous: Path | None = None) -> int:
    """Write the vocabulary file of the generation in ``folder`` from its
    Whoosh ``reader``; return the number of words written.

    ``previous`` is the previous generation's folder: the pinyin it computed
    is reused for words still there (pypinyin costs ~65 µs a word). The file
    is written under a temporary name and renamed, so a vocabulary hard-linked
    from the previous generation is replaced, never written through.
    """
    chosen = _choose(_doc_frequencies(reader, "body"), _doc_frequencies(reader, "title"))
    words = sorted(chosen)
    known = _previous_pinyin(Path(previous) / VOCAB_FILE) if previous else {}
    spoken = [known.get(w) or _word_pinyin(w) for w in words]
    table = _Table.build(words, [chosen[w] for w in words], spoken, _char_readings())
    tmp = Path(folder) / f"{VOCAB_FILE}.tmp"
    tmp.write_bytes(table.dump().encode("utf-8"))
    os.replace(tmp, Path(folder) / VOCAB_FILE)
    return len(words)


def _doc_frequencies(reader: Any, field: str) -> dict[str, int]:
    """Document frequency of each vocabulary-worthy term of ``field``, summed
    over the segments (one pass over each segment's term list).

    Whoosh counts a segment's deleted documents until it merges the segment,
    so a word of a deleted article can linger that long; it only suggests."""
    counts: dict[str, int] = {}
    for leaf, _base in reader.leaf_readers():
        for term, info in leaf.iter_field(field):
            word = term.decode("utf-8", "replace") if isinstance(term, bytes) else term
            if _is_word(word):
                counts[word] = counts.get(word, 0) + info.doc_frequency()
    return counts


def _is_word(term: str) -> bool:
    """2..12 characters, key-form letters and digits, at least one CJK."""
    return _WORD.fullmatch(term) is not None and _CJK_RUN.search(term) is not None


def _choose(body: dict[str, int], title: dict[str, int]) -> dict[str, int]:
    """Words worth keeping -> document frequency (the larger of the two
    fields'): body words of at least MIN_BODY_DF articles and every title word,
    since titles are what people search for. The MAX_WORDS most frequent."""
    chosen = {w: max(n, title.get(w, 0)) for w, n in body.items() if n >= MIN_BODY_DF}
    for word, n in title.items():
        chosen.setdefault(word, max(n, body.get(word, 0)))
    if len(chosen) > MAX_WORDS:
        kept = sorted(chosen, key=lambda w: (-chosen[w], len(w), w))[:MAX_WORDS]
        chosen = {w: chosen[w] for w in kept}
    return chosen


def _previous_pinyin(path: Path) -> dict[str, tuple[str, str]]:
    """word -> (pinyin, initials) from a previous vocabulary file; empty when
    there is none or it cannot be read (everything is then computed)."""
    try:
        table = _Table.parse(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:
        log.info("not reusing the pinyin of %s: %s", path, e)
        return {}
    return dict(zip(table.words, table.spoken(), strict=True))


def _word_pinyin(word: str) -> tuple[str, str]:
    """(toneless pinyin, initials) of a word: 党建 -> (dangjian, dj).

    pypinyin reads each CJK run phrase-aware (长廊 chang lang, 行长 hang
    zhang); ASCII letters and digits stay as they are in both. A character
    pypinyin cannot read leaves the word without pinyin ("", ""): it can still
    be completed and corrected in characters."""
    from pypinyin import lazy_pinyin

    full: list[str] = []
    initials: list[str] = []
    for part in _PARTS.findall(word):
        if part.isascii():
            full.append(part)
            initials.append(part)
            continue
        syllables = lazy_pinyin(part)
        if not all(s.isascii() and s.isalpha() for s in syllables):
            return "", ""
        full.extend(syllables)
        initials.extend(s[0] for s in syllables)
    return "".join(full), "".join(initials)


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, str]:
    """Toneless readings of every CJK character pypinyin knows, most common
    first and comma-separated (长 -> chang,zhang; 绿 -> lv,lu): what a
    searching process needs to hear a wrongly typed character."""
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for cp, readings in pinyin_dict.items():
        ch = chr(cp)
        if _CJK_RUN.fullmatch(ch):
            plain = dict.fromkeys(_toneless(r) for r in readings.split(","))
            kept = [r for r in plain if r.isascii() and r.isalpha()]
            if kept:
                table[ch] = ",".join(kept)
    return table


def _toneless(reading: str) -> str:
    """zhǎng -> zhang, lǜ -> lv: pypinyin's NORMAL style, 6x faster."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- the file ---------------------------------------------------------------


@dataclass
class _Table:
    """The columns of a vocabulary file (see the module docstring)."""

    words: list[str]
    df: np.ndarray  # int64, per word
    py_keys: list[str]
    py_ids: np.ndarray  # int32 word ids, parallel to py_keys
    in_keys: list[str]
    in_ids: np.ndarray
    chars: list[str]
    readings: list[str]

    @classmethod
    def build(
        cls,
        words: list[str],
        df: list[int],
        spoken: list[tuple[str, str]],
        readings: dict[str, str],
    ) -> _Table:
        """From sorted words, their frequencies and (pinyin, initials)."""
        dfs = np.array(df, dtype=np.int64)
        order = _rank_order(words, dfs).tolist()
        full, initials = [p[0] for p in spoken], [p[1] for p in spoken]
        py_keys, py_ids = _sorted_keys(full, order)
        in_keys, in_ids = _sorted_keys(initials, order)
        chars = sorted(readings)
        return cls(
            words, dfs, py_keys, py_ids, in_keys, in_ids, chars, [readings[c] for c in chars]
        )

    @classmethod
    def empty(cls) -> _Table:
        no_ids = np.zeros(0, dtype=np.int32)
        return cls([], np.zeros(0, dtype=np.int64), [], no_ids, [], no_ids, [], [])

    def dump(self) -> str:
        columns = [
            self.words,
            map(str, self.df.tolist()),
            self.py_keys,
            map(str, self.py_ids.tolist()),
            self.in_keys,
            map(str, self.in_ids.tolist()),
            self.chars,
            self.readings,
        ]
        head = f"{FORMAT}\t{len(self.words)}\t{len(self.chars)}"
        return "\n".join([head, *("\t".join(c) for c in columns)]) + "\n"

    @classmethod
    def parse(cls, text: str) -> _Table:
        """The columns of a vocabulary file; ValueError unless the header,
        the counts, the numbers and the order of every column agree (a
        truncated or foreign file is refused whole)."""
        lines = text.split("\n")
        head = lines[0].split("\t")
        if len(head) != 3 or head[0] != FORMAT:
            raise ValueError(f"not a vocabulary file (starts {lines[0][:40]!r})")
        if len(lines) != _LINES + 1 or lines[-1]:
            raise ValueError(f"{len(lines) - 1} lines instead of {_LINES}")
        cols = [line.split("\t") if line else [] for line in lines[1:_LINES]]
        words, chars = cols[0], cols[6]
        table = cls(
            words,
            _numbers(cols[1], len(words), None),
            cols[2],
            _numbers(cols[3], len(cols[2]), len(words)),
            cols[4],
            _numbers(cols[5], len(cols[4]), len(words)),
            chars,
            cols[7],
        )
        if (len(words), len(chars), len(cols[7])) != (int(head[1]), int(head[2]), len(chars)):
            raise ValueError("the columns' lengths do not match the header")
        if not (_ascending(words, operator.lt) and _ascending(chars, operator.lt)):
            raise ValueError("words or characters are not sorted")
        if not (_ascending(table.py_keys, operator.le) and _ascending(table.in_keys, operator.le)):
            raise ValueError("pinyin or initials are not sorted")
        if not _KEYS.fullmatch("\t".join(table.py_keys + table.in_keys)):
            raise ValueError("pinyin that is not lower-case ASCII")
        return table

    def spoken(self) -> list[tuple[str, str]]:
        """(pinyin, initials) per word, ("", "") for a word without pinyin."""
        full, initials = [""] * len(self.words), [""] * len(self.words)
        for key, i in zip(self.py_keys, self.py_ids.tolist(), strict=True):
            full[i] = key
        for key, i in zip(self.in_keys, self.in_ids.tolist(), strict=True):
            initials[i] = key
        return list(zip(full, initials, strict=True))


def _rank_order(words: Sequence[str], df: np.ndarray) -> np.ndarray:
    """Word ids best first: most frequent, then shorter, then by word (the
    words are sorted and lexsort is stable)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return np.lexsort((lengths, -df)).astype(np.int32)


def _sorted_keys(keys: Sequence[str], order: list[int]) -> tuple[list[str], np.ndarray]:
    """Non-empty ``keys`` sorted, with their word ids; the ids of one key
    stay in ``order`` (rank order), so a key's first word is its best."""
    ids = sorted((i for i in order if keys[i]), key=keys.__getitem__)
    return [keys[i] for i in ids], np.array(ids, dtype=np.int32)


def _numbers(values: list[str], count: int, bound: int | None) -> np.ndarray:
    """A column of non-negative integers (below ``bound``), ``count`` long."""
    if len(values) != count:
        raise ValueError(f"{len(values)} numbers instead of {count}")
    numbers = np.fromiter(map(int, values), dtype=np.int64, count=count)
    if count and (numbers.min() < 0 or (bound is not None and numbers.max() >= bound)):
        raise ValueError("a number out of range")
    return numbers if bound is None else numbers.astype(np.int32)


def _ascending(values: list[str], op: Any) -> bool:
    return all(map(op, values, itertools.islice(values, 1, None)))


# --- reading ----------------------------------------------------------------


def _prefix_range(keys: Sequence[str], prefix: str) -> tuple[int, int]:
    """Where the keys starting with ``prefix`` are in the sorted ``keys``."""
    lo = bisect.bisect_left(keys, prefix)
    return lo, bisect.bisect_left(keys, prefix + _LAST, lo)


def _typed_letters(text: str) -> str | None:
    """What a user typed in Latin letters as one run of a-z (``Dang'Jian``
    -> dangjian, ü -> v), or None when it is not pinyin-like."""
    letters = _TYPED_SEPARATORS.sub("", text).lower().replace("ü", "v")
    if len(letters) > MAX_LETTERS or not _LETTERS.fullmatch(letters):
        return None
    return letters


class Vocabulary:
    """A generation's vocabulary, loaded once and shared by threads: it never
    changes, and its one lazily built index is built under a lock.

    Word ids are positions in the sorted word list; ``_rank`` orders them
    best first (see the module docstring), so "best first" is always "lowest
    rank first".
    """

    def __init__(self, table: _Table | None = None):
        table = table or _Table(
            [], np.zeros(0, np.int64), [], np.zeros(0, np.int32), [], np.zeros(0, np.int32), [], []
        )
        self._words = table.words
        self._df = table.df
        self._rank = np.empty(len(table.words), dtype=np.int32)
        self._rank[_rank_order(table.words, table.df)] = np.arange(len(table.words))
        self._py_keys, self._py_ids = table.py_keys, table.py_ids
        self._in_keys, self._in_ids = table.in_keys, table.in_ids
        self._readings = dict(zip(table.chars, table.readings, strict=True))
        self._reversed: tuple[list[str], np.ndarray] | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """The vocabulary of the generation in ``folder``. A missing or bad
        file gives an empty vocabulary and a warning, never an exception:
        search works without it, only pinyin, suggestions and corrections
        are off until the next reindex writes one."""
        path = Path(folder) / VOCAB_FILE
        try:
            return cls(_Table.parse(path.read_bytes().decode("utf-8")))
        except FileNotFoundError:
            log.warning("%s is missing: no pinyin search, suggestions or corrections", path)
        except (OSError, ValueError) as e:  # UnicodeDecodeError is a ValueError
            log.warning(
                "%s is unusable (%s): no pinyin search, suggestions or corrections", path, e
            )
        return cls()

    def __len__(self) -> int:
        return len(self._words)

    def frequency(self, word: str) -> int:
        """Number of articles with ``word`` (title or body), 0 if unknown."""
        k = bisect.bisect_left(self._words, word)
        found = k < len(self._words) and self._words[k] == word
        return int(self._df[k]) if found else 0

    # --- suggestions

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Frequent words that complete ``prefix`` (key form), best first.

        Latin letters complete pinyin (``dangj`` -> 党建...) or initials
        (``szsc``, ``dj``); anything else completes characters (党建 ->
        党建引领, 党建长廊..., never 党建 itself)."""
        text = prefix.strip()
        if limit <= 0 or not text or not self._words:
            return []
        letters = _typed_letters(text)
        if letters:
            spoken = self._py_ids[slice(*_prefix_range(self._py_keys, letters))]
            initials = self._in_ids[slice(*_prefix_range(self._in_keys, letters))]
            ids = np.union1d(self._top(spoken, limit), self._top(initials, limit))
        else:
            lo, hi = _prefix_range(self._words, text)
            if lo < hi and self._words[lo] == text:
                lo += 1
            ids = np.arange(lo, hi, dtype=np.int32)
        return [self._words[i] for i in self._top(ids, limit).tolist()]

    def _top(self, ids: np.ndarray, limit: int) -> np.ndarray:
        """The ``limit`` best of ``ids``, best first, without sorting them all."""
        if len(ids) > limit:
            ids = ids[np.argpartition(self._rank[ids], limit)[:limit]]
        return ids[np.argsort(self._rank[ids])]

    # --- pinyin

    def from_pinyin(self, text: str, limit: int = 3) -> list[str]:
        """Chinese for what a user typed in pinyin, best first: ``dang jian``
        -> 党建, ``szsc`` -> 三抓三促, ``dangjianchanglang`` -> 党建长廊 (a
        word, or consecutive words); [] when it is not pinyin."""
        letters = _typed_letters(text)
        if not letters or limit <= 0 or not self._words:
            return []
        found = [self._words[i] for i in self._matches(self._py_keys, self._py_ids, letters)]
        if not found:
            composed = self._compose(letters)
            found += [composed] if composed else []
        if len(letters) >= 3:  # initials of long words; short ones are too ambiguous
            long_words = (w for w in self._initials(letters) if len(w) >= 3)
            found += itertools.islice(long_words, limit)
        if not found and len(letters) == 2:
            found += itertools.islice(self._initials(letters), limit)
        return list(dict.fromkeys(found))[:limit]

    def _initials(self, letters: str) -> Iterator[str]:
        for i in self._matches(self._in_keys, self._in_ids, letters):
            yield self._words[i]

    @staticmethod
    def _matches(keys: list[str], ids: np.ndarray, key: str) -> Iterator[int]:
        """Ids whose key is exactly ``key``, best first."""
        k = bisect.bisect_left(keys, key)
        while k < len(keys) and keys[k] == key:
            yield int(ids[k])
            k += 1

    def _compose(self, letters: str) -> str | None:
        """The letters read as two or more consecutive vocabulary words: the
        fewest words, then the most frequent (dynamic programming over the
        positions; a piece no pinyin starts with ends a scan at once)."""
        keys, n = self._py_keys, len(letters)
        # best[j]: (words, -sum of log frequencies, start, word id) of letters[:j]
        best: list[tuple[int, float, int, int] | None] = [None] * (n + 1)
        best[0] = (0, 0.0, 0, -1)
        for i in range(n):
            if best[i] is None:
                continue
            count, cost = best[i][0], best[i][1]
            for j in range(i + 1, n + 1):
                piece = letters[i:j]
                k = bisect.bisect_left(keys, piece)
                if k == len(keys) or not keys[k].startswith(piece):
                    break
                if keys[k] == piece:
                    wid = int(self._py_ids[k])
                    step = (count + 1, cost - math.log1p(self._df[wid]), i, wid)
                    if best[j] is None or step[:2] < best[j][:2]:
                        best[j] = step
        if best[n] is None or best[n][0] < 2:
            return None
        parts, j = [], n
        while j:
            _count, _cost, j, wid = best[j]
            parts.append(self._words[wid])
        return "".join(reversed(parts))

    # --- corrections

    def correct(self, key: str) -> str | None:
        """``key`` (a normalised query) with mistyped words replaced by
        frequent vocabulary words that sound the same (党见长廊 -> 党建长廊)
        or differ in one character; None when nothing better is known.
        Meant for queries that found little or nothing."""
        if not key or len(key) > MAX_QUERY or not self._words:
            return None
        fixed = _CJK_RUN.sub(lambda m: self._correct_run(m.group()), key)
        return fixed if fixed != key else None

    def _correct_run(self, run: str) -> str:
        """Known words and candidate corrections compete for the characters
        of ``run``: longer first, at equal length a known word before a
        correction, a homophone before a substitution, then the more frequent.
        So 情况强边固访 becomes 情况强边固防, not 情况表... (情况强 -> 情况表
        is shorter than 强边固访 -> 强边固防), and a known word is only
        replaced by a longer correction or a much more frequent homophone."""
        spans = self._known_spans(run)
        claims = [(i - j, 0, 0, i, None) for (i, j) in spans]
        for p, n, fix in self._fixes(run, spans):
            claims.append((-n, *fix, p, self._words[fix[1]]))
        taken = [False] * len(run)
        out = list(run)
        for minus_n, _kind, _rank, p, word in sorted(claims):
            if any(taken[p : p - minus_n]):
                continue
            taken[p : p - minus_n] = [True] * -minus_n
            if word is not None:
                out[p : p - minus_n] = [word] + [""] * (-minus_n - 1)
        return "".join(out)

    def _known_spans(self, run: str) -> dict[tuple[int, int], int]:
        """(start, end) -> frequency of every vocabulary word inside ``run``."""
        spans = {}
        for i in range(len(run)):
            for j in range(i + MIN_CHARS, min(len(run), i + MAX_CHARS) + 1):
                df = self.frequency(run[i:j])
                if df:
                    spans[i, j] = df
        return spans

    def _fixes(
        self, run: str, spans: dict[tuple[int, int], int]
    ) -> Iterator[tuple[int, int, tuple[int, int]]]:
        """(start, length, (kind, word id)) of each window with a correction.
        A window inside a longer known word is skipped: that word would win."""
        starts_reach = [0] * (len(run) + 1)  # longest known word starting at i ends here
        for i, j in spans:
            starts_reach[i] = max(starts_reach[i], j)
        reach = 0  # furthest end of a known word starting before p
        for p in range(len(run) - 1):
            for n in range(2, min(MAX_WINDOW, len(run) - p) + 1):
                if reach >= p + n or starts_reach[p] > p + n:
                    continue
                window = run[p : p + n]
                fix = self._fix(window, _explained(spans, p, p + n))
                if fix is not None:
                    yield p, n, fix
            reach = max(reach, starts_reach[p])

    def _fix(self, window: str, own: int) -> tuple[int, int] | None:
        """(kind, word id) of a better word for ``window``: a homophone (kind
        1), or for a window known words cannot explain, a word of the same
        length one character apart (kind 2). ``own``: see _explained."""
        least = max(MIN_FIX_DF, FIX_RATIO * own)
        best = self._homophone(window, least)
        if best is not None:
            return 1, int(self._rank[best])
        if not own and len(window) >= 3:
            best = self._substitute(window, least)
            if best is not None:
                return 2, int(self._rank[best])
        return None

    def _homophone(self, window: str, least: int) -> int | None:
        """The best word of at least ``least`` articles that reads like
        ``window`` character by character, in any reading of its polyphonic
        characters (党见长廊 is read dang jian zhang lang by default)."""
        readings = [self._readings.get(c, "").split(",") for c in window]
        if not all(all(r) for r in readings):
            return None
        best = None
        for combo in itertools.islice(itertools.product(*readings), MAX_COMBOS):
            for wid in self._matches(self._py_keys, self._py_ids, "".join(combo)):
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

    def _substitute(self, window: str, least: int) -> int | None:
        """The best word of at least ``least`` articles that is ``window``
        with one character replaced (强边固访 -> 强边固防)."""
        best = None
        for i in range(len(window)):
            for wid in self._one_apart(window[:i], window[i + 1 :]):
                if self._df[wid] >= least and (best is None or self._rank[wid] < self._rank[best]):
                    best = wid
        return best

    def _one_apart(self, head: str, tail: str) -> Iterator[int]:
        """Ids of the words ``head + one character + tail``, scanned among
        the words starting with ``head`` or (reversed index) ending with
        ``tail``, whichever are fewer."""
        n = len(head) + 1 + len(tail)
        flo, fhi = _prefix_range(self._words, head)
        rkeys, rids = self._reversed_index()
        rlo, rhi = _prefix_range(rkeys, tail[::-1])
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
