"""Common words' postings as flat arrays, written once per Whoosh segment.

Ranking (ranking.py) needs a word's postings as numpy arrays. Whoosh keeps
them in zlib-compressed pickled blocks, and decoding a common word's list
costs 2–5 ms at 100,000 articles: in every worker process, again after each
switch to a new generation, and in the slowest searches several times over.
A segment never changes once written, so the postings of each of its words
found in at least ARRAYS_FROM of its articles (more than one block) are
decoded once, at indexing time, into two files beside it:

``words-<segment id>.npy``
    int32, two rows: the segment's document numbers, and the weights as
    float32 bits (what Whoosh stores, so nothing is lost).
``words-<segment id>.json``
    ``{field: {word: [start, end]}}``, each word's columns in the array.

Readers memory-map the array, so every worker shares one copy through the
page cache and a word's list is two slices. Rarer words fill one block or
less and are still decoded from Whoosh's blocks (blocks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from whoosh.index import FileIndex

from indexer.index.blocks import blocks
from indexer.index.layout import GenerationFiles
from indexer.index.schema import RANKED_FIELDS

ARRAYS_FROM = 1024  # articles of a segment a word must be in: POSTING_BLOCK's postings


@dataclass(frozen=True)
class WordArrays:
    """The common words' postings of one segment, memory-mapped."""

    table: dict[str, dict[str, list[int]]]
    ids: np.ndarray  # int32 document numbers of the segment
    weights: np.ndarray  # float32, aligned with ids

    @classmethod
    def load(cls, files: GenerationFiles, segment_id: str) -> WordArrays:
        table = orjson.loads(files.word_table(segment_id).read_bytes())
        both = np.asarray(np.load(files.word_postings(segment_id), mmap_mode="r"))
        return cls(table, both[0], both[1].view(np.float32))

    def get(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The word's (document numbers, weights) in this segment, or None
        when it is not among the segment's common words."""
        span = self.table.get(field, {}).get(word)
        if span is None:
            return None
        start, end = span
        return self.ids[start:end], self.weights[start:end]


def load_all(files: GenerationFiles) -> dict[str, WordArrays]:
    """Segment id -> its arrays, for every segment of the generation that has them."""
    return {
        segment_id: WordArrays.load(files, segment_id)
        for segment_id in files.per_segment(files.WORD_TABLE)
    }


def write_missing(ix: FileIndex, files: GenerationFiles) -> None:
    """Write the arrays of each segment of Whoosh index ``ix`` that has none
    yet (in a full build the workers' segments, in an incremental one only
    its new segment), and drop those of segments Whoosh merged away."""
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        have = files.per_segment(files.WORD_TABLE)
        for leaf in leaves:
            if leaf.segment().segment_id() not in have:
                _write(leaf, files)
        used = {leaf.segment().segment_id() for leaf in leaves}
    files.drop_unused(files.WORD_POSTINGS, used)
    files.drop_unused(files.WORD_TABLE, used)


def _write(leaf: Any, files: GenerationFiles) -> None:
    """Decode the common words of Whoosh segment reader ``leaf`` into its
    two files, in a generation folder being written (nobody reads them yet;
    a later generation links them, never writes them again)."""
    segment_id = leaf.segment().segment_id()
    table: dict[str, dict[str, list[int]]] = {}
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    at = 0
    for field in RANKED_FIELDS:
        common = [w for w, info in leaf.iter_field(field) if info.doc_frequency() >= ARRAYS_FROM]
        spans = table[field] = {}
        for word in common:
            parts = list(blocks(leaf.postings(field, word)))
            ids.extend(p[0] for p in parts)
            weights.extend(p[1] for p in parts)
            n = sum(len(p[0]) for p in parts)
            spans[word.decode("utf-8") if isinstance(word, bytes) else word] = [at, at + n]
            at += n
    both = np.zeros((2, at), dtype=np.int32)
    if at:
        both[0] = np.concatenate(ids)
        both[1] = np.concatenate(weights).astype(np.float32).view(np.int32)
    np.save(files.word_postings(segment_id), both)
    files.word_table(segment_id).write_bytes(orjson.dumps(table))
