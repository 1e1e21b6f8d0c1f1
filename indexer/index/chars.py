"""The character index: which character bigrams occur in which article.

This is what makes exact search exact. jieba words decide ranking, but any run
of characters that occurs in an article must find it, whatever jieba did with
it (疆党建长 inside 边疆党建长廊). For every article we keep its *key stream*
(``title key + FIELD_SEP + body key + END``, see normalize.key_text) and the set
of character bigrams in it, without positions. A query phrase's candidates are
the articles holding all its bigrams; each candidate is then checked against
its key stream, so the answer is exactly "the phrase occurs", at a fraction of
the size of a positional bigram index.

Bigrams that are all common still leave many candidates for a phrase that
is itself rare; trigrams of common bigrams and 4-grams of common trigrams are
indexed as well (grams.py says which, and why a reader can tell), and a
phrase's candidates are the intersection of all its postings, shortest first.
A three-character phrase whose trigram is indexed needs no check at all:
its postings are exact. The module is one piece because every shortcut a
segment takes (which grams have postings, when a candidate need not be
checked) must agree with the rules grams.py writes by, and reads best
next to the check it skips.

Layout of one segment (immutable once written, numpy files are memory-mapped so
worker processes share them through the page cache):
``<seg>.keys`` UTF-8 key streams back to back; ``<seg>.offsets.npy`` where each
starts; ``<seg>.cids.npy`` the article ids (cids) of the segment, ascending;
``<seg>.codes.npy`` sorted bigram codes; ``<seg>.starts.npy`` where each code's
postings start in ``<seg>.post.npy`` (local document numbers, ascending,
uint16); ``<seg>.tri*.npy`` and ``<seg>.quad*.npy`` the same for trigrams and
4-grams; ``<seg>.grams.json`` the segment's ``common_min_df``.
"""

from __future__ import annotations

import json
import mmap
import os
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.index.grams import LEVELS, SHIFT, TITLE, bigram_codes, quadgrams, trigrams
from indexer.index.grams import write_segment as write_segment  # written there, read here
from indexer.index.lru import LRU
from indexer.normalize import FIELD_SEP

END = "\x00"
CACHE_NEEDLES = 256  # answers kept per generation, and at most this many bytes:
CACHE_BYTES = 32 * 2**20
SAMPLE_ABOVE = 5_000  # candidates per segment from which a sample is checked first
SAMPLE_SIZE = 500
TOP_EVERY = 512  # codes per 4 KiB page
SEARCH_BELOW = 8  # ids x this fewer than the postings: binary search, not a mask
_NO_FLAG = np.uint64(0)
_SEP_BYTE = FIELD_SEP.encode()


def key_stream(title_key: str, body_key: str) -> str:
    """What is indexed and verified for one article."""
    return title_key + FIELD_SEP + body_key + END


def take_streams(
    folder: Path, names: list[str], dead: np.ndarray, next_cid: int
) -> list[tuple[int, str]]:
    """The live (cid, key stream) of segments ``names``, whose files are then
    removed (they are links in a generation being written: merging them)."""
    old = CharIndex.open(folder, names, dead, next_cid)
    live = list(old.streams())
    old.close()
    for name in names:
        for f in folder.glob(f"{name}.*"):
            f.unlink()
    return live


def segment_size(folder: Path, name: str) -> int:
    """Documents in a segment (deleted ones included)."""
    return len(np.load(folder / f"{name}.cids.npy", mmap_mode="r"))


def _load(path: Path) -> np.ndarray:
    """A numpy file memory-mapped, as a plain ndarray view: slicing an
    np.memmap builds a new memmap object each time, which thousands of
    postings lookups a query pay for."""
    return np.asarray(np.load(path, mmap_mode="r"))


