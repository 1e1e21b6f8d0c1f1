"""The hot-search and query-log attacks of the hardening issue, scaled
down: text smuggled onto the home page with an operator, a flood of
distinct queries, and searches that would wait for the log file."""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing

import pytest
from conftest import reader_search

from indexer import querylog


def hot_on_home(client) -> list[str]:
    home = client.get("/").get_data(as_text=True)
    return re.findall(r'<a class="hot-query" href="[^"]+">([^<]+)</a>', home)


@pytest.mark.parametrize(
    "q",
    ["强边固防 OR 加微信领红包", "强边固防 -加微信领红包", '"强边固防" 加微信', "title:强边固防 x"],
)
def test_a_query_with_operators_never_becomes_hot(own_app, q):
    client = own_app.test_client()
    for reader in range(3):
        assert reader_search(client, q, reader).status_code == 200
        reader_search(client, "基层治理", reader)
    assert hot_on_home(client) == ["基层治理"]


def test_rows_logged_before_the_fix_are_not_shown_either(own_app):
    log = own_app.extensions["query_log"]
    for _ in range(3):
        log.record("强边固防 OR 加微信领红包", 5)
        log.record("强边固防", 5)
    assert hot_on_home(own_app.test_client()) == ["强边固防"]


def test_the_hot_list_is_worked_out_once_a_minute(own_app, monkeypatch):
    own_app.config["HOT_CACHE_SECONDS"] = 60
    client = own_app.test_client()
    calls = []
    real = querylog.QueryLog.hot
    monkeypatch.setattr(
        querylog.QueryLog, "hot", lambda self, **kw: calls.append(1) or real(self, **kw)
    )
    for reader in range(2):
        reader_search(client, "强边固防", reader)
    pages = [hot_on_home(client) for _ in range(5)]
    assert pages == [["强边固防"]] * 5
    assert len(calls) == 1  # four home pages read nothing


def test_a_search_never_waits_for_the_log_file(own_app, monkeypatch):
    """Another process holds the log locked: the search is answered and
    counted later; nothing in the request touched SQLite."""
    log = own_app.extensions["query_log"]
    request_thread = threading.current_thread()
    in_request = []
    real = querylog.QueryLog._run
    monkeypatch.setattr(
        querylog.QueryLog,
        "_run",
        lambda self, fn, default: (
            in_request.append(threading.current_thread() is request_thread)
            or real(self, fn, default)
        ),
    )
    with closing(sqlite3.connect(log.path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        assert reader_search(own_app.test_client(), "强边固防").status_code == 200
        other.execute("COMMIT")
    assert True not in in_request
    log.flush()
    assert log.hot(min_count=1) == [("强边固防", 1)]


def test_a_flood_of_distinct_queries_is_capped_per_day(tmp_path, monkeypatch):
    monkeypatch.setattr(querylog, "MAX_ROWS_PER_DAY", 50)  # 1,000 on the site
    path = tmp_path / "log.sqlite"
    with querylog.QueryLog(path) as log:
        for n in range(300):  # 3,000 in the attack
            log.record(f"flood{n}", 1)
        log.record("flood0", 1)  # an existing row still counts
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT query, found FROM searches ORDER BY query").fetchall()
    assert rows == [("", 250)] + sorted((f"flood{n}", 2 if n == 0 else 1) for n in range(50))


def test_the_hot_list_reads_one_day_at_a_time_by_primary_key(tmp_path):
    with querylog.QueryLog(tmp_path / "log.sqlite") as log:
        log.record("强边固防", 1)
        log.flush()
        sql = "EXPLAIN QUERY PLAN SELECT query, SUM(found) FROM searches "
        sql += "WHERE day BETWEEN ? AND ? GROUP BY query"
        plan = log._run(lambda db: [row[3] for row in db.execute(sql, ("a", "b"))], [])
    assert plan[0] == "SEARCH searches USING PRIMARY KEY (day>? AND day<?)"
