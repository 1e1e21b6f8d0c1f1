"""Per-document arrays of a generation, which readers memory-map instead of
asking Whoosh per document: cid -> docnum (the docmap, returned for
files.json's writer), and per docnum the field lengths BM25F needs, the date
as YYYYMMDD, the column as a number into the column names, and the bit mask
of the counties the article names, for filters and facets (file names in
layout.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.index import FileIndex

from indexer.index.layout import GenerationFiles
from indexer.index.schema import RANKED_FIELDS


def write(ix: FileIndex, out: GenerationFiles, next_cid: int) -> tuple[np.ndarray, int]:
    """Write the arrays of the generation ``out`` (Whoosh index ``ix``);
    return the docmap and the number of live documents.

    A Whoosh segment never changes once written, so its part is computed
    once and kept beside it (``seg-<id>.npz``); an incremental reindex
    only reads the documents of its new segment."""
    docmap = np.full(max(next_cid, 1), -1, dtype=np.int64)
    with ix.reader() as reader:
        count = reader.doc_count_all()
        lengths = np.zeros((max(count, 1), len(RANKED_FIELDS)), dtype=np.float32)
        dates = np.zeros(max(count, 1), dtype=np.int32)
        columns = np.full(max(count, 1), "", dtype=object)
        masks = np.zeros(max(count, 1), dtype=np.int32)
        leaves = reader.leaf_readers() if count else []
        for leaf, offset in leaves:
            seg = _segment_arrays(leaf, out)
            cids, end = seg["cids"], offset + len(seg["cids"])
            lengths[offset:end], dates[offset:end] = seg["lengths"], seg["dates"]
            columns[offset:end], masks[offset:end] = seg["columns"], seg["places"]
            live = np.ones(len(cids), dtype=bool)
            if leaf.has_deletions():
                live[list(leaf.segment().deleted_docs())] = False
            docmap[cids[live]] = offset + np.flatnonzero(live)
        used = {leaf.segment().segment_id() for leaf, _ in leaves}
    out.drop_unused(out.SEGMENT_ARRAYS, used)
    np.save(out.path(out.FIELD_LENGTHS), lengths)
    np.save(out.path(out.DATES), dates)
    names, codes = np.unique(columns.astype(str), return_inverse=True)
    np.save(out.path(out.COLUMNS), codes.astype(np.int32))
    np.save(out.path(out.COLUMN_NAMES), names)
    np.save(out.path(out.PLACES), masks)
    return docmap, int(np.count_nonzero(docmap >= 0))


def _segment_arrays(leaf: Any, out: GenerationFiles) -> dict[str, np.ndarray]:
    """One Whoosh segment's part of the arrays, from its file if kept."""
    path = out.segment_arrays(leaf.segment().segment_id())
    if path.exists():
        with np.load(path) as cached:
            return dict(cached)
    n = leaf.doc_count_all()
    cid_col, date_col = leaf.column_reader("cid"), leaf.column_reader("date")
    column_col, places_col = leaf.column_reader("column"), leaf.column_reader("places")
    arrays: dict[str, np.ndarray] = {
        "cids": np.array([cid_col[d] for d in range(n)], dtype=np.int64),
        "lengths": np.array(
            [[leaf.doc_field_length(d, f) for f in RANKED_FIELDS] for d in range(n)],
            dtype=np.float32,
        ).reshape(n, len(RANKED_FIELDS)),
        "dates": np.array([_date_number(date_col[d]) for d in range(n)], dtype=np.int32),
        "columns": np.array([_text(column_col[d]) for d in range(n)] or [""], dtype=str)[:n],
        "places": np.array([places_col[d] or 0 for d in range(n)], dtype=np.int32),
    }
    with open(path, "wb") as f:
        # numpy's stub matches **arrays against savez's allow_pickle: bool too
        np.savez(f, **arrays)  # type: ignore[arg-type]
    return arrays


def _text(value: str | bytes | None) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def _date_number(date: str | bytes | None) -> int:
    """ "2021-10-01" -> 20211001; 0 when there is no date."""
    if isinstance(date, bytes):
        date = date.decode("ascii", "replace")
    digits = (date or "").replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0
