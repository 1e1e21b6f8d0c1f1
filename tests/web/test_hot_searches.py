"""Hot searches that can be trusted: each index has its own query log, only
searches readers type count (once per reader and query a day, without
storing who they are), and a hot search that finds nothing is not shown."""

import re
import shutil
from datetime import date

import pytest
from conftest import BROWSER_AGENT, close_app, reader_search

import indexer
from search_app import create_app


def hot_on_home(client) -> list[tuple[str, str]]:
    home = client.get("/").get_data(as_text=True)
    return re.findall(
        r'<a class="hot-query" href="[^"]+">([^<]+)</a><span class="hot-count">(\d+) 次', home
    )


def test_each_index_keeps_its_own_log_beside_it(own_app, index_dir, tmp_path):
    demo_index = tmp_path / "demo" / "index"
    shutil.copytree(index_dir, demo_index)
    demo = create_app({"TESTING": True, "INDEX_DIR": str(demo_index), "QUERY_LOG": None})
    try:
        for reader in range(3):
            reader_search(demo.test_client(), "强边固防", reader)
        assert hot_on_home(demo.test_client()) == [("强边固防", "3")]
        assert hot_on_home(own_app.test_client()) == []  # the demo's searches stay in the demo
    finally:
        close_app(demo)
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == [
        "index",
        "index.querylog.sqlite",
    ]
    assert own_app.extensions["query_log"].path == tmp_path / "site" / "index.querylog.sqlite"


def test_a_reader_repeating_a_search_counts_once(own_app):
    client = own_app.test_client()
    for _ in range(3):
        reader_search(client, "强边固防", reader=1)  # reloads, back and forth
    reader_search(client, "强边固防", reader=2)
    reader_search(client, "基层治理", reader=1)
    assert own_app.extensions["query_log"].hot(min_count=1) == [("强边固防", 2), ("基层治理", 1)]


@pytest.mark.parametrize(
    "how",
    [
        {"path": "/api/search"},  # scripts use the API
        {"headers": {"Sec-Purpose": "prefetch"}},
        {"headers": {"Sec-Purpose": "prefetch;prerender"}},
        {"headers": {"Purpose": "prefetch"}},
        {"headers": {"X-Moz": "prefetch"}},
        {"agent": "python-requests/2.32"},
        {"agent": "curl/8.5.0"},
        {"agent": "Mozilla/5.0 (compatible; Baiduspider/2.0)"},
        {"agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"agent": BROWSER_AGENT.replace("Chrome/", "HeadlessChrome/")},
        {"agent": ""},
    ],
)
def test_searches_not_typed_by_readers_do_not_count(own_app, how):
    client = own_app.test_client()
    headers = {"User-Agent": how.get("agent", BROWSER_AGENT), **how.get("headers", {})}
    for reader in range(3):
        response = client.get(
            how.get("path", "/search"),
            query_string={"q": "强边固防"},
            headers=headers,
            environ_base={"REMOTE_ADDR": f"10.1.0.{reader}"},
        )
        assert response.status_code == 200
    assert own_app.extensions["query_log"].hot(min_count=1) == []


def test_the_log_holds_no_address_or_agent(own_app):
    for reader in range(2):
        reader_search(own_app.test_client(), "强边固防", reader)
    stored = own_app.extensions["query_log"].path.read_bytes()
    assert b"10.0." not in stored and b"Mozilla" not in stored and b"Chrome" not in stored


def test_a_hot_search_that_finds_nothing_now_is_not_shown(own_app):
    with indexer.QueryLog(own_app.extensions["query_log"].path) as log:
        for _ in range(5):
            log.record("已删除的专题", 3)  # found articles then; they are gone now
        for _ in range(2):
            log.record("强边固防", 2)
    assert hot_on_home(own_app.test_client()) == [("强边固防", "2")]


def test_once_per_day_forgets_at_midnight_and_is_bounded():
    once = indexer.OncePerDay(limit=3)
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    assert [
        once.first("reader-1", "党建", monday),
        once.first("reader-1", "党建", monday),
        once.first("reader-2", "党建", monday),
        once.first("reader-1", "强边固防", monday),
        once.first("reader-3", "党建", monday),  # the day's room is full: not counted
        once.first("reader-1", "党建", tuesday),  # a new day, a new salt
    ] == [True, False, True, True, False, True]


def test_the_first_search_finds_the_vocabulary_loaded(own_app):
    """The start-up warm-up (a thread) loads the vocabulary, so the first
    reader does not wait for it."""
    own_app.extensions["warm_up"].join()
    with own_app.extensions["search_index"].searcher() as (generation, _):
        assert generation._vocabulary is not None
    cold = create_app({"TESTING": True, "INDEX_DIR": own_app.config["INDEX_DIR"], "WARM_UP": False})
    try:
        assert "warm_up" not in cold.extensions
    finally:
        close_app(cold)
