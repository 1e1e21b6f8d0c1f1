"""The index's own vocabulary, read: completion and pinyin search (and,
through correct.py, "did you mean").

People search a government site the way they type: in pinyin (``dangjian``,
``qiangbiangufang``, the initials ``szsc`` for 三抓三促), with a wrong
character picked from the input method (党见长廊 for 党建长廊, 强边固访 for
强边固防), or a few characters at a time. All three are answered from the
words the index actually holds, so a suggestion or a correction always finds
something. The file is written at indexing time by build.py; its format is
table.py's.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from indexer.vocab.correct import Corrector
from indexer.vocab.table import VOCAB_FILE, Table, frequency, key_ids, prefix_range, rank_order

log = logging.getLogger(__name__)

MAX_LETTERS = 64  # longer Latin input is not a pinyin query
MIN_PREFIX_LETTERS = 4  # fewer letters are too many words' beginnings

_TYPED_SEPARATORS = re.compile(r"[\s'’]+")
_LETTERS = re.compile(r"[a-z]+")


def typed_letters(text: str) -> str | None:
    """What a user typed in Latin letters as one run of a-z (``Dang'Jian``
    -> dangjian, ü -> v), or None when it is not pinyin-like."""
    letters = _TYPED_SEPARATORS.sub("", text).lower().replace("ü", "v")
    if len(letters) > MAX_LETTERS or not _LETTERS.fullmatch(letters):
        return None
    return letters


class Vocabulary:
    """A generation's vocabulary, loaded once and shared by threads: it never
    changes (its corrector builds its one lazy index under a lock).

    Word ids are positions in the sorted word list; ``_rank`` orders them
    best first (see table.py), so "best first" is always "lowest rank first".
    """

    def __init__(self, table: Table | None = None):
        table = table or Table.empty()
        self._words = table.words
        self._df = table.df
        self._rank = np.empty(len(table.words), dtype=np.int32)
        self._rank[rank_order(table.words, table.df)] = np.arange(len(table.words))
        self._py_keys, self._py_ids = table.py_keys, table.py_ids
        self._in_keys, self._in_ids = table.in_keys, table.in_ids
        self._readings = dict(zip(table.chars, table.readings, strict=True))
        self._corrector = Corrector(
            self._words, self._df, self._rank, self._py_keys, self._py_ids, self._readings
        )

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """The vocabulary of the generation in ``folder``. A missing or bad
        file gives an empty vocabulary and a warning, never an exception:
        search works without it, only pinyin, suggestions and corrections
        are off until the next reindex writes one."""
        path = Path(folder) / VOCAB_FILE
        try:
            return cls(Table.parse(path.read_bytes().decode("utf-8")))
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
        return frequency(self._words, self._df, word)

    # --- suggestions

    def complete(self, prefix: str, limit: int) -> list[str]:
        """Frequent words that complete ``prefix`` (key form), best first.

        Latin letters complete pinyin (``dangj`` -> 党建...) or initials
        (``szsc``, ``dj``); anything else completes characters (党建 ->
        党建引领, 党建长廊..., never 党建 itself)."""
        text = prefix.strip()
        if limit <= 0 or not text or not self._words:
            return []
        letters = typed_letters(text)
        if letters:
            spoken = self._py_ids[slice(*prefix_range(self._py_keys, letters))]
            initials = self._in_ids[slice(*prefix_range(self._in_keys, letters))]
            ids = np.union1d(self._top(spoken, limit), self._top(initials, limit))
        else:
            lo, hi = prefix_range(self._words, text)
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
        found = [self._words[i] for i in key_ids(self._py_keys, self._py_ids, letters)]
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
        for i in key_ids(self._in_keys, self._in_ids, letters):
            yield self._words[i]

    def _compose(self, letters: str) -> str | None:
        """The letters read as two or more consecutive vocabulary words: the
        fewest words, then the most frequent (dynamic programming over the
        positions; a piece no pinyin starts with ends a scan at once)."""
        keys, n = self._py_keys, len(letters)
        # best[j]: (words, -sum of log frequencies, start, word id) of letters[:j],
        # for each j reached so far
        best: dict[int, tuple[int, float, int, int]] = {0: (0, 0.0, 0, -1)}
        for i in range(n):
            if i not in best:
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
                    if j not in best or step[:2] < best[j][:2]:
                        best[j] = step
        if n not in best or best[n][0] < 2:
            return None
        parts, j = [], n
        while j:
            _count, _cost, j, wid = best[j]
            parts.append(self._words[wid])
        return "".join(reversed(parts))

    def correct(self, key: str) -> str | None:
        """``key`` (a normalised query) with mistyped words replaced, or None
        when nothing better is known (correct.py says how)."""
        return self._corrector.correct(key)
