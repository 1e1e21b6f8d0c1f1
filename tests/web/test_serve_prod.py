"""Production serving: gunicorn with gunicorn.conf.py in front of the real app.

The slow test starts a real gunicorn (two sync workers, an ephemeral port) on
copies of the fixture index and corpus, searches through it, reindexes a
changed corpus while it runs and checks that every worker answers from the
new generation at once, without a restart. Which worker answered a request is
read from the access log, whose format ends with the worker's pid: the app
itself does not reveal it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import close_app
from flask import request

from search_app import create_app

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
NEW_PHRASE = "曼飞龙村茶叶初制所"
POLL_WAIT = 0.1  # seconds between two readiness checks
BOOT_ATTEMPTS = 300  # x POLL_WAIT: loading jieba on a busy two-core machine takes seconds
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
ACCESS_LINE = re.compile(r'"GET /api/search\?q=[^ ]*&n=(\d+) HTTP/1\.1" 200 \d+ \d+ms <(\d+)>')


class Server:
    """A running gunicorn: its process, port and log files."""

    def __init__(self, proc: subprocess.Popen, port: int, access_log: Path, error_log: Path):
        self.proc, self.port = proc, port
        self.access_log, self.error_log = access_log, error_log

    def get(self, path: str) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def total(self, query: str, number: int) -> int:
        """Hits for ``query`` as an exact phrase (quoted: no zero-results chain
        to other words); ``number`` tags the request in the access log."""
        response, body = self.get(f"/api/search?q={quote(chr(34) + query + chr(34))}&n={number}")
        assert response.status == 200, body
        return json.loads(body)["total"]

    def served_by(self, numbers: set[int]) -> dict[int, int]:
        """Worker pid of each numbered request, waiting briefly for the log lines
        (gunicorn writes a request's line just after sending the response)."""
        for _ in range(50):
            lines = self.access_log.read_text(encoding="utf-8")
            pids = {int(n): int(pid) for n, pid in ACCESS_LINE.findall(lines)}
            if numbers <= pids.keys():
                return {n: pids[n] for n in numbers}
            time.sleep(POLL_WAIT)
        raise AssertionError(f"requests {sorted(numbers - pids.keys())} not in the access log")


def wait_for_port(proc: subprocess.Popen, error_log: Path) -> int:
    """The port gunicorn bound (PORT=0 lets the kernel choose), from its log."""
    for _ in range(BOOT_ATTEMPTS):
        found = LISTENING.search(error_log.read_text(encoding="utf-8"))
        if found:
            return int(found.group(1))
        assert proc.poll() is None, error_log.read_text(encoding="utf-8")
        time.sleep(POLL_WAIT)
    raise AssertionError("gunicorn did not start listening")


def wait_until_healthy(server: Server) -> dict:
    """Poll /healthz until a worker has loaded the app and answers."""
    for _ in range(BOOT_ATTEMPTS):
        assert server.proc.poll() is None, server.error_log.read_text(encoding="utf-8")
        try:
            response, body = server.get("/healthz")
        except ConnectionError:
            response = None
        if response is not None and response.status == 200:
            return json.loads(body)
        time.sleep(POLL_WAIT)
    raise AssertionError("gunicorn never answered /healthz")


@pytest.fixture
def live_copy(tmp_path, index_dir, session_corpus_dir) -> tuple[Path, Path]:
    """Copies of the fixture corpus and index that this test may change."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(session_corpus_dir, corpus)
    shutil.copytree(index_dir, index)
    return corpus, index


@pytest.fixture
def gunicorn_server(tmp_path, live_copy) -> Iterator[Server]:
    """gunicorn started the way production starts it; stopped with SIGTERM."""
    corpus, index = live_copy
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": "0",
        "WEB_CONCURRENCY": str(WORKERS),
        "FLASK_INDEX_DIR": str(index),
        "FLASK_CORPUS_DIR": str(corpus),
    }
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    with open(access_log, "wb") as out, open(error_log, "wb") as err:
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        yield Server(proc, wait_for_port(proc, error_log), access_log, error_log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text()
    return {int(pid) for pid in children.split()}


def add_phrase(corpus: Path) -> None:
    """Change one article so that it, alone, contains NEW_PHRASE."""
    path = corpus / SEED
    text = path.read_text(encoding="utf-8")
    marker = "\n\n来源:西双版纳先锋"
    assert marker in text
    path.write_text(text.replace(marker, f"\n\n{NEW_PHRASE}正式投入使用。{marker}", 1), "utf-8")


def search_concurrently(server: Server, first: int, count: int) -> dict[int, int]:
    """Totals of NEW_PHRASE for requests first..first+count-1, four at a time,
    so that a busy sync worker leaves the next request to the other one."""
    numbers = range(first, first + count)
    with ThreadPoolExecutor(max_workers=4) as pool:
        totals = pool.map(lambda n: server.total(NEW_PHRASE, n), numbers)
        return dict(zip(numbers, totals, strict=True))


@pytest.mark.slow
def test_gunicorn_serves_and_follows_a_reindex(gunicorn_server, live_copy):
    server = gunicorn_server
    corpus, index = live_copy
    health = wait_until_healthy(server)
    assert health == {"status": "ok", "generation": "g000001", "documents": 6}

    response, body = server.get("/api/search?q=" + quote("边疆党建长廊"))
    assert response.status == 200
    assert SEED in [hit["id"] for hit in json.loads(body)["hits"]]
    assert response.getheader("Server") == "xsbn-search"  # no "gunicorn/27.0.1"
    assert response.getheader("X-Powered-By") is None

    assert set(search_concurrently(server, 1, 8).values()) == {0}
    add_phrase(corpus)
    reindex = [sys.executable, "-m", "indexer", "reindex", "--corpus", str(corpus)]
    done = subprocess.run([*reindex, "--index", str(index)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("update: 0 added, 1 updated, 0 deleted, 5 unchanged")

    # Every worker checks for a new generation before each request: no answer
    # given after the reindex finished may come from the old index.
    seen: dict[int, int] = {}
    for attempt in range(25):
        totals = search_concurrently(server, 100 + 8 * attempt, 8)
        assert set(totals.values()) == {1}, totals
        seen |= server.served_by(set(totals))
        if len(set(seen.values())) == WORKERS:
            break
    assert set(seen.values()) == worker_pids(server.proc.pid)

    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    assert "Shutting down: Master" in server.error_log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_damaged_generation_never_takes_gunicorn_down(gunicorn_server, live_copy):
    """The attack: CURRENT names a generation whose docmap.npy is damaged.
    Running workers keep serving the last whole one and say so in /healthz;
    workers started afterwards boot on it; the master stays up."""
    server = gunicorn_server
    corpus, index = live_copy
    wait_until_healthy(server)
    add_phrase(corpus)
    reindex = [sys.executable, "-m", "indexer", "reindex", "--corpus", str(corpus)]
    done = subprocess.run([*reindex, "--index", str(index)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    docmap = index / "g000002" / "docmap.npy"
    docmap.write_bytes(docmap.read_bytes()[:-8] + b"\xff" * 8)
    degraded = {
        "status": "degraded",
        "generation": "g000001",
        "documents": 6,
        "problem": "g000002 is damaged: docmap.npy changed since it was written; serving g000001",
    }
    assert set(search_concurrently(server, 1, 8).values()) == {0}  # all 200, from g000001
    assert json.loads(server.get("/healthz")[1]) == degraded
    for pid in worker_pids(server.proc.pid):  # every worker dies and is replaced
        os.kill(pid, signal.SIGKILL)
    booted = wait_until_healthy(server)
    assert booted == degraded | {
        "problem": "g000002 is damaged: docmap.npy changed since it was written"
    }
    assert set(search_concurrently(server, 20, 4).values()) == {0}
    assert server.proc.poll() is None


@pytest.mark.slow
def test_slash_redirects_are_relative_whatever_the_host_header(gunicorn_server):
    """``/article//x`` is redirected to ``/article/x``: by a path, not an
    address built from the Host header the client sent."""
    server = gunicorn_server
    wait_until_healthy(server)
    seen = []
    for path in ["/article//x.txt", "/api//search?q=a", "/static//style.css"]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", path, headers={"Host": "evil.example"})
        response = conn.getresponse()
        seen.append((response.status, response.getheader("Location")))
        conn.close()
    assert seen == [
        (308, "/article/x.txt"),
        (308, "/api/search?q=a"),
        (308, "/static/style.css"),
    ]


WHOAMI = {"TESTING": True, "BUILD_IF_MISSING": False}
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def whoami_client(index_dir, **config):
    """The app plus a view that echoes the client address and scheme it sees."""
    app = create_app({**WHOAMI, "INDEX_DIR": str(index_dir), **config})
    close_app(app)

    @app.get("/_whoami")
    def whoami():
        return {"addr": request.remote_addr, "scheme": request.scheme}

    return app.test_client()


def test_forwarded_headers_are_ignored_by_default(index_dir):
    client = whoami_client(index_dir)
    seen = client.get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"addr": "127.0.0.1", "scheme": "http"}


@pytest.mark.parametrize("setting", [1, True])
def test_proxy_fix_trusts_the_proxy_headers_when_configured(index_dir, setting):
    client = whoami_client(index_dir, PROXY_FIX=setting)
    seen = client.get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"addr": "203.0.113.7", "scheme": "https"}


def test_proxy_fix_comes_from_the_environment(monkeypatch, index_dir):
    monkeypatch.setenv("FLASK_PROXY_FIX", "1")
    client = whoami_client(index_dir)
    seen = client.get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"addr": "203.0.113.7", "scheme": "https"}
