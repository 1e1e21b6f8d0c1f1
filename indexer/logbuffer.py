"""Write-behind for the query log: searches add to counts in memory, and a
background thread writes them to SQLite about once a second, in one short
transaction. A search then never waits for the log file (another process's
write, a slow disk), and a flood of searches costs one write a second.

The counts are bounded: past MAX_PENDING distinct queries in one interval,
further ones are added to the day's "other" count (querylog.OTHER).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

FLUSH_SECONDS = 1.0
MAX_PENDING = 10_000

Key = tuple[str, str]  # (day, query)
Counts = dict[Key, list[int]]  # -> [found, empty]


class PendingCounts:
    """Counts not yet written, and the thread that writes them with
    ``write`` (called with the counts taken; it must not raise)."""

    def __init__(self, write: Callable[[Counts], None], other: str):
        self._write = write
        self._other = other
        self._lock = threading.Lock()
        self._counts: Counts = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._stopped = False

    def add(self, day: str, query: str, found: int, empty: int) -> None:
        """Count a search, to be written within FLUSH_SECONDS."""
        self._check_fork()
        with self._lock:
            key = (day, query)
            if key not in self._counts and len(self._counts) >= MAX_PENDING:
                key = (day, self._other)
            counts = self._counts.setdefault(key, [0, 0])
            counts[0] += found
            counts[1] += empty
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="querylog", daemon=True)
                self._thread.start()

    def flush(self) -> None:
        """Write what is pending now, in the caller's thread."""
        self._check_fork()
        with self._lock:
            counts, self._counts = self._counts, {}
        if counts:
            self._write(counts)

    def stop(self) -> None:
        """Write what is pending and stop the thread."""
        self._stopped = True
        self._wake.set()
        self.flush()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(FLUSH_SECONDS)
            self.flush()

    def _check_fork(self) -> None:
        """A forked child has no writer thread and must not write the
        parent's counts a second time."""
        if self._pid != os.getpid():
            self._pid, self._lock = os.getpid(), threading.Lock()
            self._counts, self._thread = {}, None
