"""Building and updating the index: ``reindex(corpus_dir, index_dir)``.

A reindex compares the corpus with the live generation (size and mtime, then
sha256 of what looks changed) and only parses new and changed files. It
writes a new generation (see store.py) in which everything unchanged is
shared with the previous one by hard links, and publishes it atomically.
``full=True`` (or a schema change) builds from nothing.

Big batches are written by Whoosh's multi-process writer: its worker
processes run jieba and write postings while this process parses files and
fills the character index, so both cores stay busy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage

from indexer import chars
from indexer.analysis import setup_jieba
from indexer.errors import CorpusEmptyError
from indexer.models import FileFailure, ReindexReport
from indexer.prepare import PreparedFile, prepare_file, stat_key
from indexer.schema import RANKED_FIELDS, SCHEMA_VERSION, make_schema
from indexer.store import (
    FILES,
    MANIFEST,
    current_generation,
    generation_name,
    generation_number,
    prune,
    publish,
    read_json,
    remove_stale,
    write_json,
    writer_lock,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files to do)

SEGMENT_DOCS = 25_000  # articles per character-index segment
MAX_SEGMENTS = 8  # more than this, or too many deleted articles: merge them
MAX_DEAD_SHARE = 0.25
PARALLEL_THRESHOLD = 500  # changed files from which Whoosh writes in several processes
PER_GENERATION = {MANIFEST, FILES, "docmap.npy", "dead.npy", "field_lengths.npy", "dates.npy"}


def reindex(
    corpus_dir: str | Path,
    index_dir: str | Path,
    full: bool = False,
    progress: Progress | None = None,
    procs: int | None = None,
    wait: bool = False,
) -> ReindexReport:
    """Bring the index in ``index_dir`` up to date with ``corpus_dir``.

    Raises IndexBusyError when another reindex runs (unless ``wait``). Bad
    files are reported in the result, never fatal; corpus files are only read.
    """
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    started = time.monotonic()
    with writer_lock(index_dir, wait=wait):
        for name in remove_stale(index_dir):
            log.warning("removed %s left by an interrupted reindex", name)
        report = _reindex_locked(corpus_dir, index_dir, full, progress, procs)
    report.seconds = time.monotonic() - started
    report.failed.sort(key=lambda f: f.path)
    return report


def _reindex_locked(corpus_dir, index_dir, full, progress, procs) -> ReindexReport:
    prev_name = current_generation(index_dir)
    prev = index_dir / prev_name if prev_name else None
    manifest = read_json(prev / MANIFEST) if prev else None
    if manifest is None or manifest.get("schema_version") != SCHEMA_VERSION:
        full = True
    old_files: dict = {} if full else read_json(prev / FILES)
    report = ReindexReport(full=full)
    with _timed("compared the corpus with the index"):
        plan = _plan(corpus_dir, old_files, report)
    if old_files and len(plan.deleted) == len(old_files) and not plan.changed:
        raise CorpusEmptyError(
            f"{corpus_dir} has none of the {len(old_files)} indexed files any more; "
            "refusing to empty the index (is the folder mounted?). "
            "Use --full to rebuild it from what is there."
        )
    if not full and not plan.changed and not plan.deleted:
        report.documents = manifest["documents"]
        report.generation = generation_number(prev_name)
        return report
    setup_jieba(index_dir / "cache")  # before Whoosh forks its writer processes
    number = generation_number(prev_name) + 1
    tmp = index_dir / f"{generation_name(number)}.tmp-{os.getpid()}"
    tmp.mkdir()
    if not full:
        _link_generation(prev, tmp)
    builder = _Builder(
        tmp,
        None if full else manifest,
        old_files,
        plan.touched,
        _writer_procs(procs, len(plan.changed)),
    )
    try:
        builder.delete(plan.deleted, report)
        with _timed("parsed %d files", len(plan.changed)):
            for i, path in enumerate(plan.changed, 1):
                builder.add(prepare_file((path, corpus_dir)), report)
                if progress:
                    progress(i, len(plan.changed))
        builder.finish(report)
    except BaseException:
        # Stop Whoosh's writer processes (they would wait for work forever)
        # and drop the half-built generation; the live one is untouched.
        builder.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish(index_dir, tmp, generation_name(number))
    prune(index_dir)
    report.generation = number
    return report


@dataclass
class _Plan:
    changed: list[Path] = field(default_factory=list)  # new, or content changed
    touched: dict[str, list[int]] = field(default_factory=dict)  # same content, new stat
    deleted: list[str] = field(default_factory=list)


def _plan(corpus_dir: Path, old_files: dict, report: ReindexReport) -> _Plan:
    """Sort the corpus into changed, unchanged and deleted files. Only files
    whose size or mtime moved are read (and hashed); unchanged files that
    failed before are reported again without being parsed again."""
    from indexer.articles import scan_corpus

    plan = _Plan()
    seen = set()
    for rel, path in scan_corpus(corpus_dir):
        seen.add(rel)
        old = old_files.get(rel)
        if old and old["stat"] != stat_key(path):
            if old["sha256"] == _sha256(path):
                plan.touched[rel] = stat_key(path)
            else:
                old = None
        if old is None:
            plan.changed.append(path)
            continue
        if old.get("error"):
            report.failed.append(FileFailure(rel, old["error"]))
        else:
            report.unchanged += 1
        report.failed.extend(FileFailure(p, r) for p, r in old.get("failures", []))
    plan.deleted = sorted(set(old_files) - seen)
    return plan


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _link_generation(prev: Path, tmp: Path) -> None:
    """Share the previous generation's immutable files by hard links. Files
    that change per generation are written anew, so the previous generation
    is never modified through a link."""
    for src in prev.rglob("*"):
        rel = src.relative_to(prev)
        dst = tmp / rel
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        elif rel.name not in PER_GENERATION and not rel.name.endswith("WRITELOCK"):
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)


def _writer_procs(procs: int | None, changed_files: int) -> int:
    """Whoosh writer processes: one per core for big batches, where jieba and
    Whoosh's pure-Python posting writes dominate; in-process for small ones."""
    if changed_files < PARALLEL_THRESHOLD:
        return 1
    return max(1, procs or os.cpu_count() or 1)


