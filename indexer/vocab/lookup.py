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
searching process never imports pypinyin (~40 MB, 0.3 s). Likewise each
Whoosh segment's term counts are kept beside it (``vocab-seg-<id>.npz``,
immutable like the segment), so only new segments' term lists are walked.

The file is laid out for loading, not for reading: one line per column,
values separated by tabs, the pinyin and initials already sorted. Loading is
a handful of ``str.split`` calls and no sorting; every lookup then bisects
sorted lists, it never scans the vocabulary. Lines (UTF-8, ``\\n``)::

    #xsbn-vocab/1  N  M          header: format, number of words, of characters
    words                        N words, sorted
    document frequencies         N integers, same order
    pinyin keys                  sorted; the ids of one key are in rank order
    their word ids               (index into words; a word without pinyin has none)
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
import zipfile
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
MIN_PREFIX_LETTERS = 4  # fewer letters are too many words' beginnings
MAX_QUERY = 64  # longer keys are not corrected
MAX_WINDOW = 8  # longest run of characters one correction replaces
MIN_FIX_DF = 2  # a correction is a word of at least this many articles
FIX_RATIO = 5  # ... and this many times more frequent than what it replaces
MAX_COMBOS = 32  # reading combinations tried for a window of polyphonic characters

_CJK = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # as normalize.is_cjk
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
    is reused for words still there (pypinyin costs ~65 µs a word), and its
    character readings (0.5 s to compute; a full reindex renews them). The file
    is written under a temporary name and renamed, so a vocabulary hard-linked
    from the previous generation is replaced, never written through.
    """
    folder = Path(folder)
    chosen = _choose(*_doc_frequencies(reader, folder))
    words = sorted(chosen)
    old = _previous_table(Path(previous) / VOCAB_FILE) if previous else None
    known = dict(zip(old.words, old.spoken(), strict=True)) if old else {}
    spoken = [known.get(w) or _word_pinyin(w) for w in words]
    readings = dict(zip(old.chars, old.readings, strict=True)) if old else {}
    table = _Table.build(words, [chosen[w] for w in words], spoken, readings or _char_readings())
    tmp = folder / f"{VOCAB_FILE}.tmp"
    tmp.write_bytes(table.dump().encode("utf-8"))
    os.replace(tmp, folder / VOCAB_FILE)
    return len(words)


def _doc_frequencies(reader: Any, folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Document frequencies of the vocabulary-worthy terms of the body and
    the title field, summed over the index's segments.

    Whoosh's term lists cost ~7 µs a term to walk, and a segment never
    changes once written, so each segment's counts are kept beside the
    generation (``vocab-seg-<id>.npz``, carried to the next generation like
    the other per-segment files): an incremental reindex walks only its new
    segment. Whoosh counts a segment's deleted documents until it merges the
    segment, so a word of a deleted article can linger that long; it only
    ever suggests."""
    body: dict[str, int] = {}
    title: dict[str, int] = {}
    used = set()
    for leaf, _base in reader.leaf_readers():
        path = _segment_cache(leaf, folder)
        cached = _cached_terms(path) if path else None
        if cached is None:
            cached = _field_terms(leaf, "body"), _field_terms(leaf, "title")
            if path:
                _save_terms(path, *cached)
        seg_body, seg_title = cached
        for counts, seg in ((body, seg_body), (title, seg_title)):
            for word, n in seg.items():
                counts[word] = counts.get(word, 0) + n
        used.add(path)
    for stale in set(folder.glob("vocab-seg-*.npz")) - used:
        stale.unlink()  # a segment Whoosh merged away
    return body, title


def _segment_cache(leaf: Any, folder: Path) -> Path | None:
    """Where a segment's counts are kept; None for a reader without segment."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return folder / f"vocab-seg-{segment.segment_id()}.npz" if segment else None


def _cached_terms(path: Path) -> tuple[dict[str, int], dict[str, int]] | None:
    """A segment's (body, title) counts as _save_terms kept them, or None."""
    try:
        with np.load(path) as data:
            return _unpack(data["body_words"], data["body_df"]), _unpack(
                data["title_words"], data["title_df"]
            )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        log.warning("recounting the terms of %s: %s", path, e)
        return None


