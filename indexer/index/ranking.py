"""BM25F over Whoosh's word postings, computed with numpy for the matched
articles only.

Whoosh's own collector scores every posting in Python (a common word in
10,000 articles costs ~150 ms). The formula and statistics here are Whoosh's
(``whoosh.scoring.BM25F``: its idf, its quantised field lengths, field boosts
already folded into the posting weights); only the loop moves to numpy, and
the postings of the words a generation is asked for most are cached.

This is the one module that reads Whoosh's posting blocks directly; the
whoosh3 version is pinned exactly in setup.cfg for that reason.
"""

from __future__ import annotations

import pickle
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

from indexer.index.lru import LRU
from indexer.index.schema import RANKED_FIELDS

B = 0.75
K1 = 1.2
# Postings are kept compact (int32 docnums, float32 weights: Whoosh stores
# weights as float32, so nothing is lost): at 100,000 articles a common
# word's list is 0.8 MB, and a query mix keeps coming back to the same few
# dozen common words, each costing ~8 ms to decode again.
CACHE_TERMS = 256
CACHE_BYTES = 64 * 2**20
DOCNUM = np.int32
WEIGHT = np.float32
# Fewer matched articles than this: a word's postings not yet cached are
# looked up for those articles only, skipping whole blocks (a common word
# has a hundred blocks at 100,000 articles; a rare phrase needs two or three).
SPARSE_BELOW = 64
Block = tuple[np.ndarray, np.ndarray]  # docnums and weights of a posting block


