"""Writing crawled pages into the corpus so that a crawl killed at any moment
leaves no half-written file: each page is written to a hidden temporary file
in its folder (the corpus walk skips hidden files), flushed to disk, then
renamed over the old one in one step. Also the lock that keeps two crawls
(cron and the admin page, say) off one corpus at once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import IndexerError

STATE_FOLDER = ".crawl"  # in the corpus: hidden, so never read as articles
STATE_FILE = "state.sqlite"
LOCK_FILE = "lock"
_TMP_MARK = ".tmp-"


class CrawlError(IndexerError):
    """A crawl that cannot go on: the corpus cannot be written, say."""


class CrawlBusyError(CrawlError):
    """Another crawl of the same corpus is running."""


def state_dir(corpus_dir: Path) -> Path:
    """Where a corpus keeps its crawl state: ``<corpus>/.crawl``."""
    return Path(corpus_dir) / STATE_FOLDER


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, after the bytes are on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{_TMP_MARK}{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def remove_file(path: Path) -> bool:
    """Delete ``path`` if it is there; whether it was."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files a killed crawl left under ``folder``."""
    if folder.is_dir():
        for tmp in folder.rglob(f".*{_TMP_MARK}*"):
            remove_file(tmp)


@contextmanager
def crawl_lock(corpus_dir: Path) -> Iterator[None]:
    """Hold the corpus's crawl lock, or raise CrawlBusyError at once.

    An OS file lock, so it is released when the process ends however it ends
    (a SIGKILL included) and a restarted crawl never finds a stale lock.
    """
    folder = state_dir(corpus_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise CrawlBusyError(f"a crawl of {corpus_dir} is already running") from e
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
