"""A local log of what people search for: hot searches for the home page,
queries that found nothing for the editors' synonym work.

Only aggregates are stored, so there is nothing personal to leak or delete:
per UTC day and normalised query, how many searches found results and how many
found none. No IP, user agent, cookie, session or time of day.

Each index has its own log (:func:`log_beside`), so a demo's or a test's
queries never show as hot searches on the real site. A reader who repeats a
search the same day counts once (:class:`OncePerDay`): what identifies them
is hashed with a random salt that lives in memory for one day only.

Hot searches are shown to every visitor, so editors can hide a query from
them (:meth:`QueryLog.hide`): anyone can search for anything, and a few
searches for an insult must not put it on a government home page.

Logging must never cost a search: counts are written behind it (logbuffer.py)
and every storage failure is logged as a warning, never raised. A day keeps
at most MAX_ROWS_PER_DAY queries (then one OTHER row), read by primary key.
Each process has one connection, shared by its threads under a lock; a process
forked from one that had the log open opens its own (SQLite connections must
not cross a fork).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from indexer.logbuffer import Counts, PendingCounts

log = logging.getLogger(__name__)

LOG_SUFFIX = ".querylog.sqlite"  # the log of index folder X is X.querylog.sqlite beside it
MAX_LOGGED_CHARS = 100  # longer queries are pasted text, not searches worth counting
MAX_HOT_CHARS = 30  # the home page shows hot searches as links
KEEP_DAYS = 90
MAX_ROWS_PER_DAY = 1_000  # distinct queries kept a day; the rest count as OTHER
OTHER = ""  # the row of a full day's further queries (no query normalises to "")
BUSY_TIMEOUT = 2.0  # seconds a write waits for another process; searches wait on it

_SPACE = re.compile(r"\s+")
_SCHEMA = """CREATE TABLE IF NOT EXISTS searches (
    day TEXT NOT NULL, query TEXT NOT NULL,
    found INTEGER NOT NULL DEFAULT 0, empty INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, query)) WITHOUT ROWID"""
_UPSERT = """INSERT INTO searches (day, query, found, empty) VALUES (?, ?, ?, ?)
    ON CONFLICT (day, query) DO UPDATE
    SET found = found + excluded.found, empty = empty + excluded.empty"""
_ADD = "UPDATE searches SET found = found + ?, empty = empty + ? WHERE day = ? AND query = ?"
_ROWS = "SELECT count(*) FROM searches WHERE day = ?"
_HIDDEN_SCHEMA = "CREATE TABLE IF NOT EXISTS hidden (query TEXT PRIMARY KEY) WITHOUT ROWID"
# Connections inherited across a fork: closing one in the child could disturb
# the parent's locks, so they are kept referenced and never touched again.
_inherited: list[sqlite3.Connection] = []

T = TypeVar("T")


def normalize_query(query: str) -> str | None:
    """The form a query is counted under, so that full-width, spacing and case
    variants add up; None for queries not worth logging (empty, too long)."""
    q = _SPACE.sub(" ", unicodedata.normalize("NFKC", query)).strip().lower()
    return q if 0 < len(q) <= MAX_LOGGED_CHARS else None


def log_beside(index_dir: str | Path) -> Path:
    """Where the query log of the index in ``index_dir`` lives: a file beside
    the folder (not inside it, where only generations belong)."""
    folder = Path(index_dir)
    return folder.with_name(folder.name + LOG_SUFFIX)


class OncePerDay:
    """Remembers, for the current UTC day only, which (client, query) pairs
    were already counted, so a reader repeating a search (reloads, back and
    forth, a double click) adds one search, not many.

    Only salted hashes are kept, in memory: the salt is drawn afresh each
    day and never stored, so yesterday's entries cannot be linked to anyone,
    even by whoever holds the process's memory later. ``limit`` bounds the
    memory; past it, further searches that day are not counted (a flood of
    distinct searches must not buy a place in the hot list either)."""

    def __init__(self, limit: int = 200_000):
        self.limit = limit
        self._lock = threading.Lock()
        self._day: date | None = None
        self._salt = b""
        self._seen: set[bytes] = set()

    def first(self, client: str, query: str, day: date | None = None) -> bool:
        """True the first time ``client`` searches ``query`` on ``day``
        (default today, UTC), False for repeats and when the day is full."""
        day = _day(day)
        with self._lock:
            if day != self._day:
                self._day, self._salt, self._seen = day, secrets.token_bytes(16), set()
            key = hashlib.blake2b(
                f"{client}\n{query}".encode("utf-8", "replace"), key=self._salt, digest_size=16
            ).digest()
            if key in self._seen or len(self._seen) >= self.limit:
                return False
            self._seen.add(key)
            return True


def _day(d: date | None) -> date:
    """``d`` (default: today in UTC) as a plain date: a datetime passed by
    mistake must not store its time of day."""
    d = d or datetime.now(UTC)
    return date(d.year, d.month, d.day)


def _window(days: int, today: date | None) -> tuple[str, str]:
    """First and last day of the ``days`` days up to ``today``, as stored."""
    last = _day(today)
    return (last - timedelta(days=days - 1)).isoformat(), last.isoformat()


class QueryLog:
    """Search counts in the SQLite file at ``path``; safe to share between
    threads, and several processes may open the same file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._pending = PendingCounts(self._write_counts, OTHER)
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._db: sqlite3.Connection | None = None
        self._closed = False
        self._pruned_on: str | None = None  # the day this process last pruned for
        try:  # the schema now, but no connection left open for a fork to copy
            self._connect().close()
        except (sqlite3.Error, OSError) as e:
            self._warn(e)

    def record(self, query: str, results: int, day: date | None = None) -> None:
        """Count one search for ``query`` that found ``results`` articles;
        prunes old days the first time each day is recorded in this process."""
        q = normalize_query(query)
        if q is None:
            return
        found = 1 if results > 0 else 0
        self._pending.add(_day(day).isoformat(), q, found, 1 - found)

    def flush(self) -> None:
        """Write the counts recorded so far (else within a second)."""
        self._pending.flush()

    def _write_counts(self, counts: Counts) -> None:
        """One transaction for a second's searches; a new query gets a row
        while its day has fewer than MAX_ROWS_PER_DAY, else counts as OTHER."""

        def write(db: sqlite3.Connection) -> None:
            rows: dict[str, int] = {}  # day -> rows it has
            db.execute("BEGIN IMMEDIATE")
            try:
                for (day, q), (found, empty) in counts.items():
                    if not db.execute(_ADD, (found, empty, day, q)).rowcount:
                        if day not in rows:
                            rows[day] = db.execute(_ROWS, (day,)).fetchone()[0]
                        full = rows[day] >= MAX_ROWS_PER_DAY
                        rows[day] += 0 if full else 1
                        db.execute(_UPSERT, (day, OTHER if full else q, found, empty))
                    if self._pruned_on != day:  # the first count of a day prunes
                        self._prune(db, KEEP_DAYS, date.fromisoformat(day))
                        self._pruned_on = day
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        self._run(write, None)

    def hot(
        self, days: int = 7, limit: int = 10, min_count: int = 2, today: date | None = None
    ) -> list[tuple[str, int]]:
        """The queries most often searched with results in the last ``days``
        days (today included): (query, searches), most first, ties by text."""
        self.flush()
        sql = """SELECT query, SUM(found) AS n FROM searches
            WHERE day BETWEEN ? AND ? AND length(query) <= ? AND query <> ?
            AND query NOT IN (SELECT query FROM hidden)
            GROUP BY query HAVING n >= ? ORDER BY n DESC, query LIMIT ?"""
        args = (*_window(days, today), MAX_HOT_CHARS, OTHER, max(min_count, 1), limit)
        return self._run(lambda db: db.execute(sql, args).fetchall(), [])

    def zero_results(
        self, days: int = 30, limit: int = 50, today: date | None = None
    ) -> list[tuple[str, int, str]]:
        """Queries that found nothing in the last ``days`` days: (query,
        searches that found nothing, last such day), most frequent first."""
        self.flush()
        sql = """SELECT query, SUM(empty) AS n, MAX(day) AS last FROM searches
            WHERE day BETWEEN ? AND ? AND empty > 0 AND query <> ?
            GROUP BY query ORDER BY n DESC, last DESC, query LIMIT ?"""
        args = (*_window(days, today), OTHER, limit)
        return self._run(lambda db: db.execute(sql, args).fetchall(), [])

    def hide(self, query: str) -> bool:
        """Never show ``query`` as a hot search (an editor's decision);
        False if it could not be recorded."""
        q = normalize_query(query)
        sql = "INSERT OR IGNORE INTO hidden (query) VALUES (?)"
        return q is not None and self._run(lambda db: db.execute(sql, (q,)) is not None, False)

    def unhide(self, query: str) -> bool:
        """Let ``query`` show as a hot search again."""
        q = normalize_query(query) or ""
        sql = "DELETE FROM hidden WHERE query = ?"
        return self._run(lambda db: db.execute(sql, (q,)).rowcount > 0, False)

    def hidden(self) -> list[str]:
        """The queries editors hid from the hot searches, by text."""
        sql = "SELECT query FROM hidden ORDER BY query"
        return self._run(lambda db: [row[0] for row in db.execute(sql)], [])

    def prune(self, keep_days: int = KEEP_DAYS, today: date | None = None) -> int:
        """Delete all but the last ``keep_days`` days; the number of rows removed."""
        self.flush()
        return self._run(lambda db: self._prune(db, keep_days, _day(today)), 0)

    def close(self) -> None:
        """Write what is pending, close this process's connection; later
        calls do nothing."""
        self._pending.stop()
        self._check_fork()
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> QueryLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _prune(db: sqlite3.Connection, keep_days: int, today: date) -> int:
        first_kept = (today - timedelta(days=keep_days - 1)).isoformat()
        return db.execute("DELETE FROM searches WHERE day < ?", (first_kept,)).rowcount

    def _run(self, fn: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``fn`` on this process's connection, or ``default`` with a warning
        if the file cannot be used."""
        self._check_fork()
        try:
            with self._lock:
                if self._closed:
                    return default
                if self._db is None:
                    self._db = self._connect()
                return fn(self._db)
        except (sqlite3.Error, OSError) as e:
            self._warn(e)
            return default

    def _warn(self, e: Exception) -> None:
        log.warning("query log %s unusable, search goes on: %s", self.path, e)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: every statement is its own short transaction.
        db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            db.execute("PRAGMA synchronous=NORMAL")  # a lost last count is fine
            db.execute(_SCHEMA)
            db.execute(_HIDDEN_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def _check_fork(self) -> None:
        """In a forked child, drop the parent's connection and lock (which may
        have been held at the fork) and start afresh."""
        if self._pid == os.getpid():
            return
        if self._db is not None:
            _inherited.append(self._db)
        self._db, self._lock, self._pid = None, threading.Lock(), os.getpid()