class _Builder:
    """Applies deletions and prepared files to a new generation folder."""

    def __init__(
        self,
        folder: Path,
        manifest: dict | None,
        old_files: dict,
        touched: dict[str, list[int]],
        procs: int,
    ):
        self.folder = folder
        self.chars_dir = folder / "chars"
        self.chars_dir.mkdir(exist_ok=True)
        self.files = {k: dict(v) for k, v in old_files.items()}
        for rel, stat in touched.items():
            self.files[rel]["stat"] = stat
        if manifest is None:
            self.segments: list[str] = []
            self.next_cid = 0
            self.dead = np.zeros(0, dtype=np.int64)
            self.ix = FileStorage(str(folder)).create_index(make_schema())
        else:
            self.segments = list(manifest["segments"])
            self.next_cid = manifest["next_cid"]
            self.dead = np.load(folder.parent / manifest["generation"] / "dead.npy")
            self.ix = FileStorage(str(folder)).open_index()
        # Several processes each write their own segment, kept as they are
        # (multisegment): merging them would cost a third of the build.
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        self.writer = self.ix.writer(limitmb=256, compound=False, **options)
        self.pending: list[tuple[int, str]] = []  # (cid, key stream) not yet in a segment
        self.new_dead: list[int] = []

    def cancel(self) -> None:
        """Abandon the writer (and its worker processes) after an error."""
        try:
            self.writer.cancel()
        except Exception:  # already committed or half-closed: nothing to stop
            log.debug("writer cancel failed", exc_info=True)

    def delete(self, deleted: list[str], report: ReindexReport) -> None:
        for rel in deleted:
            self._remove(rel)
            self.files.pop(rel)
            report.deleted.append(rel)

    def add(self, pf: PreparedFile, report: ReindexReport) -> None:
        """Index one prepared file (or record why it failed, keeping what the
        index had for it: nothing is lost to a bad edit)."""
        report.failed.extend(pf.failures)
        old = self.files.get(pf.relpath)
        if pf.error is not None:
            report.failed.append(FileFailure(pf.relpath, pf.error))
            entry = old or {"ids": [], "cids": []}
            entry.update(stat=pf.stat, sha256=pf.sha256, error=pf.error, failures=[])
            self.files[pf.relpath] = entry
            return
        if old:
            self._remove(pf.relpath)
        cids = list(range(self.next_cid, self.next_cid + len(pf.docs)))
        self.next_cid += len(pf.docs)
        for cid, doc in zip(cids, pf.docs, strict=True):
            self._add_document(cid, pf.relpath, doc)
        self.files[pf.relpath] = {
            "stat": pf.stat,
            "sha256": pf.sha256,
            "ids": [d.article.id for d in pf.docs],
            "cids": cids,
            "failures": [[f.path, f.reason] for f in pf.failures],
        }
        (report.updated if old else report.added).append(pf.relpath)

    def _add_document(self, cid: int, relpath: str, doc) -> None:
        a = doc.article
        fields = dict(
            id=a.id,
            file=relpath,
            cid=cid,
            title=a.title,
            body=a.body,
            column=a.column,
            source=a.source,
            url=a.url,
        )
        if a.date:
            fields["date"] = a.date
        self.writer.add_document(**fields)
        self.pending.append((cid, doc.stream))
        if len(self.pending) >= SEGMENT_DOCS:
            self._flush_chars()

    def _remove(self, rel: str) -> None:
        self.writer.delete_by_term("file", rel)
        self.new_dead.extend(self.files.get(rel, {}).get("cids", []))

    def _flush_chars(self) -> None:
        if self.pending:
            name = f"{self.folder.name.split('.tmp-')[0]}-{len(self.segments):03d}"
            chars.write_segment(self.chars_dir, name, self.pending)
            self.segments.append(name)
            self.pending = []

    def finish(self, report: ReindexReport) -> None:
        with _timed("segmented words and wrote the Whoosh segments"):
            self.writer.commit()
        with _timed("wrote the character index"):
            self._flush_chars()
            self.dead = np.union1d(self.dead, np.array(self.new_dead, dtype=np.int64))
            self._compact_chars()
        with _timed("wrote per-document arrays"):
            docmap, documents = self._per_document_arrays()
        report.documents = documents
        np.save(self.folder / "docmap.npy", docmap)
        np.save(self.folder / "dead.npy", self.dead)
        write_json(self.folder / FILES, self.files)
        write_json(
            self.folder / MANIFEST,
            {
                "schema_version": SCHEMA_VERSION,
                "generation": self.folder.name.split(".tmp-")[0],
                "segments": self.segments,
                "next_cid": self.next_cid,
                "documents": documents,
                "created": time.time(),
            },
        )

    def _compact_chars(self) -> None:
        """Merge the character index into fresh segments when it has too many
        segments or too many deleted articles."""
        total = sum(
            len(np.load(self.chars_dir / f"{s}.cids.npy", mmap_mode="r")) for s in self.segments
        )
        if len(self.segments) <= MAX_SEGMENTS and len(self.dead) <= MAX_DEAD_SHARE * total:
            return
        old = chars.CharIndex.open(self.chars_dir, self.segments, self.dead, self.next_cid)
        live = list(old.streams())
        old.close()
        for f in self.chars_dir.iterdir():  # links to the merged segments' files
            f.unlink()
        self.segments, self.dead = [], np.zeros(0, dtype=np.int64)
        for start in range(0, len(live), SEGMENT_DOCS):
            self.pending = live[start : start + SEGMENT_DOCS]
            self._flush_chars()

    def _per_document_arrays(self) -> tuple[np.ndarray, int]:
        """Arrays readers memory-map instead of asking Whoosh per document:
        cid -> docnum (docmap.npy, returned), and per docnum the field lengths
        BM25F needs (field_lengths.npy) and the date as YYYYMMDD (dates.npy).

        A Whoosh segment never changes once written, so its part is computed
        once and kept beside it (``seg-<id>.npz``); an incremental reindex
        only reads the documents of its new segment."""
        docmap = np.full(max(self.next_cid, 1), -1, dtype=np.int64)
        with self.ix.reader() as reader:
            count = reader.doc_count_all()
            lengths = np.zeros((max(count, 1), len(RANKED_FIELDS)), dtype=np.float32)
            dates = np.zeros(max(count, 1), dtype=np.int32)
            leaves = reader.leaf_readers() if count else []
            for leaf, offset in leaves:
                cids, seg_lengths, seg_dates = self._segment_arrays(leaf)
                end = offset + len(cids)
                lengths[offset:end], dates[offset:end] = seg_lengths, seg_dates
                live = np.ones(len(cids), dtype=bool)
                if leaf.has_deletions():
                    live[list(leaf.segment().deleted_docs())] = False
                docmap[cids[live]] = offset + np.flatnonzero(live)
            self._drop_unused_segment_arrays({leaf.segment().segment_id() for leaf, _ in leaves})
        np.save(self.folder / "field_lengths.npy", lengths)
        np.save(self.folder / "dates.npy", dates)
        return docmap, int(np.count_nonzero(docmap >= 0))

    def _segment_arrays(self, leaf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        path = self.folder / f"seg-{leaf.segment().segment_id()}.npz"
        if path.exists():
            with np.load(path) as cached:
                return cached["cids"], cached["lengths"], cached["dates"]
        n = leaf.doc_count_all()
        cid_col, date_col = leaf.column_reader("cid"), leaf.column_reader("date")
        cids = np.array([cid_col[d] for d in range(n)], dtype=np.int64)
        lengths = np.array(
            [[leaf.doc_field_length(d, f) for f in RANKED_FIELDS] for d in range(n)],
            dtype=np.float32,
        ).reshape(n, len(RANKED_FIELDS))
        dates = np.array([_date_number(date_col[d]) for d in range(n)], dtype=np.int32)
        with open(path, "wb") as f:
            np.savez(f, cids=cids, lengths=lengths, dates=dates)
        return cids, lengths, dates

    def _drop_unused_segment_arrays(self, segment_ids: set[str]) -> None:
        """Remove the cached arrays of segments Whoosh merged away."""
        for path in self.folder.glob("seg-*.npz"):
            if path.stem[4:] not in segment_ids:
                path.unlink()


@contextmanager
def _timed(what: str, *args: object) -> Iterator[None]:
    """Log how long a phase of the reindex took (shown with -v)."""
    started = time.monotonic()
    yield
    log.info(what + " in %.1fs", *args, time.monotonic() - started)


def _date_number(date: str | bytes | None) -> int:
    """ "2021-10-01" -> 20211001; 0 when there is no date."""
    if isinstance(date, bytes):
        date = date.decode("ascii", "replace")
    digits = (date or "").replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0
