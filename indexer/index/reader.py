"""Reading the index: the live generation, opened once per process and
shared by its threads, and swapped for a newer one after a reindex.

Where generations live and how CURRENT names the live one is store.py's
business; this module opens what it names, once integrity.py finds it whole.
A damaged generation is never switched to: the reader keeps serving the one
it has (or, starting, the newest whole one) and says why in :meth:`status`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from indexer.errors import IndexDamagedError, IndexMissingError
from indexer.index import heap, wordarrays
from indexer.index.chars import CharIndex
from indexer.index.integrity import Verified, damage
from indexer.index.inuse import hold_for_reading
from indexer.index.layout import GenerationFiles
from indexer.index.lru import LRU
from indexer.index.ranking import PostingsCache
from indexer.index.schema import SCHEMA_VERSION
from indexer.index.store import (
    CURRENT,
    published_generations,
    read_json,
    warm_up,
)
from indexer.vocab.lookup import Vocabulary

log = logging.getLogger(__name__)

ANSWERS = 512  # search answers kept per generation, within ANSWERS_BYTES
ANSWERS_BYTES = 16 * 2**20


class Generation:
    """Everything a search needs from one generation, opened once and shared
    by the threads of a process. Whoosh searchers are not thread-safe, so
    each request borrows one from a small pool; a retired generation is
    closed when its last borrower gives its searcher back."""

    def __init__(self, path: Path, manifest: dict):
        self.name = path.name
        self.path = path
        files = GenerationFiles(path)
        # prune leaves it alone until _close
        self._reading = hold_for_reading(files.path(files.READERS), files.path(files.MANIFEST))
        try:
            self._open(files, manifest)
        except BaseException:
            self._release()
            raise

    def _open(self, files: GenerationFiles, manifest: dict) -> None:
        path = files.folder
        self.manifest = manifest
        if self.manifest.get("schema_version") != SCHEMA_VERSION:
            log.warning(
                "%s was built by another version of the indexer (schema %s, expected %s): "
                "results may be incomplete until 'python -m indexer reindex' rebuilds it",
                path,
                self.manifest.get("schema_version"),
                SCHEMA_VERSION,
            )
        self.whoosh = whoosh_index.FileIndex(FileStorage(str(path), readonly=True))
        dead = np.load(files.path(files.DEAD))
        self.chars = CharIndex.open(
            files.chars, self.manifest["segments"], dead, self.manifest["next_cid"]
        )
        self.docmap = np.load(files.path(files.DOCMAP), mmap_mode="r")
        self.field_lengths = np.load(files.path(files.FIELD_LENGTHS), mmap_mode="r")
        self.dates = np.load(files.path(files.DATES), mmap_mode="r")
        if files.path(files.COLUMNS).exists():
            self.columns = np.load(files.path(files.COLUMNS), mmap_mode="r")
            self.column_names = np.load(files.path(files.COLUMN_NAMES)).tolist()
        else:  # built by an older version (warned above): no column filter or facet
            self.columns = np.zeros(len(self.dates), dtype=np.int32)
            self.column_names = [""]
        self.place_names: list[str] = self.manifest.get("places", [])
        if files.path(files.PLACES).exists():
            self.places = np.load(files.path(files.PLACES), mmap_mode="r")
        else:
            self.places = np.zeros(len(self.dates), dtype=np.int32)
        self.postings = PostingsCache(wordarrays.load_all(files))
        # whole answers of the search layer (engine.py), each with its size
        self.answers = LRU(ANSWERS, ANSWERS_BYTES, lambda entry: entry.size)
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_lock = threading.Lock()  # not _lock: borrowing must not wait on a load
        self._lock = threading.Lock()
        self._idle: list[Searcher] = []
        self._borrowed = 0
        self._retired = False

    @property
    def doc_count(self) -> int:
        return int(self.manifest["documents"])

    @property
    def vocabulary(self) -> Vocabulary:
        """The generation's word list with pinyin (vocab.py), for suggestions,
        corrections and pinyin search; read on first use, not at start-up."""
        if self._vocabulary is None:
            with self._vocabulary_lock:
                if self._vocabulary is None:
                    self._vocabulary = Vocabulary.load(self.path)
        return self._vocabulary

    def borrow(self) -> Searcher:
        with self._lock:
            self._borrowed += 1
            if self._idle:
                return self._idle.pop()
        return self.whoosh.searcher()

    def give_back(self, searcher: Searcher) -> None:
        with self._lock:
            self._borrowed -= 1
            self._idle.append(searcher)
            done = self._retired and self._borrowed == 0
        if done:
            self._close()

    def retire(self) -> None:
        """Close now if nobody uses this generation, else when the last
        borrower is done. Calling it again does nothing."""
        with self._lock:
            if self._retired:
                return
            self._retired = True
            done = self._borrowed == 0
        if done:
            self._close()

    def _close(self) -> None:
        for searcher in self._idle:
            searcher.close()
        self._idle.clear()
        self.chars.close()
        self._release()

    def _release(self) -> None:
        if self._reading is not None:
            os.close(self._reading)
            self._reading = None


class DamagedGeneration(Exception):
    """A generation that differs from what its writer published, or that
    cannot be opened; the message says which and why."""


class SearchIndex:
    """The index as a long-lived process sees it: the current generation,
    swapped for a newer one by :meth:`refresh` after a reindex publishes it.
    Shared by all threads of a process."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._verified: Verified = set()  # files this process found whole
        self.problem: str | None = None  # why the current generation is not served
        warm_up(self.index_dir)
        self.generation = self._open_best()
        heap.settle()

    def _open_best(self) -> Generation:
        """The current generation or, when it is damaged, the newest whole one
        before it (so a worker starting after a bad reindex still serves)."""
        self._stamp = self._current_stamp()
        name = self._named()
        if name is None:
            raise IndexMissingError(str(self.index_dir))
        older = [g for g in published_generations(self.index_dir) if g < name]
        problem = None
        for candidate in [name, *reversed(older)]:
            try:
                generation = self._open_checked(candidate)
            except DamagedGeneration as e:
                problem = problem or str(e)
                continue
            self.problem = problem
            return generation
        raise IndexDamagedError(str(self.index_dir), problem or name)

    def _open_checked(self, name: str) -> Generation:
        """Open generation ``name`` if it is whole; DamagedGeneration if not."""
        path = self.index_dir / name
        try:
            manifest = read_json(GenerationFiles(path).path(GenerationFiles.MANIFEST))
            problems = damage(path, manifest, self._verified)
            if not problems:
                return Generation(path, manifest)
        except Exception as e:  # a damaged file can fail to load in any way
            problems = [f"cannot be opened: {type(e).__name__}: {e}"]
        reason = f"{name} is damaged: {'; '.join(problems[:3])}"
        if len(problems) > 3:
            reason += f" (and {len(problems) - 3} more)"
        log.error("%s; not serving it (run 'python -m indexer check')", reason)
        raise DamagedGeneration(reason)

    def _named(self) -> str | None:
        """The generation CURRENT names, whole or not (a folder without its
        manifest is damaged, not missing: an older one may still serve)."""
        try:
            name = (self.index_dir / CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name if name and (self.index_dir / name).is_dir() else None

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.index_dir / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def refresh(self) -> bool:
        """Switch to a newer generation if one was published and is whole;
        one stat() when nothing changed. Returns True when it switched."""
        if self._current_stamp() == self._stamp:
            return False
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            name = self._named()
            if name is None or name == self.generation.name:
                self.problem = None if name else self.problem
                return False
            try:
                new = self._open_checked(name)
            except DamagedGeneration as e:
                self.problem = f"{e}; serving {self.generation.name}"
                return False
            old, self.generation, self.problem = self.generation, new, None
        old.retire()
        heap.settle()
        return True

    def status(self) -> dict:
        """For health checks: ``ok``, or ``degraded`` with the reason when a
        newer generation is damaged and an older one is served."""
        state = {
            "status": "degraded" if self.problem else "ok",
            "generation": self.generation.name,
            "documents": self.doc_count,
        }
        return state | ({"problem": self.problem} if self.problem else {})

    @property
    def doc_count(self) -> int:
        return self.generation.doc_count

    @contextmanager
    def searcher(self) -> Iterator[tuple[Generation, Searcher]]:
        """(generation, Whoosh searcher) consistent with each other."""
        gen = self.generation
        searcher = gen.borrow()
        try:
            yield gen, searcher
        finally:
            gen.give_back(searcher)

    def close(self) -> None:
        """Close the files of the current generation once no search uses them."""
        self.generation.retire()

    def __del__(self) -> None:
        # An index dropped without close() must not leave Whoosh's files open.
        generation = getattr(self, "generation", None)
        if generation is not None:
            generation.retire()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(index_dir: str | Path) -> SearchIndex:
    """Open the index in ``index_dir`` for searching (IndexMissingError if none)."""
    return SearchIndex(index_dir)
