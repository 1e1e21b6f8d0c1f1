"""BM25F over Whoosh's word postings, computed with numpy for the matched
articles only.

Whoosh's own collector scores every posting in Python (a common word in
10,000 articles costs ~150 ms). The formula and statistics here are Whoosh's
(``whoosh.scoring.BM25F``: its idf, its quantised field lengths, field boosts
already folded into the posting weights); only the loop moves to numpy. A
word's postings come from its segment's memory-mapped arrays when it is
common there (wordarrays.py), else from Whoosh's blocks (blocks.py); the
words a generation is asked for most are cached whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.index.blocks import Block, blocks, blocks_holding
from indexer.index.lru import LRU
from indexer.index.schema import RANKED_FIELDS
from indexer.index.wordarrays import WordArrays

B = 0.75
K1 = 1.2
# Postings are kept compact (int32 docnums, float32 weights: Whoosh stores
# weights as float32, so nothing is lost): at 100,000 articles a common
# word's list is 0.8 MB, and a query mix keeps coming back to the same few
# dozen common words.
CACHE_TERMS = 256
CACHE_BYTES = 64 * 2**20
DOCNUM = np.int32
WEIGHT = np.float32
# Fewer matched articles than this: a word's postings not yet cached are
# looked up for those articles only, skipping whole blocks (a rare phrase
# needs two or three of a word's blocks).
SPARSE_BELOW = 64
Arrays = Mapping[str, WordArrays]  # Whoosh segment id -> its common words' postings


class PostingsCache:
    """(field, word) -> (docnums, weights) for one generation, least recently
    used first out, within CACHE_TERMS entries and CACHE_BYTES."""

    def __init__(
        self, arrays: Arrays | None = None, size: int = CACHE_TERMS, max_bytes: int = CACHE_BYTES
    ):
        self.arrays: Arrays = arrays or {}
        self._lru = LRU(size, max_bytes, lambda v: v[0].nbytes + v[1].nbytes)

    def get(
        self, searcher: Searcher, field: str, word: str, docnums: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The word's postings; when only the few ``docnums`` matter and the
        list is not cached, just theirs (not kept)."""
        key = (field, word)
        if docnums is not None and len(docnums) < SPARSE_BELOW and key not in self._lru:
            return read_postings_of(searcher, field, word, docnums, self.arrays)
        return self._lru.get(key, lambda: read_postings(searcher, field, word, self.arrays))


def read_postings(
    searcher: Searcher, field: str, word: str, arrays: Arrays | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All (global docnum, weight) postings of ``word`` in ``field``."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for offset, reader, kept in _leaves(searcher, field, word, arrays):
        for block_ids, block_weights in [kept] if kept else blocks(reader.postings(field, word)):
            ids.append(block_ids + offset)
            weights.append(block_weights)
    if not ids:
        return np.zeros(0, dtype=DOCNUM), np.zeros(0, dtype=WEIGHT)
    return np.concatenate(ids).astype(DOCNUM), np.concatenate(weights).astype(WEIGHT)


def read_postings_of(
    searcher: Searcher,
    field: str,
    word: str,
    docnums: np.ndarray,
    arrays: Arrays | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The (global docnum, weight) postings of ``word`` in ``field`` for
    ``docnums`` only: looked up in a segment's arrays, or of Whoosh 3's
    posting blocks only those that may hold one are decoded (the others are
    passed over by their header)."""
    targets = np.unique(docnums).tolist()
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for offset, reader, kept in _leaves(searcher, field, word, arrays):
        end = offset + reader.doc_count_all()
        mine = [t - offset for t in targets if offset <= t < end]
        if not mine:
            continue
        want = np.array(mine, dtype=np.int64)
        for block_ids, block_weights in [kept] if kept else _blocks_of(reader, field, word, mine):
            at = np.minimum(np.searchsorted(block_ids, want), len(block_ids) - 1)
            hit = block_ids[at] == want
            ids.append(want[hit] + offset)
            weights.append(block_weights[at[hit]])
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _leaves(
    searcher: Searcher, field: str, word: str, arrays: Arrays | None
) -> Iterator[tuple[int, IndexReader, Block | None]]:
    """(offset, reader, postings from arrays or None) of each segment that
    has ``word`` in ``field``."""
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        segment = getattr(reader, "segment", None)  # a segment reader's
        found = arrays.get(segment().segment_id()) if arrays and segment else None
        kept = found.get(field, word) if found is not None else None
        if kept is not None or (field, word) in reader:
            yield offset, reader, kept


def _blocks_of(reader, field: str, word: str, targets: list[int]) -> Iterator[Block]:
    m = reader.postings(field, word)
    return blocks_holding(m, targets) if isinstance(m, W3LeafMatcher) else blocks(m)


def bm25f(
    searcher,
    cache: PostingsCache,
    field_lengths: np.ndarray,
    words: Iterable[str],
    docnums: np.ndarray,
) -> np.ndarray:
    """BM25F score of each of ``docnums`` for ``words`` (0 where none occurs).

    ``field_lengths[docnum, i]`` is Whoosh's stored length of RANKED_FIELDS[i].
    """
    total = np.zeros(len(field_lengths), dtype=np.float64)
    for i, field in enumerate(RANKED_FIELDS):
        avgfl = searcher.avg_field_length(field) or 1.0
        for word in words:
            ids, tf = cache.get(searcher, field, word, docnums)
            if not len(ids):
                continue
            idf = searcher.idf(field, word)
            fl = field_lengths[ids, i]
            tf = tf.astype(np.float64)  # the cache keeps float32
            total[ids] += idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))
    return total[docnums]
