"""Telling when a burst of file events is over, for ``watch``.

Apart from watch.py, which imports watchdog and the reindex, so the command
line can show the default without loading the indexing side.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_DEBOUNCE = 2.0  # seconds without events before the watcher reindexes


class Debouncer:
    """Tells when a burst of events is over: ``fire()`` is true once ``delay``
    seconds have passed since the last ``touch()``. The clock is injectable,
    so tests step time instead of sleeping."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic):
        self.delay = delay
        self.clock = clock
        self._last: float | None = None  # time of the last event not yet acted on
        self._lock = threading.Lock()  # touched from watchdog's thread

    def touch(self) -> None:
        with self._lock:
            self._last = self.clock()

    def remaining(self) -> float | None:
        """Seconds until the burst counts as over; None when nothing is pending."""
        with self._lock:
            if self._last is None:
                return None
            return max(0.0, self._last + self.delay - self.clock())

    def fire(self) -> bool:
        """True, once, when the burst is over; then nothing is pending."""
        with self._lock:
            if self._last is None or self.clock() - self._last < self.delay:
                return False
            self._last = None
            return True
