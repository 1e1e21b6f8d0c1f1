"""The query log counts searches per day and query, and nothing else; hot
searches and zero-result queries come from those counts; a log that cannot be
written never stops a search."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import warnings
from contextlib import closing
from datetime import date, datetime, timedelta

import pytest

from indexer import querylog
from indexer.querylog import QueryLog, normalize_query

TODAY = date(2024, 6, 10)


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def record(log: QueryLog, query: str, results: int, times: int, day: date = TODAY) -> None:
    for _ in range(times):
        log.record(query, results, day=day)


def rows(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM searches ORDER BY day, query").fetchall()


def test_hot_counts_searches_with_results_over_the_last_seven_days(tmp_path):
    thirty, thirty_one = "党" * 30, "建" * 31
    with QueryLog(tmp_path / "log.sqlite") as log:
        record(log, "边疆党建", 5, 3)
        record(log, "边疆党建", 5, 2, day=ago(6))  # summed across days
        record(log, "边疆党建", 0, 4)  # searches that found nothing do not count
        record(log, "三抓三促", 1, 2, day=ago(1))
        record(log, "三抓三促", 1, 9, day=ago(7))  # before the window
        record(log, "三抓三促", 1, 9, day=TODAY + timedelta(days=1))  # after it
        record(log, thirty, 1, 3)
        record(log, thirty_one, 1, 9)  # too long for a link on the home page
        record(log, "乡村振兴", 1, 2)  # ties with 三抓三促: ordered by text
        record(log, "一次", 1, 1)  # below min_count
        record(log, "无结果", 0, 9)

        assert log.hot(today=TODAY) == [
            ("边疆党建", 5),
            (thirty, 3),
            ("三抓三促", 2),
            ("乡村振兴", 2),
        ]
        assert log.hot(limit=2, today=TODAY) == [("边疆党建", 5), (thirty, 3)]
        assert ("一次", 1) in log.hot(min_count=1, today=TODAY)
        assert ("无结果", 0) not in log.hot(min_count=0, limit=100, today=TODAY)
        assert log.hot(days=1, today=TODAY) == [
            (thirty, 3),  # ties with 边疆党建 today: 党 sorts before 边
            ("边疆党建", 3),
            ("乡村振兴", 2),
        ]


def test_variants_of_a_query_are_counted_together():
    assert normalize_query("  ＤａｎｇＪｉａｎ\u3000 三抓\t\n三促 ") == "dangjian 三抓 三促"
    assert normalize_query(" \u3000\t") is None
    assert normalize_query("x" * 100) == "x" * 100
    assert normalize_query("x" * 101) is None


def test_empty_and_overlong_queries_are_not_logged(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        for q in (
            "DangJian",
            "dangjian",
            " ＤＡＮＧＪＩＡＮ ",
            "dangjian\u3000",
            "边疆  党建",
            "边疆 党建",
        ):
            log.record(q, 1, day=TODAY)
        for q in ("", "   ", "\u3000", "x" * 101):
            log.record(q, 0, day=TODAY)
    assert rows(path) == [("2024-06-10", "dangjian", 4, 0), ("2024-06-10", "边疆 党建", 2, 0)]


def test_zero_results_lists_queries_that_found_nothing_most_frequent_first(tmp_path):
    with QueryLog(tmp_path / "log.sqlite") as log:
        record(log, "河长制", 0, 2, day=ago(5))
        record(log, "河长制", 0, 1, day=ago(2))
        record(log, "河长制", 3, 7, day=ago(1))  # found on other days: still listed
        record(log, "林长制", 0, 3)  # ties with 河长制: the more recent first
        record(log, "护林员", 0, 1, day=ago(3))
        record(log, "护林员", 0, 9, day=ago(30))  # before the window
        record(log, "边疆党建", 4, 5)

        assert log.zero_results(today=TODAY) == [
            ("林长制", 3, "2024-06-10"),
            ("河长制", 3, "2024-06-08"),
            ("护林员", 1, "2024-06-07"),
        ]
        assert log.zero_results(limit=1, today=TODAY) == [("林长制", 3, "2024-06-10")]
        assert log.zero_results(days=31, today=TODAY)[0] == ("护林员", 10, "2024-06-07")


def test_prune_keeps_the_last_ninety_days(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        for n in (0, 100, 90, 89):
            log.record("边疆党建", 1, day=ago(n))
        assert log.prune(today=TODAY) == 2
        assert log.prune(today=TODAY) == 0
    assert [day for day, *_ in rows(path)] == [ago(89).isoformat(), TODAY.isoformat()]


def test_recording_a_new_day_prunes_old_rows_on_its_own(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        log.record("边疆党建", 1, day=ago(200))
        log.record("边疆党建", 1, day=TODAY)
    assert rows(path) == [("2024-06-10", "边疆党建", 1, 0)]


def test_only_day_query_and_counts_are_stored(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        log.record("边疆党建", 2, day=datetime(2024, 6, 10, 13, 45, 7))  # no time of day kept
        log.record("边疆党建", 0, day=TODAY)
    with closing(sqlite3.connect(path)) as db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        columns = [c[1] for c in db.execute("PRAGMA table_info(searches)")]
        hidden = [c[1] for c in db.execute("PRAGMA table_info(hidden)")]
    assert sorted(tables) == [("hidden",), ("searches",)]
    assert columns == ["day", "query", "found", "empty"]
    assert hidden == ["query"]  # editors' choices, not visitors' data
    assert rows(path) == [("2024-06-10", "边疆党建", 1, 1)]


def test_threads_and_separate_logs_on_one_file_lose_no_counts(tmp_path):
    path = tmp_path / "sub" / "log.sqlite"  # parent folders are created
    with QueryLog(path) as first, QueryLog(path) as second:

        def search(log: QueryLog, results: int) -> None:
            record(log, "边疆党建", results, 50)

        threads = [
            threading.Thread(target=search, args=(log, n % 3))
            for n, log in enumerate([first, second] * 4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        first.flush(), second.flush()  # written behind the searches, else within a second
        assert rows(path) == [("2024-06-10", "边疆党建", 250, 150)]
        assert first.hot(today=TODAY) == second.hot(today=TODAY) == [("边疆党建", 250)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_opens_its_own_connection(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        log.record("边疆党建", 1, day=TODAY)  # the parent's connection is now open
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads, 3.12+
            pid = os.fork()
        if pid == 0:
            status = 1
            try:
                log.record("边疆党建", 1, day=TODAY)
                log.close()
                status = 0
            finally:
                os._exit(status)
        assert os.waitpid(pid, 0)[1] == 0
        log.record("边疆党建", 1, day=TODAY)
        assert log.hot(today=TODAY) == [("边疆党建", 3)]


@pytest.mark.parametrize("kind", ["parent is a file", "garbage file"])
def test_an_unusable_file_logs_a_warning_and_search_goes_on(tmp_path, caplog, kind):
    if kind == "parent is a file":
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "log.sqlite"
    else:
        path = tmp_path / "log.sqlite"
        path.write_bytes(b"\x00\xffnot a database" * 100)
    with caplog.at_level(logging.WARNING, logger="indexer.querylog"):
        with QueryLog(path) as log:
            log.record("边疆党建", 1)
            assert log.hot() == []
            assert log.zero_results() == []
            assert log.prune() == 0
    assert len(caplog.records) == 5
    assert all("query log" in r.getMessage() for r in caplog.records)


def test_a_locked_database_logs_a_warning_and_later_searches_are_counted(
    tmp_path, caplog, monkeypatch
):
    monkeypatch.setattr(querylog, "BUSY_TIMEOUT", 0)
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log, closing(sqlite3.connect(path, isolation_level=None)) as other:
        log.record("边疆党建", 1, day=TODAY)
        log.flush()
        other.execute("BEGIN EXCLUSIVE")
        with caplog.at_level(logging.WARNING, logger="indexer.querylog"):
            log.record("边疆党建", 1, day=TODAY)  # in memory: the search never waits
            log.flush()  # (else the writer thread's, within a second) fails, with a warning
        assert "locked" in caplog.text
        other.execute("COMMIT")
        log.record("边疆党建", 1, day=TODAY)
        assert log.hot(today=TODAY) == [("边疆党建", 2)]


def test_a_closed_log_ignores_further_calls(tmp_path):
    path = tmp_path / "log.sqlite"
    with QueryLog(path) as log:
        log.record("边疆党建", 1, day=TODAY)
    log.record("边疆党建", 1, day=TODAY)
    assert log.hot(min_count=1, today=TODAY) == []
    assert rows(path) == [("2024-06-10", "边疆党建", 1, 0)]


def test_editors_hide_a_query_from_the_hot_searches(tmp_path):
    with QueryLog(tmp_path / "log.sqlite") as log:
        for q in ["党建", "党建", "党建", "不雅词", "不雅词", "不雅词", "不雅词"]:
            log.record(q, 1, day=TODAY)
        assert log.hot(today=TODAY) == [("不雅词", 4), ("党建", 3)]
        assert log.hide(" 不雅词 ")  # counted under the normalised form
        assert log.hot(today=TODAY) == [("党建", 3)]
        assert log.hidden() == ["不雅词"]
        log.record("不雅词", 1, day=TODAY)  # still counted, just not shown
        assert log.unhide("不雅词")
        assert log.hot(today=TODAY) == [("不雅词", 5), ("党建", 3)]
        assert not log.unhide("不雅词") and log.hidden() == []
        assert not log.hide("   ")
