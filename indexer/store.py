"""Index generations on disk: how readers find the current one and how a
writer publishes a new one atomically.

Layout of an index folder::

    CURRENT            name of the live generation, replaced with os.replace
    g000007/           one complete, immutable generation:
        MAIN_*.toc ... Whoosh's files (word fields, stored fields)
        chars/         the character index segments (chars.py)
        manifest.json  schema version, character segments, next cid
        docmap.npy     cid -> Whoosh document number
        dead.npy       cids of deleted or replaced articles
        files.json     per corpus file: size, mtime, sha256, ids, cids
    writer.lock        held (flock) by the one running reindex
    g000008.tmp-123/   a generation being built; removed if its writer died

A reader never sees a half-built generation: a new one is written beside the
old one (unchanged files hard-linked, never rewritten), fsynced, renamed into
place, and only then named in CURRENT. A killed writer leaves at most a
``.tmp-`` folder, cleared by the next reindex; its flock dies with it, so there
is no stale lock to clear by hand.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.analysis import setup_jieba
from indexer.chars import CharIndex
from indexer.errors import IndexBusyError, IndexMissingError
from indexer.ranking import PostingsCache
from indexer.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = "writer.lock"
MANIFEST = "manifest.json"
FILES = "files.json"
KEEP_GENERATIONS = 3


def current_generation(index_dir: Path) -> str | None:
    """Name of the live generation folder, or None when there is none."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if name and (index_dir / name / MANIFEST).exists() else None


def index_exists(index_dir: str | Path) -> bool:
    return current_generation(Path(index_dir)) is not None


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        f.flush()
        os.fsync(f.fileno())


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder below ``folder`` to disk (power-cut safety)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Writer-lock descriptors this process holds. flock belongs to the open file,
# which fork() shares: a process forked during a reindex (Whoosh's writer
# processes, see build.py) would hold the lock too, and if the reindex is
# killed those workers wait on their job queue forever, so every later
# reindex would be refused as busy. Forked children therefore close their copy
# at once and (on Linux) are killed along with the reindex that forked them.
_held_locks: dict[int, int] = {}  # descriptor -> pid of the process that took the lock


def _after_fork_in_child() -> None:
    if not _held_locks:
        return
    parent = next(iter(_held_locks.values()))
    for fd in _held_locks:
        try:
            os.close(fd)  # drops this process's reference, not the parent's lock
        except OSError:
            pass
    _held_locks.clear()
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this forked process when ``parent`` dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def writer_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the index's one writer lock; raise IndexBusyError if another
    reindex holds it and ``wait`` is False. The kernel drops the lock when its
    holder dies, so a crashed reindex never blocks the next one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise IndexBusyError(
                    f"another reindex is running on {index_dir}; try again when it finishes"
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _held_locks[fd] = os.getpid()
        yield
    finally:
        _held_locks.pop(fd, None)
        os.close(fd)  # closing releases the flock


def remove_stale(index_dir: Path) -> list[str]:
    """Delete generations left by writers that died: half-built ``.tmp-``
    folders, and complete ones renamed into place but never named in CURRENT
    (killed between the two steps of :func:`publish`), whose name the next
    generation needs. No reader can have opened either. Call only while
    holding the writer lock."""
    live = generation_number(current_generation(index_dir))
    removed = []
    for p in sorted(index_dir.glob("g*")):
        unpublished = p.name[1:].isdigit() and int(p.name[1:]) > live
        if p.is_dir() and (".tmp-" in p.name or unpublished):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


def publish(index_dir: Path, tmp: Path, name: str) -> None:
    """Make the generation built in ``tmp`` the live one, atomically."""
    fsync_tree(tmp)
    final = index_dir / name
    os.rename(tmp, final)
    pointer = index_dir / f"{CURRENT}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    with open(pointer, "rb") as f:
        os.fsync(f.fileno())
    os.replace(pointer, index_dir / CURRENT)
    fsync_dir(index_dir)


def prune(index_dir: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Remove all but the newest ``keep`` generations. Readers that still hold
    an older one keep their open files (POSIX), and refresh on the next request."""
    gens = sorted(p for p in index_dir.glob("g[0-9]*") if p.is_dir() and ".tmp-" not in p.name)
    for p in gens[:-keep]:
        shutil.rmtree(p, ignore_errors=True)


def generation_number(name: str | None) -> int:
    return int(name[1:]) if name else 0


def generation_name(number: int) -> str:
    return f"g{number:06d}"


class Generation:
    """Everything a search needs from one generation, opened once and shared
    by the threads of a process. Whoosh searchers are not thread-safe, so
    each request borrows one from a small pool; a retired generation is
    closed when its last borrower gives its searcher back."""

    def __init__(self, path: Path):
        self.name = path.name
        self.path = path
        self.manifest: dict = read_json(path / MANIFEST)
        if self.manifest.get("schema_version") != SCHEMA_VERSION:
            log.warning(
                "%s was built by another version of the indexer (schema %s, expected %s): "
                "results may be incomplete until 'python -m indexer reindex' rebuilds it",
                path,
                self.manifest.get("schema_version"),
                SCHEMA_VERSION,
            )
        self.whoosh = whoosh_index.FileIndex(FileStorage(str(path), readonly=True))
        dead = np.load(path / "dead.npy")
        self.chars = CharIndex.open(
            path / "chars", self.manifest["segments"], dead, self.manifest["next_cid"]
        )
        self.docmap = np.load(path / "docmap.npy", mmap_mode="r")
        self.field_lengths = np.load(path / "field_lengths.npy", mmap_mode="r")
        self.dates = np.load(path / "dates.npy", mmap_mode="r")
        self.postings = PostingsCache()
        self._lock = threading.Lock()
        self._idle: list[Any] = []
        self._borrowed = 0
        self._retired = False

    @property
    def doc_count(self) -> int:
        return int(self.manifest["documents"])

    def borrow(self) -> Any:
        with self._lock:
            self._borrowed += 1
            if self._idle:
                return self._idle.pop()
        return self.whoosh.searcher()

    def give_back(self, searcher: Any) -> None:
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


class SearchIndex:
    """The index as a long-lived process sees it: the current generation,
    swapped for a newer one by :meth:`refresh` after a reindex publishes it.
    Shared by all threads of a process."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        setup_jieba(self.index_dir / "cache")
        self.generation = self._open_current()

    def _open_current(self) -> Generation:
        name = current_generation(self.index_dir)
        if name is None:
            raise IndexMissingError(str(self.index_dir))
        self._stamp = self._current_stamp()
        return Generation(self.index_dir / name)

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.index_dir / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def refresh(self) -> bool:
        """Switch to a newer generation if one was published; one stat() when
        nothing changed. Returns True when it switched."""
        if self._current_stamp() == self._stamp:
            return False
        with self._lock:
            if self._current_stamp() == self._stamp:
                return False
            name = current_generation(self.index_dir)
            if name is None or name == self.generation.name:
                self._stamp = self._current_stamp()
                return False
            old, self.generation = self.generation, self._open_current()
        old.retire()
        return True

    @property
    def doc_count(self) -> int:
        return self.generation.doc_count

    @contextmanager
    def searcher(self) -> Iterator[tuple[Generation, Any]]:
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