def _map(path: Path) -> mmap.mmap | bytes:
    """Memory-map a file read-only (the mapping outlives the descriptor)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        return mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else b""


class Segment:
    """A read-only, memory-mapped segment."""

    def __init__(self, folder: Path, name: str):
        self.name = name
        self.offsets = _load(folder / f"{name}.offsets.npy")
        self.cids = _load(folder / f"{name}.cids.npy")
        self.levels = []  # (codes, starts, postings) per gram length, bigrams first
        for prefix in LEVELS:
            if not (folder / f"{name}.{prefix}codes.npy").exists():
                break  # a segment of schema 6: bigrams only
            self.levels.append(
                tuple(
                    _load(folder / f"{name}.{prefix}{part}.npy")
                    for part in ("codes", "starts", "post")
                )
            )
        self.codes, self.starts, self.post = self.levels[0]
        # every TOP_EVERY-th code of each level in memory: a lookup then reads
        # one page of the mapped codes instead of a binary search's dozen
        self.tops = [codes[::TOP_EVERY].tolist() for codes, _, _ in self.levels]
        meta = folder / f"{name}.grams.json"  # absent in schema 6: no longer grams
        self.common_min_df = (
            int(json.loads(meta.read_text(encoding="utf-8"))["common_min_df"])
            if meta.exists()
            else len(self.cids) + 1
        )
        self.keys = _map(folder / f"{name}.keys")
        self._starts = self.offsets.tolist()  # plain ints: bisect beats numpy per item

    def __len__(self) -> int:
        return len(self.cids)

    def close(self) -> None:
        if isinstance(self.keys, mmap.mmap):
            self.keys.close()

    def stream(self, local: int) -> bytes:
        """The UTF-8 key stream of one document."""
        return self.keys[self._starts[local] : self._starts[local + 1]]

    def postings(self, code: int, level: int = 0) -> np.ndarray:
        """Documents with the gram ``code`` (level 0 bigrams, 1 trigrams, 2 4-grams)."""
        if level >= len(self.levels):
            return self.post[:0]
        codes, starts, post = self.levels[level]
        block = bisect_right(self.tops[level], code) - 1
        if block < 0:
            return post[:0]
        lo = block * TOP_EVERY
        i = lo + int(np.searchsorted(codes[lo : lo + TOP_EVERY], np.uint64(code)))
        if i >= len(codes) or int(codes[i]) != code:
            return post[:0]
        return post[int(starts[i]) : int(starts[i + 1])]

    def longer_gram_postings(self, needle: str) -> list[np.ndarray]:
        """Postings of the needle's trigrams and 4-grams that have them: those
        whose two shorter grams are both common in this segment (grams.py).
        An empty list among them means no document here has that gram."""
        common = self.common_min_df
        found: dict[tuple[int, int], np.ndarray] = {}  # neighbouring grams share a part

        def postings(code: int, level: int) -> np.ndarray:
            if (code, level) not in found:
                found[code, level] = self.postings(code, level)
            return found[code, level]

        lists = []
        for level, grams in ((1, trigrams(needle)), (2, quadgrams(needle))):
            for code, first, second in dict.fromkeys(grams):
                shorter = level - 1
                if (
                    len(postings(first, shorter)) >= common
                    and len(postings(second, shorter)) >= common
                ):
                    lists.append(postings(code, level))
        return lists

    def postings_starting_with(self, cp: int, flag: np.uint64 = _NO_FLAG) -> np.ndarray:
        """Documents with any bigram whose first character is ``cp``: every
        occurrence of a character is followed by another or by END, so this
        is exactly the documents containing it."""
        lo = int(np.searchsorted(self.codes, (np.uint64(cp) << SHIFT) | flag))
        hi = int(np.searchsorted(self.codes, (np.uint64(cp + 1) << SHIFT) | flag))
        if lo == hi:
            return np.zeros(0, dtype=np.uint32)
        seen = np.zeros(len(self), dtype=bool)  # a mask: cheaper than np.unique here
        seen[self.post[int(self.starts[lo]) : int(self.starts[hi])]] = True
        return np.flatnonzero(seen).astype(np.uint32)

    def candidates(self, needle: str, title_only: bool = False) -> np.ndarray:
        """Local numbers of documents holding every bigram of ``needle`` (in
        the title when ``title_only``) and every trigram indexed here, found
        by intersecting the shortest postings first."""
        flag = TITLE if title_only else _NO_FLAG
        if len(needle) == 1:
            return self.postings_starting_with(ord(needle), flag)
        lists = [self.postings(int(c)) for c in bigram_codes(needle) | flag]
        if len(needle) >= 3:
            lists += self.longer_gram_postings(needle)
        lists.sort(key=len)
        result = np.asarray(lists[0])
        for other in lists[1:]:
            if not len(result):
                break
            result = result[self._member(result, np.asarray(other))]
        return result

    def _member(self, ids: np.ndarray, postings: np.ndarray) -> np.ndarray:
        """For each of ``ids`` (sorted), whether it is in ``postings``: by
        binary search when they are few, else through a mask of the segment
        (four times faster for two lists of most of its documents)."""
        if len(ids) * SEARCH_BELOW < len(postings):
            at = np.minimum(np.searchsorted(postings, ids), len(postings) - 1)
            return postings[at] == ids
        mask = np.zeros(len(self), dtype=bool)
        mask[postings] = True
        return mask[ids]

    def find(self, needle: str, title_only: bool = False, exact: bool = True) -> Found:
        """Local numbers of documents whose key stream contains ``needle``
        (within the title when ``title_only``).

        Unless ``exact``, a large candidate set is checked on an even sample
        first; if every sampled candidate holds the phrase, the candidates
        are returned unchecked (``Found.exact`` False): for a phrase in most
        articles, checking each one is the whole cost of the query, and
        callers check the few they show."""
        found = self.unchecked(needle, title_only)
        if found.exact:
            return found
        cands = found.ids
        if not exact and len(cands) > SAMPLE_ABOVE:
            sample = cands[:: max(1, len(cands) // SAMPLE_SIZE)]
            if len(self._verify(sample, needle, title_only)) == len(sample):
                return Found(cands, False)
        return Found(self._verify(cands, needle, title_only), True)

    def unchecked(self, needle: str, title_only: bool = False) -> Found:
        """The candidates of ``needle``, exact when no check is needed (two
        characters or fewer: bigram presence; an indexed trigram; none)."""
        cands = self.candidates(needle, title_only)
        sure = len(needle) <= 2 or not len(cands)
        return Found(cands, sure or (not title_only and self._trigram_indexed(needle)))

    def _trigram_indexed(self, needle: str) -> bool:
        """Whether ``needle`` is three characters whose trigram has postings
        here: they list exactly the documents holding it (trigram codes are
        not hashed), so its candidates need no check."""
        grams = trigrams(needle) if len(needle) == 3 else []
        if not grams:
            return False
        _, first, second = grams[0]
        common = self.common_min_df
        return len(self.postings(first)) >= common and len(self.postings(second)) >= common

    def _verify(self, cands: np.ndarray, needle: str, title_only: bool) -> np.ndarray:
        """The candidates whose key stream really contains ``needle``."""
        pattern, starts, find = needle.encode("utf-8"), self._starts, self.keys.find
        if title_only:
            keep = [
                i
                for i in cands.tolist()
                if find(pattern, starts[i], find(_SEP_BYTE, starts[i], starts[i + 1])) != -1
            ]
        else:
            # mmap.find within the document's range: no copy, one C call each
            keep = [i for i in cands.tolist() if find(pattern, starts[i], starts[i + 1]) != -1]
        return np.array(keep, dtype=np.uint32)

    def contains(self, local: int, needle: str, title_only: bool = False) -> bool:
        start, end = self._starts[local], self._starts[local + 1]
        if title_only:
            end = self.keys.find(_SEP_BYTE, start, end)
        return self.keys.find(needle.encode("utf-8"), start, end) != -1


@dataclass(frozen=True)
class Found:
    """Documents found for a needle; ``exact`` False means a superset: one
    whose sampled members all matched (see Segment.find), or candidates
    left unchecked (CharIndex.candidates)."""

    ids: np.ndarray
    exact: bool


@dataclass
class CharIndex:
    """All segments of one index generation, minus deleted articles."""

    segments: list[Segment]
    dead: np.ndarray  # bool per cid: True when the article was deleted or replaced
    cache: LRU = field(
        default_factory=lambda: LRU(CACHE_NEEDLES, CACHE_BYTES, lambda f: f.ids.nbytes)
    )

    @classmethod
    def open(cls, folder: Path, names: Iterable[str], dead_cids: np.ndarray, next_cid: int):
        dead = np.zeros(max(next_cid, 1), dtype=bool)
        dead[np.asarray(dead_cids, dtype=np.int64)] = True
        return cls([Segment(folder, n) for n in names], dead)

    def close(self) -> None:
        for seg in self.segments:
            seg.close()

    def find(self, needle: str, title_only: bool = False, exact: bool = True) -> Found:
        """Sorted cids of live articles containing ``needle`` (key form);
        see Segment.find for ``exact``.

        Answers are cached per generation (it never changes): popular
        searches and their parts repeat. The arrays are read-only."""
        return self.cache.get(
            (needle, title_only, exact),
            lambda: self._readonly(self._find(needle, title_only, exact)),
        )

    @staticmethod
    def _readonly(found: Found) -> Found:
        found.ids.flags.writeable = False
        return found

    def candidates(self, needle: str, title_only: bool = False) -> Found:
        """Sorted cids of live articles that may contain ``needle``, none
        checked: a superset unless ``exact`` (see Segment.unchecked). For
        what only orders results, where checking each is wasted on those
        that never reach a page. Cached like :meth:`find`."""
        return self.cache.get(
            (needle, title_only, None),
            lambda: self._readonly(self._find(needle, title_only, None)),
        )

    def _find(self, needle: str, title_only: bool, exact: bool | None) -> Found:
        if not needle:
            return Found(np.zeros(0, dtype=np.int64), True)
        parts = [
            (
                seg,
                seg.unchecked(needle, title_only)
                if exact is None
                else seg.find(needle, title_only, exact),
            )
            for seg in self.segments
        ]
        cids = [np.asarray(seg.cids)[f.ids] for seg, f in parts]
        joined = np.sort(np.concatenate(cids)) if cids else np.zeros(0, dtype=np.int64)
        return Found(joined[~self.dead[joined]], all(f.exact for _, f in parts))

    def contains(self, cid: int, needle: str, title_only: bool = False) -> bool:
        """Whether live article ``cid`` contains ``needle``: the check of one
        shown hit when its phrase came from an unchecked superset."""
        if not needle or cid >= len(self.dead) or self.dead[cid]:
            return False
        for seg in self.segments:
            local = int(np.searchsorted(seg.cids, cid))
            if local < len(seg.cids) and int(seg.cids[local]) == cid:
                return seg.contains(local, needle, title_only)
        return False

    def live_cids(self) -> np.ndarray:
        cids = (
            np.concatenate([np.asarray(s.cids) for s in self.segments])
            if self.segments
            else np.zeros(0, dtype=np.int64)
        )
        return np.sort(cids[~self.dead[cids]])

    def streams(self) -> Iterable[tuple[int, str]]:
        """(cid, key stream) of every live article, for compaction."""
        for seg in self.segments:
            for local, cid in enumerate(np.asarray(seg.cids).tolist()):
                if not self.dead[cid]:
                    yield cid, seg.stream(local).decode("utf-8")
