"""SQLite FTS5 trigram behind gunicorn: the rival of the throughput test
(throughput.py), served the way we serve ours, one sync worker per core.

It answers ``/api/search?q=`` with the total and the top hits' ids and
snippets as JSON, from the database ``engines/fts5.py`` built in the folder
named by ``FTS5_WORK``. Each worker opens its own connection on its first
request (a connection must not cross gunicorn's fork).

    FTS5_WORK=bench/data/10000-1/work/fts5 gunicorn --chdir bench fts5app:app
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs

from engines.fts5 import Searcher

_searcher: Searcher | None = None


def searcher() -> Searcher:
    global _searcher
    if _searcher is None:
        _searcher = Searcher(Path(os.environ["FTS5_WORK"]))
    return _searcher


def app(environ, start_response):
    """The one route: anything but /api/search is a 404."""
    if environ.get("PATH_INFO") != "/api/search":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    query = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
    s = searcher()
    total, ids = s.search(query, True)
    hits = [{"id": i, "snippet": snip} for i, snip in zip(ids, s.last_snippets, strict=False)]
    body = json.dumps({"total": total, "hits": hits}, ensure_ascii=False).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
    return [body]
