"""Crawler figures against a local generated site (no outside network).

Serves a government-CMS-like site of ``--articles`` articles (column lists of
20 with 下一页 pagination, ETags, ~2 KB article bodies) from a child process on
127.0.0.1, then with the delay set to 0:

1. a first crawl into an empty corpus: pages per second and crawler CPU per
   page (the server's CPU is in its own process and not counted);
2. a recrawl of the unchanged site: requests made and bytes downloaded;
3. a full re-download (a crawl into a fresh corpus, no state): the same
   figures, for comparison.

    .venv/bin/python bench/crawl.py --articles 1000
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import socket
import tempfile
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from indexer.ingest.crawl import Site, crawl

COLUMNS = {"gzdt": "工作动态", "jcdj": "基层党建", "tzgg": "通知公告", "dyjy": "党员教育"}
PER_PAGE = 20
WORDS = "党建 引领 边境 乡村 振兴 基层 治理 党员 群众 组织 发展 示范 村寨 茶叶 橡胶 服务".split()


def make_site(count: int, seed: int = 1) -> dict[str, bytes]:
    """Path -> page bytes of a site with ``count`` articles."""
    rng = random.Random(seed)
    pages: dict[str, bytes] = {}
    by_column: dict[str, list[tuple[str, str]]] = {c: [] for c in COLUMNS}
    for n in range(count):
        column = list(COLUMNS)[n % len(COLUMNS)]
        day = f"2021{1 + n % 12:02d}{1 + n % 28:02d}"
        path = f"/{column}/{day[:6]}/t{day}_{100000 + n}.html"
        title = "".join(rng.choices(WORDS, k=6)) + f"第{n}号"
        body = "".join(
            f"<p>{''.join(rng.choices(WORDS, k=40))}。</p>" for _ in range(rng.randint(3, 8))
        )
        pages[path] = page(
            title,
            f'<div class="position">您现在的位置：<a href="/">首页</a> &gt; '
            f'<a href="/{column}/">{COLUMNS[column]}</a> &gt; 正文</div><h1>{title}</h1>'
            f"<p>来源：西双版纳先锋 发布时间：{day[:4]}-{day[4:6]}-{day[6:]}</p>"
            f'<div class="TRS_Editor">{body}</div>',
        )
        by_column[column].append((path, title))
    return {**pages, **list_pages(by_column)}


def list_pages(by_column: dict[str, list[tuple[str, str]]]) -> dict[str, bytes]:
    """Path -> page of the home page and of each column's lists of its
    [(url path, link text)], PER_PAGE links a page with 下一页 to the next."""
    pages: dict[str, bytes] = {}
    for column, posts in by_column.items():
        chunks = [posts[i : i + PER_PAGE] for i in range(0, len(posts), PER_PAGE)] or [[]]
        for i, chunk in enumerate(chunks):
            items = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in chunk)
            more = f'<a href="index_{i + 1}.html">下一页</a>' if i + 1 < len(chunks) else ""
            name = "index.html" if i == 0 else f"index_{i}.html"
            pages[f"/{column}/{name}"] = page(COLUMNS[column], f"<ul>{items}</ul>{more}")
    nav = "".join(f'<a href="/{c}/">{name}</a>' for c, name in COLUMNS.items())
    pages["/index.html"] = page("西双版纳先锋", nav)
    return pages


def page(title: str, content: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div class="nav"><a href="/">首页</a></div>{content}'
        f'<div class="footer">版权所有</div></body></html>'
    ).encode()


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


# What a server finds at a path: its ETag and how to read its body (only
# read when the client's copy is not current).
Found = tuple[str, Callable[[], bytes]]


def serve(
    pages: dict[str, bytes], port_queue, more: Callable[[str], Found | None] | None = None
) -> None:
    """Serve ``pages``, and what ``more`` finds at any other path, with ETags
    and 304s until killed (runs in a child process)."""
    etags = {p: body_etag(b) for p, b in pages.items()}

    def find(path: str) -> Found | None:
        if path in pages:
            return etags[path], lambda: pages[path]
        return more(path) if more is not None else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's
            # algorithm and delayed ACKs add 40 ms to every response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            found = find(path + "index.html" if path.endswith("/") else path)
            if found is None:
                self.answer(404, b"", {})
            elif self.headers.get("If-None-Match") == found[0]:
                self.answer(304, b"", {"ETag": found[0]})
            else:
                content_type = "text/html; charset=utf-8"
                self.answer(200, found[1](), {"ETag": found[0], "Content-Type": content_type})

        def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_port)
    server.serve_forever()


def timed_crawl(site: Site, corpus: Path) -> tuple[dict, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = crawl([site], corpus)
    return report.as_dict(), time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    pages = make_site(args.articles)
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(pages, ports), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        site = Site("bench", (base + "/",), delay=0, backoff=0, max_pages=10**6)
        with tempfile.TemporaryDirectory() as tmp:
            first, wall, cpu = timed_crawl(site, Path(tmp) / "corpus")
            again, again_wall, _ = timed_crawl(site, Path(tmp) / "corpus")
            full, _, _ = timed_crawl(site, Path(tmp) / "fresh")
    finally:
        server.kill()
    fetched = first["downloaded"]
    print(f"site: {args.articles} articles, {len(pages)} pages in all")
    print(
        f"first crawl: {len(first['new'])} articles saved, {first['requested']} requests,"
        f" {first['bytes']:,} bytes in {wall:.1f} s: {fetched / wall:.1f} pages/s,"
        f" crawler CPU {1000 * cpu / fetched:.2f} ms per page"
    )
    print(
        f"recrawl of the unchanged site: {again['requested']} requests ({again['unchanged']}"
        f" answered 304), {again['bytes']:,} bytes, {len(again['new']) + len(again['changed'])}"
        f" files written, {again_wall:.1f} s"
    )
    share = 100 * again["bytes"] / max(full["bytes"], 1)
    print(
        f"full re-download: {full['requested']} requests, {full['bytes']:,} bytes"
        f" -> the recrawl downloads {share:.1f}% of the bytes"
    )


if __name__ == "__main__":
    main()
