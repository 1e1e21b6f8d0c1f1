"""The site crawler: web pages -> article files in the corpus (no Whoosh here).

``crawl`` runs the configured sites one after the other under the corpus's
crawl lock; ``inspect_url`` fetches one page and says what a crawl would do
with it, writing nothing. See crawler.py for how a crawl goes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from indexer.ingest.crawl.config import (
    REVALIDATE_ALL,
    ConfigError,
    Site,
    load_sites,
    sites_from_urls,
)
from indexer.ingest.crawl.crawler import Progress, SiteCrawl
from indexer.ingest.crawl.fetch import Fetcher
from indexer.ingest.crawl.inspect import format_inspection, inspect_url
from indexer.ingest.crawl.report import CrawlReport, format_crawl
from indexer.ingest.crawl.state import CrawlState
from indexer.ingest.crawl.store import (
    STATE_FILE,
    CrawlBusyError,
    CrawlError,
    crawl_lock,
    state_dir,
)

__all__ = [
    "REVALIDATE_ALL",
    "ConfigError",
    "CrawlBusyError",
    "CrawlError",
    "CrawlReport",
    "Site",
    "crawl",
    "format_crawl",
    "format_inspection",
    "inspect_url",
    "load_sites",
    "site_for",
    "sites_for",
    "sites_from_urls",
]


def sites_for(urls: list[str], config_path: Path, **settings: object) -> list[Site]:
    """The sites to crawl: the given start URLs, else the configuration file's."""
    if urls:
        return sites_from_urls(urls, **settings)
    return load_sites(config_path, **settings)


def site_for(url: str, urls: list[str], config_path: Path, **settings: object) -> Site:
    """The site whose rules apply to ``url``: a configured one on its host, or one made from it."""
    if not urls and Path(config_path).is_file():
        host = urlsplit(url).netloc.lower()
        configured = [s for s in load_sites(config_path, **settings) if host in s.hosts]
        if configured:
            return configured[0]
    return sites_from_urls([url, *urls], **settings)[0]


def crawl(
    sites: list[Site],
    corpus_dir: Path,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> CrawlReport:
    """Crawl ``sites`` into ``corpus_dir``; the summary of the whole crawl.

    Raises CrawlError when the corpus cannot be written (CrawlBusyError when
    another crawl holds it). A crawl that was killed or failed continues where
    it stopped.
    """
    corpus_dir = Path(corpus_dir)
    try:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        return _crawl(sites, corpus_dir, progress, sleep, transport)
    except (OSError, sqlite3.Error) as e:  # the next crawl goes on from the last URL done
        reason = getattr(e, "strerror", None) or e
        raise CrawlError(f"cannot write to {corpus_dir}: {reason}") from e


def _crawl(sites, corpus_dir, progress, sleep, transport) -> CrawlReport:
    """The crawl of each site in turn, under the corpus's crawl lock."""
    report = CrawlReport()
    with crawl_lock(corpus_dir):
        state = CrawlState(state_dir(corpus_dir) / STATE_FILE)
        try:
            for site in sites:
                client = httpx.Client(
                    timeout=httpx.Timeout(site.timeout),
                    headers={"User-Agent": site.user_agent},
                    transport=transport,
                )
                fetcher = Fetcher(site, client, sleep=sleep)
                try:
                    report.add(SiteCrawl(site, corpus_dir, state, fetcher).run(progress))
                finally:
                    fetcher.close()
        finally:
            state.close()
    return report
