"""SQLite FTS5 with the trigram tokenizer: the "no Chinese segmentation at all" rival.

Trigram indexes find any substring of three characters or more exactly, with
no dictionary, which is the behaviour our engine promises for phrases. Two-
character words (党建, 乡村) have no trigram, so FTS5 users fall back to
``LIKE '%x%'`` on the content table, a full scan; we do the same, so the
figures show what that costs. Ranking is bm25; snippets come from
``snippet()``, or from a Python window around the first match on the LIKE path.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

from articles import iter_articles

from engines import TOP

MIN_TRIGRAM_VERSION = (3, 34, 0)
UNAVAILABLE = (
    None
    if sqlite3.sqlite_version_info >= MIN_TRIGRAM_VERSION
    else f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer (needs 3.34)"
)
DB_NAME = "fts5.db"
WINDOW = 40  # characters either side of a match in a LIKE-path snippet
SNIPPET_SQL = "snippet(docs_fts, -1, '<mark>', '</mark>', '…', 24)"

SCHEMA = """
CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, title TEXT, body TEXT);
CREATE VIRTUAL TABLE docs_fts USING fts5(
    title, body, content='docs', content_rowid='rowid', tokenize='trigram'
);
"""


def build(corpus_dir: Path, work_dir: Path) -> None:
    work_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(work_dir / DB_NAME)
    with db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
            ((id_, title, "\n".join(paras)) for id_, title, paras in iter_articles(corpus_dir)),
        )
        db.execute("INSERT INTO docs_fts (docs_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO docs_fts (docs_fts) VALUES ('optimize')")
    db.close()


def fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def window_snippet(text: str, term: str) -> str:
    """Escaped text around the first match of ``term``, the match in <mark>."""
    at = text.lower().find(term.lower())
    if at < 0:
        return html.escape(text[: 2 * WINDOW])
    start, end = max(0, at - WINDOW), at + len(term)
    before, match, after = text[start:at], text[at:end], text[end : end + WINDOW]
    return f"{html.escape(before)}<mark>{html.escape(match)}</mark>{html.escape(after)}"


class Searcher:
    def __init__(self, work_dir: Path):
        self._db = sqlite3.connect(work_dir / DB_NAME)
        self.last_snippets: list[str] = []

    def search(self, query: str, with_snippets: bool) -> tuple[int, list[str]]:
        terms = query.split()
        if not terms:
            return 0, []
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        where, params = [], []
        if long_terms:
            where.append("docs_fts MATCH ?")
            params.append(" ".join(fts_phrase(t) for t in long_terms))
        for term in short_terms:
            where.append("(d.title LIKE ? ESCAPE '\\' OR d.body LIKE ? ESCAPE '\\')")
            params += [like_pattern(term)] * 2
        if long_terms:
            return self._search_fts(" AND ".join(where), params, with_snippets)
        return self._search_like(" AND ".join(where), params, short_terms[0], with_snippets)

    def _count(self, source: str, where: str, params: list) -> int:
        sql = f"SELECT count(*) FROM {source} WHERE {where}"
        return self._db.execute(sql, params).fetchone()[0]

    def _search_fts(self, where: str, params: list, with_snippets: bool):
        source = "docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
        total = self._count(source, where, params)
        snippet = SNIPPET_SQL if with_snippets else "NULL"
        rows = self._db.execute(
            f"SELECT d.id, {snippet} FROM {source}"
            f" WHERE {where} ORDER BY bm25(docs_fts) LIMIT {TOP}",
            params,
        ).fetchall()
        if with_snippets:
            self.last_snippets = [snippet for _, snippet in rows]
        return total, [id_ for id_, _ in rows]

    def _search_like(self, where: str, params: list, term: str, with_snippets: bool):
        source = "docs d"
        total = self._count(source, where, params)
        text = "d.title || char(10) || d.body" if with_snippets else "NULL"
        rows = self._db.execute(
            f"SELECT d.id, {text} FROM {source} WHERE {where} ORDER BY d.rowid LIMIT {TOP}",
            params,
        ).fetchall()
        if with_snippets:
            self.last_snippets = [window_snippet(text, term) for _, text in rows]
        return total, [id_ for id_, _ in rows]
