"""Keeping the index up to date while the corpus changes (``python -m indexer watch``).

watchdog reports file events as they happen. Saving or copying one file makes
a burst of them (created, modified several times, closed) and a batch copy
makes many bursts, so they are debounced: the reindex runs once no event has
come for ``debounce`` seconds. The reindex is the normal incremental one,
which works out itself what changed; an event only says *something* may have.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from indexer.errors import IndexerError
from indexer.index.build import reindex
from indexer.index.debounce import DEFAULT_DEBOUNCE, Debouncer
from indexer.ingest.corpus import SUPPORTED_SUFFIXES
from indexer.models import ReindexReport

log = logging.getLogger(__name__)

# What can change an article: not "opened" or "closed_no_write" (reads, our
# own included), nor "attrib".
CHANGES = {"created", "modified", "deleted", "moved", "closed"}


def is_change(event: FileSystemEvent, corpus_dir: Path, index_dir: Path) -> bool:
    """Whether ``event`` may change what the index should hold: an article
    file (by suffix) created, changed, deleted or moved, or a folder created,
    deleted or moved (its files may come or go without events of their own).
    Hidden files and folders are skipped as the indexer skips them, which
    also ignores the admin page's temp files; so is the index folder."""
    if event.event_type not in CHANGES:
        return False
    if event.is_directory and event.event_type in ("modified", "closed"):
        return False  # a folder's mtime moving says nothing beyond its files' events
    paths = [Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p]
    return any(
        _in_corpus(p, corpus_dir, index_dir)
        and (event.is_directory or p.suffix.lower() in SUPPORTED_SUFFIXES)
        for p in paths
    )


def _in_corpus(path: Path, corpus_dir: Path, index_dir: Path) -> bool:
    if path.is_relative_to(index_dir) or not path.is_relative_to(corpus_dir):
        return False
    return not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)


class CorpusWatcher:
    """Reindexes ``corpus_dir`` into ``index_dir`` when it changes, until
    :meth:`stop` (from another thread) or Ctrl-C.

    ``on_report`` gets every reindex's report. A failed reindex is logged
    and watching goes on: the next change, or the next burst, tries again.
    """

    def __init__(
        self,
        corpus_dir: str | Path,
        index_dir: str | Path,
        debounce: float = DEFAULT_DEBOUNCE,
        on_report: Callable[[ReindexReport], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if not Path(corpus_dir).is_dir():
            raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
        # Resolved: watchdog reports paths under the folder it was given.
        self.corpus_dir = Path(corpus_dir).resolve()
        self.index_dir = Path(index_dir).resolve()
        self.debouncer = Debouncer(debounce, clock)
        self.on_report = on_report
        self.ready = threading.Event()  # set once watching and the first reindex are done
        self._wake = threading.Event()
        self._stopping = False

    def run(self) -> None:
        """Watch, reindex once to catch up with changes made while nobody
        watched, then reindex after every burst of changes."""
        observer = Observer()
        observer.schedule(_Handler(self), str(self.corpus_dir), recursive=True)
        observer.start()
        try:
            self.reindex_now()
            self.ready.set()
            while not self._stopping:
                self._wake.wait(self.debouncer.remaining())
                self._wake.clear()  # remaining() above already counts any event since
                if self.debouncer.fire():
                    self.reindex_now()
        finally:
            observer.stop()
            observer.join()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def notify(self) -> None:
        """Something changed (called from watchdog's thread)."""
        self.debouncer.touch()
        self._wake.set()

    def reindex_now(self) -> None:
        """One reindex, waiting for any other to finish first."""
        try:
            report = reindex(self.corpus_dir, self.index_dir, wait=True)
        except (IndexerError, OSError) as e:
            log.error("reindex failed (still watching): %s", e)
            return
        except Exception:
            log.exception("reindex failed (still watching)")
            return
        if self.on_report is not None:
            self.on_report(report)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: CorpusWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if is_change(event, self.watcher.corpus_dir, self.watcher.index_dir):
            self.watcher.notify()
