"""What the admin login remembers across worker processes, in one small
SQLite file under the instance folder (ADMIN_STATE_DB): failed token
attempts per client address, and the sessions ended by logging out.

Both must be shared: with five workers, a limit kept in each worker's memory
allowed five times the tries, and a logged-out session cookie (signed, so
still valid) opened /admin on every worker for hours. Admin requests are
rare, so each call opens the file, does one short transaction and closes
it: nothing to carry across a fork.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

BUSY_TIMEOUT = 5.0  # seconds; admin requests may wait for another worker's write
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS failures (address TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS failures_by_address ON failures (address, at)",
    "CREATE TABLE IF NOT EXISTS revoked (sid TEXT PRIMARY KEY, until REAL NOT NULL)",
)


class AuthStore:
    """The file at ``path`` (":memory:": this object only, for tests)."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time):
        self.path, self.clock = str(path), clock
        self._memory: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if self.path == ":memory:":
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._run(lambda db: None)

    def _run(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            if self._memory is not None:
                return self._transaction(self._memory, fn)
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            with closing(db):
                return self._transaction(db, fn)

    @staticmethod
    def _transaction(db: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        db.isolation_level = None
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            result = fn(db)
            db.execute("COMMIT")
            return result
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # --- ended sessions

    def revoke(self, sid: str, until: float) -> None:
        """Refuse session ``sid`` from now on (it would expire at ``until``)."""
        sql = "INSERT OR REPLACE INTO revoked (sid, until) VALUES (?, ?)"
        self._run(lambda db: db.execute(sql, (sid, until)))

    def is_revoked(self, sid: str) -> bool:
        def check(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM revoked WHERE until < ?", (self.clock(),))
            return db.execute("SELECT 1 FROM revoked WHERE sid = ?", (sid,)).fetchone() is not None

        return bool(self._run(check))


class FailureLimiter:
    """Failed token attempts per client address in a sliding time window,
    counted in an AuthStore, so all workers share one limit."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.time,
        store: AuthStore | None = None,
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self.store = store or AuthStore(":memory:", clock)

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        now = self.clock()

        def recent(db: sqlite3.Connection) -> list[float]:
            db.execute("DELETE FROM failures WHERE at <= ?", (now - self.window,))
            sql = "SELECT at FROM failures WHERE address = ? ORDER BY at"
            return [row[0] for row in db.execute(sql, (key,))]

        times = self.store._run(recent)
        if len(times) < self.limit:
            return 0
        return max(1, math.ceil(times[-self.limit] + self.window - now))

    def fail(self, key: str) -> None:
        sql = "INSERT INTO failures (address, at) VALUES (?, ?)"
        self.store._run(lambda db: db.execute(sql, (key, self.clock())))

    def clear(self, key: str) -> None:
        self.store._run(lambda db: db.execute("DELETE FROM failures WHERE address = ?", (key,)))
