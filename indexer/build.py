"""Building and updating the index: ``reindex(corpus_dir, index_dir)``.

A reindex compares the corpus with the live generation (size and mtime, then
sha256 of what changed), parses and segments only new and changed files, and
publishes a new generation (see store.py) in which unchanged data is shared
by hard links. ``full=True`` (or a schema change) builds from nothing.
Segmentation runs in worker processes; the Whoosh writer, which is single
threaded, only receives pre-segmented text.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage

from indexer import chars
from indexer.analysis import setup_jieba
from indexer.models import FileFailure, ReindexReport
from indexer.prepare import PreparedFile, prepare_file, stat_key
from indexer.schema import SCHEMA_VERSION, make_schema
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

# Files per character segment in a full build, and when to merge segments.
SEGMENT_DOCS = 25_000
MAX_SEGMENTS = 8
MAX_DEAD_SHARE = 0.25
POOL_THRESHOLD = 16  # fewer changed files than this are prepared in-process


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
    files are reported in the result, never fatal.
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
    return report


def _reindex_locked(corpus_dir, index_dir, full, progress, procs) -> ReindexReport:
    setup_jieba(index_dir / "cache")
    prev_name = current_generation(index_dir)
    prev = index_dir / prev_name if prev_name else None
    manifest = read_json(prev / MANIFEST) if prev else None
    if manifest is None or manifest.get("schema_version") != SCHEMA_VERSION:
        full = True
    old_files: dict = {} if full else read_json(prev / FILES)
    plan = _plan(corpus_dir, old_files)
    prepared = _prepare_all(corpus_dir, plan.todo, progress, procs)
    report = ReindexReport(full=full, unchanged=len(plan.unchanged))
    if not full and not plan.deleted and not _changes(prepared, old_files, report):
        report.documents = manifest["documents"]
        report.generation = generation_number(prev_name)
        return report
    number = generation_number(prev_name) + 1
    tmp = index_dir / f"{generation_name(number)}.tmp-{os.getpid()}"
    tmp.mkdir()
    if not full:
        _link_generation(prev, tmp)
    builder = _Builder(tmp, manifest if not full else None, old_files)
    builder.apply(prepared, plan.deleted, report)
    builder.finish(report)
    publish(index_dir, tmp, generation_name(number))
    prune(index_dir)
    report.generation = number
    return report


def _changes(prepared: list[PreparedFile], old_files: dict, report: ReindexReport) -> bool:
    """Whether any prepared file changes the index; when none does, count
    the files that were only touched and report the failures."""
    changed = False
    for pf in prepared:
        old = old_files.get(pf.relpath)
        if pf.error is None and not (old and old["sha256"] == pf.sha256):
            changed = True
    if not changed:
        for pf in prepared:
            report.failed.extend(pf.failures)
            if pf.error is not None:
                report.failed.append(FileFailure(pf.relpath, pf.error))
            else:
                report.unchanged += 1
    return changed


class _Plan:
    def __init__(self):
        self.todo: list[Path] = []
        self.unchanged: list[str] = []
        self.deleted: list[str] = []


def _plan(corpus_dir: Path, old_files: dict) -> _Plan:
    """Sort corpus files into unchanged (same size and mtime), to do, deleted."""
    from indexer.articles import article_id, iter_corpus_files

    plan = _Plan()
    seen = set()
    for path in iter_corpus_files(corpus_dir):
        rel = article_id(path, corpus_dir)
        seen.add(rel)
        old = old_files.get(rel)
        if old and old.get("stat") == stat_key(path):
            plan.unchanged.append(rel)
        else:
            plan.todo.append(path)
    plan.deleted = sorted(set(old_files) - seen)
    return plan


def _link_generation(prev: Path, tmp: Path) -> None:
    """Share the previous generation's immutable files by hard links. Files
    that change per generation are written anew (new names or os.replace), so
    the previous generation is never modified through a link."""
    skip = {MANIFEST, FILES, "docmap.npy", "dead.npy"}
    for src in prev.rglob("*"):
        rel = src.relative_to(prev)
        dst = tmp / rel
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        elif rel.name not in skip and not rel.name.endswith("WRITELOCK"):
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)


def _prepare_all(corpus_dir, paths, progress, procs) -> list[PreparedFile]:
    """Parse and segment ``paths``, in worker processes when it pays."""
    total = len(paths)
    procs = procs or os.cpu_count() or 1
    args = [(p, corpus_dir) for p in paths]
    out: list[PreparedFile] = []
    if total < POOL_THRESHOLD or procs < 2:
        for i, a in enumerate(args, 1):
            out.append(prepare_file(a))
            if progress:
                progress(i, total)
        return out
    ctx = multiprocessing.get_context("fork")  # workers inherit the loaded jieba
    with ctx.Pool(procs) as pool:
        for i, item in enumerate(pool.imap(prepare_file, args, chunksize=8), 1):
            out.append(item)
            if progress:
                progress(i, total)
    return out


class _Builder:
    """Applies prepared files to a new generation folder."""

    def __init__(self, folder: Path, manifest: dict | None, old_files: dict):
        self.folder = folder
        self.files = dict(old_files)
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
        self.writer = self.ix.writer(limitmb=256, compound=False)
        self.new_docs: list[tuple[int, str]] = []
        self.new_dead: list[int] = []

    def apply(self, prepared: list[PreparedFile], deleted: list[str], report: ReindexReport):
        for rel in deleted:
            self._remove(rel)
            report.deleted.append(rel)
        for pf in prepared:
            report.failed.extend(pf.failures)
            if pf.error is not None:
                report.failed.append(FileFailure(pf.relpath, pf.error))
                continue  # keep what the index had: nothing is lost to a bad edit
            old = self.files.get(pf.relpath)
            if old and old["sha256"] == pf.sha256:
                old["stat"] = pf.stat  # touched, not changed
                report.unchanged += 1
                continue
            if old:
                self._remove(pf.relpath)
            self._add(pf)
            (report.updated if old else report.added).append(pf.relpath)

    def _remove(self, rel: str) -> None:
        self.writer.delete_by_term("file", rel)
        self.new_dead.extend(self.files.pop(rel, {}).get("cids", []))

    def _add(self, pf: PreparedFile) -> None:
        cids = []
        for doc in pf.docs:
            cid = self.next_cid
            self.next_cid += 1
            cids.append(cid)
            self.new_docs.append((cid, doc.stream))
            a = doc.article
            fields = dict(
                id=a.id, file=pf.relpath, cid=cid,
                title=doc.title_words, _stored_title=a.title,
                body=doc.body_words, _stored_body=a.body,
                column=a.column, source=a.source, url=a.url,
            )
            if a.date:
                fields["date"] = a.date
            self.writer.add_document(**fields)
        self.files[pf.relpath] = {
            "stat": pf.stat, "sha256": pf.sha256, "ids": [d.article.id for d in pf.docs],
            "cids": cids,
        }

    def finish(self, report: ReindexReport) -> None:
        self.writer.commit()
        dead = np.union1d(self.dead, np.array(self.new_dead, dtype=np.int64))
        self._write_chars(dead)
        docmap, documents = self._docmap()
        report.documents = documents
        np.save(self.folder / "docmap.npy", docmap)
        np.save(self.folder / "dead.npy", self.dead)
        write_json(self.folder / FILES, self.files)
        write_json(self.folder / MANIFEST, {
            "schema_version": SCHEMA_VERSION,
            "generation": self.folder.name.split(".tmp-")[0],
            "segments": self.segments,
            "next_cid": self.next_cid,
            "documents": documents,
            "created": time.time(),
        })

    def _write_chars(self, dead: np.ndarray) -> None:
        folder = self.folder / "chars"
        total = sum(len(np.load(folder / f"{s}.cids.npy", mmap_mode="r")) for s in self.segments)
        total += len(self.new_docs)
        if len(self.segments) >= MAX_SEGMENTS or (total and len(dead) > MAX_DEAD_SHARE * total):
            old = chars.CharIndex.open(folder, self.segments, dead, self.next_cid)
            self.new_docs = list(old.streams()) + self.new_docs
            old.close()
            for f in folder.iterdir():  # links to the merged segments' files
                f.unlink()
            self.segments, dead = [], np.zeros(0, dtype=np.int64)
        stamp = self.folder.name.split(".tmp-")[0]
        for start in range(0, len(self.new_docs), SEGMENT_DOCS):
            name = f"{stamp}-{start // SEGMENT_DOCS:03d}"
            chars.write_segment(folder, name, self.new_docs[start : start + SEGMENT_DOCS])
            self.segments.append(name)
        folder.mkdir(exist_ok=True)
        self.dead = dead

    def _docmap(self) -> tuple[np.ndarray, int]:
        """cid -> Whoosh document number, computed once here so readers only
        memory-map it."""
        docmap = np.full(max(self.next_cid, 1), -1, dtype=np.int64)
        live = 0
        with self.ix.reader() as reader:
            if reader.doc_count_all() == 0:
                return docmap, 0
            col = reader.column_reader("cid")
            for docnum in range(reader.doc_count_all()):
                if not reader.is_deleted(docnum):
                    docmap[col[docnum]] = docnum
                    live += 1
        return docmap, live
