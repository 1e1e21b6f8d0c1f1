"""Whoosh 3's posting blocks read with numpy.

A word's postings are stored in blocks of up to POSTING_BLOCK (writer.py),
each a zlib-compressed pickle of (id gaps, weights, values). Whoosh's own
matcher decodes them one posting at a time in Python; here a block becomes
two arrays in a few numpy calls. This is the one module that reads Whoosh's
block format directly; the whoosh3 version is pinned exactly in setup.cfg
for that reason.
"""

from __future__ import annotations

import pickle
import zlib
from bisect import bisect_right
from collections.abc import Iterator

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher

Block = tuple[np.ndarray, np.ndarray]  # docnums and weights of a posting block


def blocks_holding(m: W3LeafMatcher, targets: list[int]) -> Iterator[Block]:
    """The decoded blocks of ``m`` whose id range may hold one of ``targets``
    (sorted local docnums)."""
    t = 0
    while m.is_active() and t < len(targets):
        if m.block_max_id() < targets[t]:
            m._next_block()  # reads the next header only
            continue
        yield decode(m)
        t = bisect_right(targets, m.block_max_id(), t)
        m._next_block()


def blocks(m) -> Iterator[Block]:
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
        yield decode(m)
        m._next_block()


def decode(m: W3LeafMatcher) -> Block:
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
