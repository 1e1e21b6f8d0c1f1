"""Hostile answers each give a clear per-URL error and never stop the crawl."""

from __future__ import annotations

import httpx
import pytest

from indexer.ingest.crawl import Site, crawl
from indexer.ingest.crawl.fetch import Fetcher
from tests.ingest.crawl.site import FixtureSite, Post, Reply, article_html

GOOD = Post(
    "gzdt",
    1,
    "2021-10-01",
    "边境党建工作取得新成效",
    ("全州边境党建工作取得新成效，边境村党组织全面进步。",) * 2,
)
GBK = Post(
    "gzdt",
    2,
    "2021-10-02",
    "编码声明有误的文章也能读对",
    ("这篇文章以GBK编码发送，却声明为UTF-8编码，导入时仍按实际编码读取。",) * 2,
)
BUSY = Post(
    "gzdt",
    3,
    "2021-10-03",
    "稍后再来也能抓到的文章",
    ("服务器先答429并给出Retry-After，爬虫等待之后再取，取到了这篇文章。",) * 2,
)
NO_ANSWER = "Server disconnected without sending a response."
HTML = {"Content-Type": "text/html; charset=utf-8"}
HOSTILE = [
    "/huge.html",
    "/endless.html",
    "/loop-a.html",
    "/away.html",
    "/binary.html",
    "/photo.html",
    "/busy.html",
    "/too-busy.html",
    "/broken.html",
    "/reset.html",
    GBK.path,
    GOOD.path,
]


@pytest.fixture
def hostile():
    site = FixtureSite().start()
    links = "".join(f'<a href="{path}">链接{i}</a> ' for i, path in enumerate(HOSTILE))
    site.html("/index.html", f"<html><body><p>{links}</p></body></html>")
    for column in ("gzdt", "jcdj", "tzgg", "internal"):  # the articles' nav links
        site.html(f"/{column}/index.html", "<html><body><p>栏目</p></body></html>")
    site.pages["/huge.html"] = Reply(body=b"x", headers={**HTML, "Content-Length": "50000000"})
    site.pages["/endless.html"] = Reply(headers=HTML, endless=True)
    site.pages["/loop-a.html"] = Reply(302, headers={"Location": "/loop-b.html"})
    site.pages["/loop-b.html"] = Reply(302, headers={"Location": "/loop-a.html"})
    away = f"http://localhost:{site.server.server_port}/elsewhere.html"
    site.pages["/away.html"] = Reply(301, headers={"Location": away})
    site.pages["/binary.html"] = Reply(
        body=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, headers=HTML
    )
    site.pages["/photo.html"] = Reply(body=b"\x89PNG", headers={"Content-Type": "image/png"})
    ok = Reply(body=article_html(GOOD).encode(), headers=HTML)
    later = Reply(body=article_html(BUSY).encode(), headers=HTML)
    site.pages["/busy.html"] = Reply(429, headers={"Retry-After": "7"}, then=later)
    site.pages["/too-busy.html"] = Reply(429, headers={"Retry-After": "3600"})
    site.pages["/broken.html"] = Reply(500, b"error")
    site.pages["/reset.html"] = Reply(reset=True)
    site.pages[GBK.path] = Reply(body=article_html(GBK).encode("gbk"), headers=HTML)
    site.pages[GOOD.path] = ok
    yield site
    site.stop()


def test_hostile_answers_are_reported_by_url(hostile, tmp_path):
    waits: list[float] = []
    site = Site("hostile", (hostile.base + "/",), delay=0, backoff=0.5, max_page_bytes=1_000_000)
    report = crawl([site], tmp_path / "corpus", sleep=waits.append)
    base = hostile.base
    assert sorted(report.failed) == sorted(
        [
            [base + "/huge.html", "too large: 50,000,000 bytes, the limit is 1,000,000"],
            [base + "/endless.html", "too large: over 1,000,000 bytes"],
            [
                base + "/loop-a.html",
                f"redirect loop: {base}/loop-a.html -> {base}/loop-b.html -> {base}/loop-a.html",
            ],
            [
                base + "/away.html",
                f"redirect to another host: http://localhost:{hostile.server.server_port}/elsewhere.html",
            ],
            [base + "/binary.html", "binary file (not text)"],
            [base + "/photo.html", "not an HTML page but image/png"],
            [base + "/too-busy.html", "HTTP 429, retry after 3600 s"],
            [base + "/broken.html", "HTTP 500"],
            [base + "/reset.html", f"network error: RemoteProtocolError: {NO_ANSWER}"],
        ]
    )
    assert sorted(report.new) == sorted([base + "/busy.html", base + GBK.path, base + GOOD.path])
    assert waits.count(7.0) == 1  # Retry-After honoured, then the page came
    assert waits.count(0.5) == 2 and waits.count(1.0) == 2  # backoff: 500 and reset, twice each
    assert hostile.requests(0) == ["/reset.html"] * 3
    saved = tmp_path / "corpus" / f"sites/127.0.0.1_{hostile.server.server_port}{GBK.path}"
    assert GBK.title in saved.read_bytes().decode("gbk")


def test_robots_crawl_delay_is_honoured_when_longer(hostile):
    hostile.pages["/robots.txt"] = Reply(body=b"User-agent: *\nCrawl-delay: 5\n")
    fetcher = Fetcher(Site("s", (hostile.base + "/",), delay=1), httpx.Client())
    assert fetcher.allowed(hostile.base + "/a.html")
    assert fetcher.delay(f"127.0.0.1:{hostile.server.server_port}") == 5.0
    fetcher.close()
