"""The crawl state, in SQLite: what the crawler knows about every URL between
crawls (validators, content hash, where it is saved, first and last seen),
and the queue of the crawl in progress.

Each URL is finished in one transaction (its row, the links it adds to the
queue, the running totals), after its file is renamed into place. A crawl
killed at any point therefore restarts at the first URL not finished; redoing
that one URL rewrites the same file, so nothing is lost or doubled.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,          -- article, list, feed, attachment, other
    status TEXT NOT NULL,        -- ok, gone, error
    etag TEXT, last_modified TEXT, hash TEXT,
    path TEXT,                   -- corpus file of an article
    links TEXT,                  -- JSON: what a list page links (queued again on a 304)
    attachments TEXT,            -- JSON: [name, url] of an article's attachments
    text TEXT,                   -- an attachment's extracted text
    error TEXT,
    first_seen REAL, last_seen REAL
);
CREATE TABLE IF NOT EXISTS runs (
    site TEXT PRIMARY KEY, started REAL, finished REAL, totals TEXT
);
CREATE TABLE IF NOT EXISTS queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL, url TEXT NOT NULL, pattern TEXT NOT NULL, done INTEGER DEFAULT 0,
    UNIQUE (site, url)
);
-- the next URL and a pattern's count without reading the whole queue (100,000
-- known pages are queued when all are revalidated)
CREATE INDEX IF NOT EXISTS queue_next ON queue (site, done, seq);
CREATE INDEX IF NOT EXISTS queue_pattern ON queue (site, pattern);
"""


@dataclass
class Page:
    """What the state knows about one URL."""

    url: str
    site: str
    kind: str = "other"
    status: str = "ok"
    etag: str | None = None
    last_modified: str | None = None
    hash: str | None = None
    path: str | None = None
    links: list[str] = field(default_factory=list)
    attachments: list[list[str]] = field(default_factory=list)
    text: str | None = None
    error: str | None = None
    first_seen: float | None = None
    last_seen: float | None = None


@dataclass(frozen=True)
class Known:
    """The little a crawl needs to decide whether a known URL is worth a request."""

    kind: str
    status: str
    last_seen: float  # when it was last fetched or found unchanged (0: never)


_COLUMNS = tuple(Page.__dataclass_fields__)
_BATCH = 500  # URLs per query (SQLite allows 999 parameters in older builds)
_JSON = ("links", "attachments")