def _save_terms(path: Path, body: dict[str, int], title: dict[str, int]) -> None:
    """Keep a segment's counts: words as tab-joined UTF-8 (a third of the
    size of a numpy string array), frequencies as integers."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, **_pack("body", body), **_pack("title", title))
    os.replace(tmp, path)


def _pack(field: str, counts: dict[str, int]) -> dict[str, np.ndarray]:
    words = "\t".join(counts).encode("utf-8")
    return {
        f"{field}_words": np.frombuffer(words, dtype=np.uint8),
        f"{field}_df": np.fromiter(counts.values(), dtype=np.int64, count=len(counts)),
    }


def _unpack(words: np.ndarray, df: np.ndarray) -> dict[str, int]:
    text = words.tobytes().decode("utf-8")
    return dict(zip(text.split("\t") if text else [], df.tolist(), strict=True))


def _field_terms(leaf: Any, field: str) -> dict[str, int]:
    """Vocabulary-worthy terms of ``field`` in one segment -> doc frequency."""
    counts = {}
    for term, info in leaf.iter_field(field):
        word = term.decode("utf-8", "replace") if isinstance(term, bytes) else term
        if _is_word(word):
            counts[word] = info.doc_frequency()
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


def _previous_table(path: Path) -> _Table | None:
    """The previous generation's vocabulary, whose pinyin and character
    readings are reused; None when there is none or it cannot be read
    (everything is then computed, as by a full reindex)."""
    try:
        return _Table.parse(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:
        log.info("not reusing the pinyin of %s: %s", path, e)
        return None


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
        """The columns of an empty index's vocabulary."""
        no_ids = np.zeros(0, dtype=np.int32)
        return cls([], np.zeros(0, dtype=np.int64), [], no_ids, [], no_ids, [], [])

    def dump(self) -> str:
        """The file's text: the header, then one tab-separated line per column."""
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
        words, df, py_keys, py_ids, in_keys, in_ids, chars, readings = lines[1:_LINES]
        words, py_keys, in_keys = _strings(words), _strings(py_keys), _strings(in_keys)
        chars, readings = _strings(chars), _strings(readings)
        if (len(words), len(chars), len(readings)) != (int(head[1]), int(head[2]), len(chars)):
            raise ValueError("the columns' lengths do not match the header")
        table = cls(
            words,
            _numbers(df, len(words), None),
            py_keys,
            _numbers(py_ids, len(py_keys), len(words)),
            in_keys,
            _numbers(in_ids, len(in_keys), len(words)),
            chars,
            readings,
        )
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


def _strings(line: str) -> list[str]:
    return line.split("\t") if line else []


def _numbers(line: str, count: int, bound: int | None) -> np.ndarray:
    """A column of ``count`` non-negative integers (below ``bound``), parsed
    by numpy in one call (ValueError on anything else)."""
    numbers = np.fromstring(line, dtype=np.int64, sep="\t")
    if len(numbers) != count:
        raise ValueError(f"{len(numbers)} numbers instead of {count}")
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


def typed_letters(text: str) -> str | None:
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
        table = table or _Table.empty()
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
        letters = typed_letters(text)
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
        word, or consecutive words); failing those, four or more letters
        that begin a word's pinyin or initials (``xsbn`` -> 西双版纳州, when
        only that is a word); [] when it is not pinyin."""
        letters = typed_letters(text)
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
        if not found and len(letters) >= MIN_PREFIX_LETTERS:
            found += self.complete(letters, limit)
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
                df = self.frequency(run[i:j])
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
            for wid in self._matches(self._py_keys, self._py_ids, spelling):
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
        flo, fhi = _prefix_range(self._words, head)
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
