"""Index generations on disk: how readers find the current one and how a
writer publishes a new one atomically. Opening a generation for searching is
reader.py's job.

Layout of an index folder (every name is :class:`GenerationFiles`' or
this module's)::

    CURRENT            name of the live generation, replaced with os.replace
    cache/             jieba's dictionary cache (analysis.setup_jieba)
    g000007/           one complete, immutable generation (GenerationFiles)
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
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson

from indexer.analysis import setup_jieba
from indexer.errors import IndexBusyError
from indexer.index.inuse import unused
from indexer.index.layout import GenerationFiles

CURRENT = "CURRENT"
LOCK = "writer.lock"
JIEBA_CACHE = "cache"
KEEP_GENERATIONS = 3


def jieba_cache_dir(index_dir: str | Path) -> Path:
    """Where jieba keeps its dictionary cache: in the index folder, so every
    process using one index (reindex, watch, the web app) shares one cache."""
    return Path(index_dir) / JIEBA_CACHE


def warm_up(index_dir: str | Path) -> None:
    """Load jieba once per process, its cache in the index's folder: the
    one call that decides where (reindex, open_index and the app all make it)."""
    setup_jieba(jieba_cache_dir(index_dir))


def current_generation(index_dir: Path) -> str | None:
    """Name of the live generation folder, or None when there is none."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if name and (index_dir / name / GenerationFiles.MANIFEST).exists() else None


def index_exists(index_dir: str | Path) -> bool:
    return current_generation(Path(index_dir)) is not None


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())  # files.json: 18 MB at 100,000 articles


def write_json(path: Path, data: Any) -> None:
    with open(path, "wb") as f:
        f.write(orjson.dumps(data))
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
# processes, see build.py) would hold the lock too, and if the reindex is killed
# those workers wait on their job queue forever, so every later reindex would be
# refused as busy: forked children close their copy and die with the reindex.
_held_locks: dict[int, int] = {}  # descriptor -> pid of the process that took the lock


def _after_fork_in_child() -> None:
    if not _held_locks:
        return
    parent = next(iter(_held_locks.values()))
    for fd in _held_locks:
        with suppress(OSError):
            os.close(fd)  # drops this process's reference, not the parent's lock
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


def prune(index_dir: Path, keep: int = KEEP_GENERATIONS) -> list[str]:
    """Remove all but the newest ``keep`` generations but those still read."""
    removed = []
    for name in published_generations(index_dir)[:-keep]:
        with unused(index_dir / name / GenerationFiles.READERS) as unused_now:
            if unused_now:
                shutil.rmtree(index_dir / name, ignore_errors=True)
                removed.append(name)
    return removed


def generation_number(name: str | None) -> int:
    return int(name[1:]) if name else 0


def generation_name(number: int) -> str:
    return f"g{number:06d}"


def published_generations(index_dir: Path) -> list[str]:
    """Names of the generation folders renamed into place, oldest first."""
    return sorted(p.name for p in index_dir.glob("g[0-9]*") if ".tmp-" not in p.name)
