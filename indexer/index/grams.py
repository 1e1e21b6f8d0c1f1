"""Character n-gram codes, and the postings of one character-index segment.

A bigram's code is ``c1 << 21 | c2`` (code points fit in 21 bits); a bigram of
the title (title + FIELD_SEP) is indexed a second time with bit 42 set, so a
title-only search starts from the articles whose *title* has every bigram.

Bigram presence alone leaves too many candidates for a phrase whose bigrams
are all common but which is itself rare (``员干部一个党``: every bigram in
thousands of articles, the phrase in none), and each candidate must then be
checked in its text. So longer grams are indexed too, but only where the
shorter ones are not selective:

- a trigram has postings when both of its bigrams are *common* in the
  segment (in at least ``min_df`` of its documents);
- a 4-gram has postings when both of its trigrams are common.

Only grams of BMP characters are counted (trigram code ``c1 << 32 | c2 << 16
| c3``; a 4-gram's 64-bit packing hashed to 48 bits, so two 4-grams may share
postings: a superset, which the check of each candidate's text makes exact).
The rule is all a reader needs: for a gram it satisfies, the postings are
complete (none means no document has it); for any other, a shorter gram of
it is rare and already narrows the search. Rare grams made of common parts
are the most useful postings of all, and the cheapest.

Postings are built for a whole segment with numpy, a chunk of documents at a
time: each (code, document) pair becomes one uint64 key ``code << 16 |
local``, so one sort orders them by code, then document. Segments therefore
hold at most 65,536 documents, and local numbers are stored as uint16.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.normalize import FIELD_SEP

SHIFT = np.uint64(21)
TITLE = np.uint64(1 << 42)
LOCAL_BITS = np.uint64(16)
MAX_DOCS = 1 << 16  # documents per segment: local numbers are uint16
_LOCAL_MASK = np.uint64(MAX_DOCS - 1)
_BMP = np.uint64(1 << 16)
_CHAR_MASK = np.uint64((1 << 21) - 1)
_HASH = 0x9E3779B97F4A7C15  # Fibonacci hashing: the product's top 48 bits
_MASK64 = (1 << 64) - 1
CHUNK_DOCS = 1000  # documents turned into keys at once (bounds the build's memory)
# A gram is common in a segment when at least this share of its documents
# (and at least COMMON_MIN_DOCS) contain it; longer grams made of two common
# ones get postings. Lower shares index more: fewer candidates, bigger index.
COMMON_SHARE = 0.01
COMMON_MIN_DOCS = 16
MAX_TABLE_CHARS = 8192  # characters in common bigrams: a table of up to 64 MiB
LEVELS = ("", "tri", "quad")  # file name prefixes of bigram, trigram and 4-gram postings


@dataclass
class Postings:
    """Sorted unique codes, where each one's documents start in ``post``
    (one more entry than codes), and the local document numbers."""

    codes: np.ndarray
    starts: np.ndarray
    post: np.ndarray

    def document_counts(self) -> np.ndarray:
        return np.diff(self.starts)


def common_min_df(documents: int) -> int:
    """Documents a gram must be in to count as common in a segment."""
    return max(COMMON_MIN_DOCS, math.ceil(COMMON_SHARE * documents))


def bigram_codes(text: str) -> np.ndarray:
    """Sorted unique codes of the character bigrams of ``text``."""
    cps = _code_points(text)
    if len(cps) < 2:
        return np.zeros(0, dtype=np.uint64)
    return np.unique((cps[:-1] << SHIFT) | cps[1:])


def trigram_code(a: int, b: int, c: int) -> int:
    return (a << 32) | (b << 16) | c


def quadgram_code(a: int, b: int, c: int, d: int) -> int:
    packed = (a << 48) | (b << 32) | (c << 16) | d
    return ((packed * _HASH) & _MASK64) >> 16


def trigrams(text: str) -> list[tuple[int, int, int]]:
    """(code, first bigram, second bigram) of each trigram of BMP characters."""
    cps = [ord(ch) for ch in text]
    return [
        (trigram_code(a, b, c), (a << 21) | b, (b << 21) | c)
        for a, b, c in zip(cps, cps[1:], cps[2:], strict=False)
        if max(a, b, c) < MAX_DOCS
    ]


def quadgrams(text: str) -> list[tuple[int, int, int]]:
    """(code, first trigram, second trigram) of each 4-gram of BMP characters."""
    cps = [ord(ch) for ch in text]
    return [
        (quadgram_code(a, b, c, d), trigram_code(a, b, c), trigram_code(b, c, d))
        for a, b, c, d in zip(cps, cps[1:], cps[2:], cps[3:], strict=False)
        if max(a, b, c, d) < MAX_DOCS
    ]


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def segment_postings(streams: Sequence[str]) -> tuple[list[Postings], int]:
    """([bigram, trigram, 4-gram postings], min_df) of a segment's key streams."""
    if len(streams) > MAX_DOCS:
        raise ValueError(f"a segment holds at most {MAX_DOCS} documents, not {len(streams)}")
    chunks = [_Chunk(streams[i : i + CHUNK_DOCS], i) for i in range(0, len(streams), CHUNK_DOCS)]
    bigrams = _postings([c.bigram_keys() for c in chunks])
    min_df = common_min_df(len(streams))
    counts = bigrams.document_counts()
    while True:
        common = CommonBigrams(bigrams.codes[(counts >= min_df) & (bigrams.codes < TITLE)])
        if common.size <= MAX_TABLE_CHARS:
            break
        min_df *= 2  # an unusual corpus: fewer common bigrams keep the table small
    tri = _postings([c.trigram_keys(common) for c in chunks])
    common_tri = tri.codes[tri.document_counts() >= min_df]
    quad = []
    for chunk in chunks:
        quad.append(chunk.quadgram_keys(common, common_tri))
        chunk.release()
    return [bigrams, tri, _postings(quad)], min_df


