"""A site update at 100,000 articles, end to end: a crawl that finds 10 new
articles, then the reindex (``make update``'s two commands), timed from the
start of the crawl to the end of the reindex.

The site is served on 127.0.0.1 from a child process: the cached bench
corpus's articles as TRS-like pages (``/2016/00002.html`` for
``2016/00002.txt``, ETags from the file's mtime and size, as nginx makes
them), column lists of 20, newest first, with 下一页 pagination, and the 10
new articles on top of their columns. The corpus (hard links) and its built
index (a copy, flushed to disk) are bench/freshness.py's copies.

The crawl state is seeded as a first crawl of the site before the new
articles would have left it (every article and list page known, with its
ETag and links): a real first crawl of 105,000 pages takes about half an
hour at the crawler's rate (bench/crawl.py), and the figure here is about
the update after it. The crawl runs with ``--delay 0``, its default
revalidation (the 200 known pages checked longest ago, answered 304).

    .venv/bin/python bench/update.py --count 100000 --data /work/benchdata
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from articles import parse_article
from crawl import COLUMNS, Found, body_etag, list_pages, page, serve
from freshness import copy_experiment
from generate import make_article

from indexer.ingest.corpus import scan_corpus
from indexer.ingest.crawl.pages import read_links
from indexer.ingest.crawl.state import CrawlState, Page
from indexer.ingest.crawl.store import STATE_FILE, state_dir
from indexer.ingest.crawl.urls import canonical_url

NEW_ARTICLES = 10
_DATE = re.compile(r"发布时间\s*:\s*(\d{4}-\d{2}-\d{2})")


def article_path(rel: str) -> str:
    """The URL path of the corpus file ``rel``: 2016/00002.txt -> /2016/00002.html."""
    return "/" + rel.rsplit(".", 1)[0] + ".html"


def article_html(text: str) -> bytes:
    """A TRS-like article page for a bench article's text."""
    title, paragraphs = parse_article(text)
    lines = text.split("\n")
    column = lines[1].strip() if len(lines) > 1 else ""
    found = _DATE.search(text)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(
        title,
        f'<div class="position">您现在的位置：<a href="/">首页</a> &gt; {column} &gt; 正文</div>'
        f"<h1>{title}</h1><p>来源：西双版纳先锋 发布时间：{found.group(1) if found else ''}</p>"
        f'<div class="TRS_Editor">{body}</div>',
    )


def site_lists(articles: list[tuple[str, str]]) -> dict[str, bytes]:
    """Path -> page of the home page and the column lists of ``articles``
    [(url path, link text)], newest first."""
    names = list(COLUMNS)
    by_column: dict[str, list[tuple[str, str]]] = {c: [] for c in names}
    for path, text in articles:
        number = int(re.sub(r"\D", "", path.rsplit("/", 1)[-1]) or 0)
        by_column[names[number % len(names)]].append((path, text))
    return list_pages(by_column)


def file_etag(path: Path) -> str:
    st = path.stat()
    return f'"{st.st_mtime_ns:x}-{st.st_size:x}"'


def corpus_page(corpus: Path, path: str) -> Found | None:
    """The article page of the corpus file behind ``path``, if there is one."""
    source = corpus / (path.lstrip("/").rsplit(".", 1)[0] + ".txt")
    if not path.endswith(".html") or not source.is_file():
        return None
    return file_etag(source), lambda: article_html(source.read_text(encoding="utf-8"))


def seed_state(corpus: Path, base: str, site: str, known: list[str], lists: dict[str, bytes]):
    """The crawl state a first crawl of the site (``known`` articles and their
    ``lists``) leaves: every page with its ETag, every list with its links."""
    pages = [
        Page(
            url=base + article_path(rel),
            site=site,
            kind="article",
            etag=file_etag(corpus / rel),
            path=rel,
        )
        for rel in known
    ]
    for path, body in lists.items():
        url = canonical_url(base + path)
        links = read_links(body.decode("utf-8"), url).links
        pages.append(Page(url=url, site=site, kind="list", etag=body_etag(body), links=links))
    state = CrawlState(state_dir(corpus) / STATE_FILE)
    try:
        state.begin(site, [])
        state.finish(site, [], pages, [], {})
        state.close_run(site)
    finally:
        state.close()


def run(command: list[str]) -> tuple[str, float, float]:
    """Run one command of ``make update``: (stdout, wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed: {done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return done.stdout, wall, cpu


def measure(corpus: Path, index: Path, base: str, crawl_options: list[str]) -> None:
    """Crawl then reindex, as make update does, and print the figures."""
    python = [sys.executable, "-m", "indexer"]
    crawl = [*python, "crawl", base + "/", "--corpus", str(corpus), "--delay", "0", "--json"]
    crawled, crawl_wall, crawl_cpu = run([*crawl, *crawl_options])
    reindexed, reindex_wall, reindex_cpu = run(
        [*python, "reindex", "--corpus", str(corpus), "--index", str(index), "--json"]
    )
    report, result = json.loads(crawled), json.loads(reindexed)
    print(
        f"crawl: {len(report['new'])} new articles, {report['requested']} requests"
        f" ({report['unchanged']} answered 304), {crawl_wall:.2f} s wall, {crawl_cpu:.2f} s CPU"
    )
    print(
        f"reindex: {len(result['added'])} added, {result['documents']} articles in the index,"
        f" {reindex_wall:.2f} s wall, {reindex_cpu:.2f} s CPU"
    )
    print(f"crawl + reindex: {crawl_wall + reindex_wall:.2f} s wall")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100000, help="articles in the cached corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--scratch", type=Path, help="where the copies go (a temporary folder)")
    parser.add_argument(
        "--revalidate-all",
        action="store_true",
        help="the crawl asks for every known page (what every crawl did before the update policy)",
    )
    args = parser.parse_args(argv)
    home = args.data / f"{args.count}-{args.seed}"
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="update-"))
    corpus, index = copy_experiment(home / "corpus", home / "work" / "ours", scratch)
    known = sorted((rel for rel, _ in scan_corpus(corpus)), reverse=True)  # newest first
    new = [make_article(args.count + n, args.seed) for n in range(1, NEW_ARTICLES + 1)]
    new_pages = {article_path(rel): article_html(text) for rel, text in new}
    entries = [(article_path(rel), f"文章{rel}") for rel in known]
    ports: multiprocessing.Queue = multiprocessing.Queue()
    pages = {**site_lists([(p, f"新文章{p}") for p in new_pages] + entries), **new_pages}
    more = partial(corpus_page, corpus)
    server = multiprocessing.Process(target=serve, args=(pages, ports, more), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        base = f"http://127.0.0.1:{port}"
        seed_state(corpus, base, f"127.0.0.1:{port}", known, site_lists(entries))
        os.sync()
        load = os.getloadavg()[0]
        print(f"{args.count} articles known, {NEW_ARTICLES} new; load average {load:.2f}")
        measure(corpus, index, base, ["--revalidate-all"] if args.revalidate_all else [])
    finally:
        server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