class CrawlState:
    """The state database of one corpus (``<corpus>/.crawl/state.sqlite``)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def page(self, url: str) -> Page | None:
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM pages WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return None
        values = dict(zip(_COLUMNS, row, strict=True))
        for name in _JSON:
            values[name] = json.loads(values[name] or "[]")
        return Page(**values)

    def due(self, site: str, limit: int) -> list[str]:
        """The ``limit`` known pages (articles, lists, feeds, redirects)
        checked longest ago, to revalidate in a new crawl; every one with a
        negative limit (REVALIDATE_ALL)."""
        rows = self.db.execute(
            "SELECT url FROM pages WHERE site = ? AND status = 'ok'"
            " AND kind IN ('article', 'list', 'feed', 'alias') ORDER BY last_seen, url LIMIT ?",
            (site, limit),
        )
        return [url for (url,) in rows]

    def known(self, urls: list[str], resolve: bool = True) -> dict[str, Known]:
        """What the state knows of each of ``urls`` it has a row for; an
        alias (a redirect, a page naming another as canonical) is known as
        the page it stands for (one step: an alias of an alias stays one)."""
        found: dict[str, Known] = {}
        aliases: dict[str, str] = {}
        for start in range(0, len(urls), _BATCH):
            batch = urls[start : start + _BATCH]
            rows = self.db.execute(
                "SELECT url, kind, status, last_seen, links FROM pages"
                f" WHERE url IN ({', '.join('?' * len(batch))})",
                batch,
            )
            for url, kind, status, last_seen, links in rows:
                targets = json.loads(links or "[]") if kind == "alias" else []
                if targets and resolve:
                    aliases[url] = targets[0]
                found[url] = Known(kind, status, last_seen or 0.0)
        targets = self.known(list(set(aliases.values())), resolve=False) if aliases else {}
        for url, target in aliases.items():
            found[url] = targets.get(target) or Known("other", "ok", 0.0)
        return found

    # --- the crawl in progress ------------------------------------------------

    def resume(self, site: str) -> bool:
        """Whether a crawl of ``site`` was left unfinished (then it goes on)."""
        row = self.db.execute("SELECT finished FROM runs WHERE site = ?", (site,)).fetchone()
        return row is not None and row[0] is None

    def begin(self, site: str, seeds: list[tuple[str, str]]) -> None:
        """Start a new crawl of ``site`` with ``seeds`` [(url, pattern)] queued."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM queue WHERE site = ?", (site,))
            self.db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, NULL, '{}')", (site, time.time())
            )
            self._enqueue(site, seeds)

    def next_url(self, site: str) -> str | None:
        row = self.db.execute(
            "SELECT url FROM queue WHERE site = ? AND done = 0 ORDER BY seq LIMIT 1", (site,)
        ).fetchone()
        return row[0] if row else None

    def is_done(self, site: str, url: str) -> bool:
        """Whether the crawl in progress has visited ``url`` already."""
        row = self.db.execute(
            "SELECT done FROM queue WHERE site = ? AND url = ?", (site, url)
        ).fetchone()
        return bool(row and row[0])

    def pattern_count(self, site: str, pattern: str) -> int:
        (count,) = self.db.execute(
            "SELECT COUNT(*) FROM queue WHERE site = ? AND pattern = ?", (site, pattern)
        ).fetchone()
        return count

    def queued(self, site: str) -> tuple[int, int]:
        """(done, all) URLs of the crawl in progress, for the progress bar."""
        done, total = self.db.execute(
            "SELECT COALESCE(SUM(done), 0), COUNT(*) FROM queue WHERE site = ?", (site,)
        ).fetchone()
        return done, total

    def finish(
        self,
        site: str,
        done: list[str],
        pages: list[Page],
        links: list[tuple[str, str]],
        totals: dict,
    ) -> None:
        """Record URLs done (the one visited, and where it redirected), in
        one transaction: its pages' rows, the links it queues [(url, pattern)]
        and the crawl's running totals."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN")
            for page in pages:
                self._save(page, now)
            self._enqueue(site, [(url, "") for url in done])
            self.db.executemany(
                "UPDATE queue SET done = 1 WHERE site = ? AND url = ?", [(site, u) for u in done]
            )
            self._enqueue(site, links)
            self.db.execute("UPDATE runs SET totals = ? WHERE site = ?", (json.dumps(totals), site))

    def totals(self, site: str) -> dict:
        row = self.db.execute("SELECT totals FROM runs WHERE site = ?", (site,)).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def close_run(self, site: str) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("UPDATE runs SET finished = ? WHERE site = ?", (time.time(), site))
            self.db.execute("DELETE FROM queue WHERE site = ?", (site,))

    def _enqueue(self, site: str, links: list[tuple[str, str]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO queue (site, url, pattern) VALUES (?, ?, ?)",
            [(site, url, pattern) for url, pattern in links],
        )

    def _save(self, page: Page, now: float) -> None:
        old = self.db.execute("SELECT first_seen FROM pages WHERE url = ?", (page.url,)).fetchone()
        page.first_seen = old[0] if old and old[0] else now
        if page.status == "ok":
            page.last_seen = now
        values = [getattr(page, c) for c in _COLUMNS]
        for i, name in enumerate(_COLUMNS):
            if name in _JSON:
                values[i] = json.dumps(values[i], ensure_ascii=False)
        marks = ", ".join("?" * len(_COLUMNS))
        names = ", ".join(_COLUMNS)
        self.db.execute(f"INSERT OR REPLACE INTO pages ({names}) VALUES ({marks})", values)