class PostingsCache:
    """(field, word) -> (docnums, weights) for one generation, least recently
    used first out, within CACHE_TERMS entries and CACHE_BYTES."""

    def __init__(self, size: int = CACHE_TERMS, max_bytes: int = CACHE_BYTES):
        self._lru = LRU(size, max_bytes, lambda v: v[0].nbytes + v[1].nbytes)

    def get(
        self, searcher: Searcher, field: str, word: str, docnums: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The word's postings; when only the few ``docnums`` matter and the
        list is not cached, just theirs (not kept)."""
        key = (field, word)
        if docnums is not None and len(docnums) < SPARSE_BELOW and key not in self._lru:
            return read_postings_of(searcher, field, word, docnums)
        return self._lru.get(key, lambda: read_postings(searcher, field, word))


def read_postings(searcher: Searcher, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
    """All (global docnum, weight) postings of ``word`` in ``field``."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if (field, word) not in reader:
            continue
        for block_ids, block_weights in _blocks(reader.postings(field, word)):
            ids.append(block_ids + offset)
            weights.append(block_weights)
    if not ids:
        return np.zeros(0, dtype=DOCNUM), np.zeros(0, dtype=WEIGHT)
    return np.concatenate(ids).astype(DOCNUM), np.concatenate(weights).astype(WEIGHT)


def read_postings_of(
    searcher: Searcher, field: str, word: str, docnums: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The (global docnum, weight) postings of ``word`` in ``field`` for
    ``docnums`` only: of Whoosh 3's posting blocks, only those that may hold
    one are decoded; the others are passed over by their header."""
    targets = np.unique(docnums).tolist()
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        end = offset + reader.doc_count_all()
        mine = [t - offset for t in targets if offset <= t < end]
        if not mine or (field, word) not in reader:
            continue
        m = reader.postings(field, word)
        want = np.array(mine, dtype=np.int64)
        blocks = _blocks_holding(m, mine) if isinstance(m, W3LeafMatcher) else _blocks(m)
        for block_ids, block_weights in blocks:
            at = np.minimum(np.searchsorted(block_ids, want), len(block_ids) - 1)
            hit = block_ids[at] == want
            ids.append(want[hit] + offset)
            weights.append(block_weights[at[hit]])
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _blocks_holding(m: W3LeafMatcher, targets: list[int]) -> Iterator[Block]:
    """The decoded blocks of ``m`` whose id range may hold one of ``targets``
    (sorted local docnums)."""
    t = 0
    while m.is_active() and t < len(targets):
        if m.block_max_id() < targets[t]:
            m._next_block()  # reads the next header only
            continue
        yield _decode(m)
        t = bisect_right(targets, m.block_max_id(), t)
        m._next_block()


def _blocks(m) -> Iterator[Block]:
    """Posting blocks of a matcher as arrays: Whoosh 3's leaf matcher's
    blocks decoded with numpy (its own delta decoding is a Python loop per
    posting), one posting at a time for any other matcher."""
    if not isinstance(m, W3LeafMatcher):
        id_list, weight_list = [], []
        while m.is_active():
            id_list.append(m.id())
            weight_list.append(m.weight())
            m.next()
        yield np.array(id_list, dtype=np.int64), np.array(weight_list, dtype=np.float64)
        return
    while m.is_active():
        yield _decode(m)
        m._next_block()


def _decode(m: W3LeafMatcher) -> Block:
    """The current block's (ids, weights) with numpy."""
    raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    if m._compression:
        raw = zlib.decompress(raw)
    parsed = parse_block(raw, int(m._blocklength or 0))
    if parsed is not None:
        ids, weights = parsed
        return (ids if m._byteids else np.cumsum(ids)), weights
    m._data = pickle.loads(raw)  # what m._read_data() does, without reading again
    raw_ids, raw_weights = m._data[0], m._data[1]
    # tuples of Python numbers: fromiter converts them faster than asarray
    ids = np.fromiter(raw_ids, dtype=np.int64, count=len(raw_ids))
    if not m._byteids:
        ids = np.cumsum(ids)
    if raw_weights is None or isinstance(raw_weights, float):
        weights = np.full(len(ids), raw_weights or 1.0, dtype=np.float64)
    else:
        weights = np.fromiter(raw_weights, dtype=np.float64, count=len(raw_weights))
    return ids, weights


_K, _G, _MARK, _TUPLE, _PUT, _LONG_PUT = (ord(c) for c in "KG(tqr")
# the first id of a block, the gap from 0: BININT1, BININT2 or BININT
_FIRST = {_K: (2, "<u1"), ord("M"): (3, "<u2"), ord("J"): (5, "<i4")}


def parse_block(raw: bytes, n: int) -> Block | None:
    """(ids, weights) of a block of ``n`` postings, read straight from its
    pickle when it has the shape Whoosh 3 writes for a common word: protocol
    2, a tuple of ints, all one-byte (BININT1: the id gaps) but the first, a
    memo put, a tuple of floats (BINFLOAT); None for any other shape (then
    it is unpickled). Unpickling makes 2n Python objects for numpy to
    convert back: at 100,000 articles, most of the time a common word's
    list takes."""
    if n < 4 or raw[:3] != b"\x80\x02(" or raw[3] not in _FIRST:
        return None
    size, kind = _FIRST[raw[3]]
    rest = 3 + size
    ids_end = rest + 2 * (n - 1)
    if len(raw) <= ids_end or raw[ids_end] != _TUPLE:
        return None
    pairs = np.frombuffer(raw, dtype=np.uint8, count=2 * (n - 1), offset=rest).reshape(n - 1, 2)
    if (pairs[:, 0] != _K).any():
        return None
    ids = np.empty(n, dtype=np.int64)
    ids[0] = np.frombuffer(raw, dtype=kind, count=1, offset=4)[0]
    ids[1:] = pairs[:, 1]
    at = ids_end + 1
    at += {_PUT: 2, _LONG_PUT: 5}.get(raw[at], 0) if at < len(raw) else 0
    end = at + 1 + 9 * n
    if len(raw) <= end or raw[at] != _MARK or raw[end] != _TUPLE:
        return None
    floats = np.frombuffer(raw, dtype=np.uint8, count=9 * n, offset=at + 1).reshape(n, 9)
    if (floats[:, 0] != _G).any():
        return None
    weights = np.ascontiguousarray(floats[:, 1:]).view(">f8").ravel().astype(np.float64)
    return ids, weights


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