def write_segment(folder: Path, name: str, docs: Sequence[tuple[int, str]]) -> None:
    """Write a segment for ``docs`` = [(cid, key stream)], cids ascending."""
    folder.mkdir(parents=True, exist_ok=True)
    encoded = [s.encode("utf-8") for _, s in docs]
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    with open(folder / f"{name}.keys", "wb") as f:
        f.write(b"".join(encoded))
    del encoded
    levels, min_df = segment_postings([s for _, s in docs])
    _save(folder / f"{name}.offsets.npy", offsets)
    _save(folder / f"{name}.cids.npy", np.array([c for c, _ in docs], dtype=np.int64))
    for prefix, postings in zip(LEVELS, levels, strict=True):
        _save(folder / f"{name}.{prefix}codes.npy", postings.codes)
        _save(folder / f"{name}.{prefix}starts.npy", postings.starts)
        _save(folder / f"{name}.{prefix}post.npy", postings.post)
    with open(folder / f"{name}.grams.json", "w", encoding="utf-8") as f:
        json.dump({"common_min_df": min_df}, f)


def _save(path: Path, arr: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, arr)
        f.flush()


def _postings(key_chunks: list[np.ndarray]) -> Postings:
    keys = np.sort(np.concatenate(key_chunks)) if key_chunks else np.zeros(0, np.uint64)
    codes = keys >> LOCAL_BITS
    post = (keys & _LOCAL_MASK).astype(np.uint16)
    del keys
    if not len(codes):
        return Postings(codes, np.zeros(1, dtype=np.int64), post)
    firsts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    starts = np.append(firsts, len(codes)).astype(np.int64)
    return Postings(codes[firsts], starts, post)


