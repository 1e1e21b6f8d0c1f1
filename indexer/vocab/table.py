"""The vocabulary file of a generation: its columns and their text form.

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
build.py writes the file, lookup.py and correct.py read it; the helpers for
sorted keys they share live here.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

VOCAB_FILE = "vocabulary.txt"
SEGMENT_TERMS = "vocab-seg-{}.npz"  # per Whoosh segment: its term counts (build.py)
FORMAT = "#xsbn-vocab/1"
_LINES = 9  # header and eight columns

MIN_CHARS, MAX_CHARS = 2, 12  # a word's length in characters

CJK = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # as normalize.is_cjk
CJK_RUN = re.compile(f"[{CJK}]+")
_KEYS = re.compile(r"[0-9a-z\t]*")
_LAST = "\U0010ffff"  # sorts after any character that can follow a prefix


@dataclass
class Table:
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
    ) -> Table:
        """From sorted words, their frequencies and (pinyin, initials)."""
        dfs = np.array(df, dtype=np.int64)
        order = rank_order(words, dfs).tolist()
        full, initials = [p[0] for p in spoken], [p[1] for p in spoken]
        py_keys, py_ids = _sorted_keys(full, order)
        in_keys, in_ids = _sorted_keys(initials, order)
        chars = sorted(readings)
        return cls(
            words, dfs, py_keys, py_ids, in_keys, in_ids, chars, [readings[c] for c in chars]
        )

    @classmethod
    def empty(cls) -> Table:
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
    def parse(cls, text: str) -> Table:
        """The columns of a vocabulary file; ValueError unless the header,
        the counts, the numbers and the order of every column agree (a
        truncated or foreign file is refused whole)."""
        lines = text.split("\n")
        head = lines[0].split("\t")
        if len(head) != 3 or head[0] != FORMAT:
            raise ValueError(f"not a vocabulary file (starts {lines[0][:40]!r})")
        if len(lines) != _LINES + 1 or lines[-1]:
            raise ValueError(f"{len(lines) - 1} lines instead of {_LINES}")
        columns = lines[1:_LINES]
        words, py_keys, in_keys, chars, readings = (_strings(columns[i]) for i in (0, 2, 4, 6, 7))
        if (len(words), len(chars), len(readings)) != (int(head[1]), int(head[2]), len(chars)):
            raise ValueError("the columns' lengths do not match the header")
        table = cls(
            words,
            _numbers(columns[1], len(words), None),
            py_keys,
            _numbers(columns[3], len(py_keys), len(words)),
            in_keys,
            _numbers(columns[5], len(in_keys), len(words)),
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


def rank_order(words: Sequence[str], df: np.ndarray) -> np.ndarray:
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


def prefix_range(keys: Sequence[str], prefix: str) -> tuple[int, int]:
    """Where the keys starting with ``prefix`` are in the sorted ``keys``."""
    lo = bisect.bisect_left(keys, prefix)
    return lo, bisect.bisect_left(keys, prefix + _LAST, lo)


def key_ids(keys: list[str], ids: np.ndarray, key: str) -> Iterator[int]:
    """Word ids whose key is exactly ``key`` (in sorted ``keys`` with their
    parallel ``ids``), best first."""
    k = bisect.bisect_left(keys, key)
    while k < len(keys) and keys[k] == key:
        yield int(ids[k])
        k += 1


def frequency(words: list[str], df: np.ndarray, word: str) -> int:
    """Document frequency of ``word`` in the sorted ``words``, 0 if absent."""
    k = bisect.bisect_left(words, word)
    return int(df[k]) if k < len(words) and words[k] == word else 0
