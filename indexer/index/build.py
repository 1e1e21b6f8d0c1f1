"""Building and updating the index: ``reindex(corpus_dir, index_dir)``.

A reindex compares the corpus with the live generation (size and mtime, then
sha256 of what looks changed) and only parses new and changed files. It
writes a new generation (see store.py; writer.py writes its files) in which
everything unchanged is shared with the previous one by hard links, and
publishes it atomically. ``full=True`` (or a schema change) builds from nothing.

Big batches are indexed by one worker process per core (workers.py): each
segments its articles once and writes its own Whoosh and character
segments, while this process reads and parses the files.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from indexer import places
from indexer.errors import CorpusEmptyError
from indexer.index import heap
from indexer.index.layout import GenerationFiles
from indexer.index.prepare import prepare_file
from indexer.index.schema import SCHEMA_VERSION
from indexer.index.store import (
    current_generation,
    generation_name,
    generation_number,
    prune,
    publish,
    read_json,
    remove_stale,
    warm_up,
    writer_lock,
)
from indexer.index.writer import GenerationWriter
from indexer.ingest.corpus import file_hash, stat_corpus
from indexer.models import FileFailure, ReindexReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files to do)

PARALLEL_THRESHOLD = 500  # changed files from which Whoosh writes in several processes


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
    prev = GenerationFiles(index_dir / prev_name) if prev_name else None
    manifest = read_json(prev.path(prev.MANIFEST)) if prev else None
    if full or not _same_schema(manifest):
        full, prev, manifest = True, None, None  # build from nothing
    report = ReindexReport(full=full)
    with _timed("compared the corpus with the index"), heap.collector_paused():
        old_files: dict = read_json(prev.path(prev.FILES)) if prev else {}
        plan = _plan(corpus_dir, old_files, report)
    if old_files and len(plan.deleted) == len(old_files) and not plan.changed:
        raise CorpusEmptyError(
            f"{corpus_dir} has none of the {len(old_files)} indexed files any more; "
            "refusing to empty the index (is the folder mounted?). "
            "Use --full to rebuild it from what is there."
        )
    if manifest is not None and not plan.changed and not plan.deleted:
        report.documents = manifest["documents"]
        report.generation = generation_number(prev_name)
        return report
    # A small update makes few objects, but every pass of the cyclic
    # collector would walk the whole of files.json again (100,000 entries):
    # it waits until the update is published. Big ones keep it running.
    small = len(plan.changed) < PARALLEL_THRESHOLD
    with heap.collector_paused() if small else nullcontext():
        number = generation_number(prev_name) + 1
        _write_generation(
            corpus_dir, index_dir, number, manifest, old_files, plan, report, progress, procs
        )
    prune(index_dir)
    report.generation = number
    return report


def _write_generation(
    corpus_dir: Path,
    index_dir: Path,
    number: int,
    manifest: dict | None,
    old_files: dict,
    plan: _Plan,
    report: ReindexReport,
    progress: Progress | None,
    procs: int | None,
) -> None:
    """Write generation ``number`` from the previous one (``manifest``,
    None for a build from nothing) and ``plan``, and publish it."""
    warm_up(index_dir)  # before the writer forks its worker processes
    prev = GenerationFiles(index_dir / manifest["generation"]) if manifest else None
    tmp = index_dir / f"{generation_name(number)}.tmp-{os.getpid()}"
    tmp.mkdir()
    if prev is not None:
        _link_generation(prev.folder, tmp)
    writer = GenerationWriter(
        tmp,
        manifest,
        old_files,
        plan.touched,
        _writer_procs(procs, len(plan.changed)),
    )
    try:
        writer.delete(plan.deleted, report)
        with _timed("parsed %d files", len(plan.changed)):
            for i, path in enumerate(plan.changed, 1):
                writer.add(prepare_file((path, corpus_dir)), report)
                if progress:
                    progress(i, len(plan.changed))
        _finish(writer, report, prev.folder if prev else None)  # a full build renews the pinyin
    except BaseException:
        # Stop the worker processes (they would wait for work forever)
        # and drop the half-built generation; the live one is untouched.
        writer.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with _timed("published the generation"):
        publish(index_dir, tmp, generation_name(number))


def _same_schema(manifest: dict | None) -> bool:
    """Whether the live generation was built the way this version builds:
    same schema and analysis, same gazetteer (places are decided at indexing)."""
    return (
        manifest is not None
        and manifest.get("schema_version") == SCHEMA_VERSION
        and manifest.get("gazetteer") == places.gazetteer().fingerprint
    )


@dataclass
class _Plan:
    changed: list[Path] = field(default_factory=list)  # new, or content changed
    touched: dict[str, list[int]] = field(default_factory=dict)  # same content, new stat
    deleted: list[str] = field(default_factory=list)


def _plan(corpus_dir: Path, old_files: dict, report: ReindexReport) -> _Plan:
    """Sort the corpus into changed, unchanged and deleted files. Only files
    whose size or mtime moved are read (and hashed); unchanged files that
    failed before are reported again without being parsed again."""
    plan = _Plan()
    seen = set()
    for rel, path, stat in stat_corpus(corpus_dir):
        seen.add(rel)
        old = old_files.get(rel)
        if old and old["stat"] != stat:
            if old["sha256"] == _sha256(path):
                plan.touched[rel] = stat
            else:
                old = None
        if old is None:
            plan.changed.append(Path(path))
            continue
        if old.get("error"):
            report.failed.append(FileFailure(rel, old["error"]))
        else:
            report.unchanged += 1
        report.failed.extend(FileFailure(p, r) for p, r in old.get("failures", []))
    plan.deleted = sorted(set(old_files) - seen)
    return plan


def _sha256(path: str) -> str:
    try:
        return file_hash(path)
    except OSError:
        return ""


def _link_generation(prev: Path, tmp: Path) -> None:
    """Share the previous generation's write-once files by hard links. Only
    the kinds GenerationFiles.shared names are linked; everything else is
    written anew, so the previous generation is never modified through a link."""
    for src in prev.rglob("*"):
        rel = src.relative_to(prev)
        dst = tmp / rel
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        elif GenerationFiles.shared(rel):
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)


def _writer_procs(procs: int | None, changed_files: int) -> int:
    """Worker processes: one per core for big batches, where jieba and
    Whoosh's pure-Python posting writes dominate; in-process for small ones."""
    if changed_files < PARALLEL_THRESHOLD:
        return 1
    return max(1, procs or os.cpu_count() or 1)


def _finish(writer: GenerationWriter, report: ReindexReport, prev: Path | None) -> None:
    """Write the rest of the new generation, timing each phase; ``prev`` is
    the generation it updates (its vocabulary's pinyin is reused)."""
    with _timed("segmented words and wrote the Whoosh segments"):
        writer.commit()
    with _timed("wrote the character index"):
        writer.write_chars()
    with _timed("wrote per-document arrays"):
        docmap, documents = writer.per_document_arrays()
    report.documents = documents
    with _timed("wrote common words' postings"):
        writer.word_arrays()
    with _timed("wrote the vocabulary"):
        writer.write_vocabulary(prev)
    with _timed("wrote files.json and the manifest"):
        writer.finish(docmap, documents)


@contextmanager
def _timed(what: str, *args: object) -> Iterator[None]:
    """Log how long a phase of the reindex took (shown with -v)."""
    started = time.monotonic()
    yield
    log.info(what + " in %.1fs", *args, time.monotonic() - started)