class _Chunk:
    """Code points of a run of documents, concatenated, with each position's
    local document number and whether it lies in its document's title."""

    def __init__(self, streams: Sequence[str], first_local: int):
        self.cps = _code_points("".join(streams))
        lengths = np.fromiter((len(s) for s in streams), dtype=np.int64, count=len(streams))
        self.doc = np.repeat(
            np.arange(first_local, first_local + len(streams), dtype=np.uint64), lengths
        )
        # offset of each position in its document vs. where its FIELD_SEP is
        offsets = np.arange(len(self.cps), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        seps = np.fromiter((s.index(FIELD_SEP) for s in streams), np.int64, len(streams))
        self.in_title = offsets < np.repeat(seps, lengths)  # a bigram starting here ends by the SEP

    def release(self) -> None:
        del self.cps, self.doc, self.in_title

    def bigram_keys(self) -> np.ndarray:
        cps, doc = self.cps, self.doc
        same = doc[:-1] == doc[1:]
        codes = (cps[:-1] << SHIFT) | cps[1:]
        plain = (codes[same] << LOCAL_BITS) | doc[:-1][same]
        title = self.in_title[:-1]
        flagged = ((codes[title] | TITLE) << LOCAL_BITS) | doc[:-1][title]
        return _unique(np.concatenate([plain, flagged]))

    def trigram_keys(self, common: CommonBigrams) -> np.ndarray:
        cps, doc = self.cps, self.doc
        a, b, c = cps[:-2], cps[1:-1], cps[2:]
        keep = np.flatnonzero((doc[:-2] == doc[2:]) & common.contains(a, b) & common.contains(b, c))
        return _unique((_trigram_codes(a[keep], b[keep], c[keep]) << LOCAL_BITS) | doc[keep])

    def quadgram_keys(self, common: CommonBigrams, common_tri: np.ndarray) -> np.ndarray:
        cps, doc = self.cps, self.doc
        a, b, c, d = cps[:-3], cps[1:-2], cps[2:-1], cps[3:]
        # both trigrams common implies all three bigrams common: a cheap first cut
        keep = np.flatnonzero(
            (doc[:-3] == doc[3:])
            & common.contains(a, b)
            & common.contains(b, c)
            & common.contains(c, d)
        )
        a, b, c, d = a[keep], b[keep], c[keep], d[keep]
        both = _member(_trigram_codes(a, b, c), common_tri)
        both &= _member(_trigram_codes(b, c, d), common_tri)
        packed = (a[both] << np.uint64(48)) | (b[both] << np.uint64(32))
        packed |= (c[both] << LOCAL_BITS) | d[both]
        codes = (packed * np.uint64(_HASH)) >> LOCAL_BITS  # wraps modulo 2**64
        return _unique((codes << LOCAL_BITS) | doc[keep[both]])


def _trigram_codes(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return (a << np.uint64(32)) | (b << LOCAL_BITS) | c


class CommonBigrams:
    """Membership of (first, second) character pairs in a set of bigrams of
    BMP characters, by table lookup: the characters are numbered densely and
    a pair is one cell of a square bit table (a binary search per position
    would cost several times more)."""

    def __init__(self, codes: np.ndarray):
        firsts, seconds = codes >> SHIFT, codes & _CHAR_MASK
        bmp = (firsts < _BMP) & (seconds < _BMP)
        firsts, seconds = firsts[bmp].astype(np.int64), seconds[bmp].astype(np.int64)
        chars = np.union1d(firsts, seconds)
        self.size = len(chars) + 1  # the last number: any other character
        self.number = np.full(MAX_DOCS + 1, len(chars), dtype=np.int64)
        self.number[chars] = np.arange(len(chars))
        self.table = np.zeros(self.size * self.size, dtype=bool)
        self.table[self.number[firsts] * self.size + self.number[seconds]] = True

    def contains(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Per position: (first[i], second[i]) is a member (False beyond the BMP)."""
        i = self.number[np.minimum(first, _BMP).astype(np.int64)]
        j = self.number[np.minimum(second, _BMP).astype(np.int64)]
        return self.table[i * self.size + j]


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _unique(keys: np.ndarray) -> np.ndarray:
    """Sorted unique values (np.unique hashes first, which is slower here)."""
    keys = np.sort(keys)
    if len(keys) < 2:
        return keys
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
