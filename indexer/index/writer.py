"""Writing one index generation: Whoosh documents, the character index, the
arrays readers memory-map (per document and per common word), then files.json
and manifest.json.

:func:`indexer.index.build.reindex` drives a :class:`GenerationWriter` through
its phases, timing each: deletions and new documents, ``commit``,
``write_chars``, ``per_document_arrays``, ``word_arrays``, ``write_vocabulary``
and ``finish``."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from indexer import places
from indexer.index import chars, docarrays, wordarrays
from indexer.index.forked import ForkedTasks
from indexer.index.integrity import CHECKSUMS, checksums
from indexer.index.layout import GenerationFiles
from indexer.index.prepare import PreparedFile
from indexer.index.schema import SCHEMA_VERSION, make_schema
from indexer.index.store import write_json
from indexer.index.workers import ArticleIndexer, Workers
from indexer.models import FileFailure, ReindexReport
from indexer.vocab.build import write_vocabulary

log = logging.getLogger(__name__)

SEGMENT_DOCS = 25_000  # articles per character-index segment
MAX_SEGMENTS = 8  # more than this, or too many deleted articles: merge them
MAX_DEAD_SHARE = 0.25
# Postings per Whoosh block (default 128): ranking reads whole posting lists,
POSTING_BLOCK = 1024  # and each block costs a header, a zlib call and an unpickle


class GenerationWriter:
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
        self.out = GenerationFiles(folder)
        self.chars_dir = self.out.chars
        self.chars_dir.mkdir(exist_ok=True)
        self.files = old_files  # taken over, not copied: build.py read it for this writer
        for rel, stat in touched.items():
            self.files[rel]["stat"] = stat
        self.previous: tuple[Path, dict] | None = None  # folder and manifest updated
        if manifest is None:
            self.segments: list[str] = []
            self.next_cid = 0
            self.dead = np.zeros(0, dtype=np.int64)
            self.ix = FileStorage(str(folder)).create_index(make_schema())
        else:
            self.segments = list(manifest["segments"])
            self.next_cid = manifest["next_cid"]
            previous = GenerationFiles(folder.parent / manifest["generation"])
            self.previous = (previous.folder, manifest)
            self.dead = np.load(previous.path(previous.DEAD))
            self.ix = FileStorage(str(folder)).open_index()
        options = dict(limitmb=256, compound=False, codec=W3Codec(blocklimit=POSTING_BLOCK))
        self.writer = self.ix.writer(**options)  # deletions, merges, the table of contents
        self.new_dead: list[int] = []
        self.pending: list[tuple[int, str]] = []  # (cid, key stream) not yet in a segment
        self.background = ForkedTasks()  # character segments being written
        self.segments_made = 0  # by this writer: numbers its segments' names
        # one process per core, each writing a Whoosh segment kept as it is (workers.py)
        self.workers = Workers(self.ix, options, procs) if procs > 1 else None
        self.articles = ArticleIndexer(self.writer, self._keep)

    def cancel(self) -> None:
        """Abandon the writer (and its worker processes) after an error."""
        if self.workers is not None:
            self.workers.kill()
        self.background.kill()
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
        for cid, article in zip(cids, pf.docs, strict=True):
            (self.workers or self.articles).add(cid, pf.relpath, article)
        for cid, stream in self.workers.streams() if self.workers else ():
            self._keep(cid, stream)
        self.files[pf.relpath] = {
            "stat": pf.stat,
            "sha256": pf.sha256,
            "ids": [a.id for a in pf.docs],
            "cids": cids,
            "failures": [[f.path, f.reason] for f in pf.failures],
        }
        (report.updated if old else report.added).append(pf.relpath)

    def _remove(self, rel: str) -> None:
        self.writer.delete_by_term("file", rel)
        self.new_dead.extend(self.files.get(rel, {}).get("cids", []))

    def _keep(self, cid: int, stream: str) -> None:
        self.pending.append((cid, stream))
        if len(self.pending) >= SEGMENT_DOCS:
            self._flush_chars(background=True)

    def _flush_chars(self, background: bool = False) -> None:
        """Write the pending key streams (sorted: workers send them in any
        order) as a segment; in a big build in a forked process (forked.py)."""
        if not self.pending:
            return
        name = f"{self.folder.name.split('.tmp-')[0]}-{self.segments_made:03d}"
        self.segments_made += 1
        self.pending.sort()
        if background and self.workers is not None:
            self.background.start(chars.write_segment, self.chars_dir, name, self.pending)
        else:
            chars.write_segment(self.chars_dir, name, self.pending)
        self.segments.append(name)
        self.pending = []

    def commit(self) -> None:
        """Have Whoosh write its segments; the workers' are named in the table
        of contents as they are, as Whoosh's multi-process writer does."""
        if self.workers is None:
            self.writer.commit()
            return
        self.workers.close()
        for cid, stream in self.workers.streams():
            self._keep(cid, stream)
        self._flush_chars(background=True)  # while the workers write their segments
        segments = self.workers.finish()
        writer = self.writer
        final = writer._merge_segments(None, None, None) + segments
        if writer._added:  # small older segments merged into its own
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
        writer._finish()

    def write_chars(self) -> None:
        """Write the last character segment and record this reindex's dead
        articles, merging the segments when there are too many."""
        self._flush_chars()
        self.background.join()
        self.dead = np.union1d(self.dead, np.array(self.new_dead, dtype=np.int64))
        self._compact_chars()

    def _compact_chars(self) -> None:
        """Merge character segments: all when too many articles are deleted,
        else past MAX_SEGMENTS the small ones incremental reindexes leave (a
        new article never waits for the whole index to be rewritten)."""
        sizes = [chars.segment_size(self.chars_dir, s) for s in self.segments]
        if len(self.dead) > MAX_DEAD_SHARE * sum(sizes):
            merged, self.dead = self.segments, np.zeros(0, dtype=np.int64)
        elif len(self.segments) > MAX_SEGMENTS:
            merged = [s for s, n in zip(self.segments, sizes, strict=True) if n < SEGMENT_DOCS // 2]
        else:
            return
        live = chars.take_streams(self.chars_dir, merged, self.dead, self.next_cid)
        self.segments = [s for s in self.segments if s not in merged]
        for start in range(0, len(live), SEGMENT_DOCS):
            self.pending = live[start : start + SEGMENT_DOCS]
            self._flush_chars()

    def per_document_arrays(self) -> tuple[np.ndarray, int]:
        """The arrays readers memory-map instead of asking Whoosh per
        document (docarrays.py); returns the docmap and the live documents."""
        return docarrays.write(self.ix, self.out, self.next_cid)

    def word_arrays(self) -> None:
        """The common words' postings of each new Whoosh segment, as arrays
        readers memory-map (wordarrays.py)."""
        wordarrays.write_missing(self.ix, self.out)

    def write_vocabulary(self, previous: Path | None) -> None:
        """The words, with pinyin, for suggestions and corrections (vocab.py)."""
        with self.ix.reader() as reader:
            write_vocabulary(reader, self.folder, previous)

    def finish(self, docmap: np.ndarray, documents: int) -> None:
        """Write the rest of the generation: the docmap and dead articles,
        files.json, and last manifest.json, which makes the generation whole
        and records every other file's size and sha256."""
        out = self.out
        np.save(out.path(out.DOCMAP), docmap)
        np.save(out.path(out.DEAD), self.dead)
        write_json(out.path(out.FILES), self.files)
        out.path(out.READERS).touch()
        previous, recorded = self.previous or (None, {})
        sums = checksums(self.folder, previous, recorded.get(CHECKSUMS))
        write_json(
            out.path(out.MANIFEST),
            {
                "schema_version": SCHEMA_VERSION,
                "generation": self.folder.name.split(".tmp-")[0],
                "segments": self.segments,
                "next_cid": self.next_cid,
                "documents": documents,
                "places": list(places.gazetteer().places),
                "gazetteer": places.gazetteer().fingerprint,
                "created": time.time(),
                CHECKSUMS: sums,  # integrity.py: what readers and check verify
            },
        )
