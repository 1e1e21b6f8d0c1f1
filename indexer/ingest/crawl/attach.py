"""An article's attachments: downloaded (conditionally, like pages), read by
formats/attachments.py, and kept with their text in the crawl state, so an
unchanged attachment of a changed article costs a 304, not a new download."""

from __future__ import annotations

from typing import Protocol

from indexer.ingest.crawl.config import Site
from indexer.ingest.crawl.fetch import Fetcher, FetchError
from indexer.ingest.crawl.report import CrawlReport
from indexer.ingest.crawl.state import CrawlState, Page
from indexer.ingest.crawl.urls import host_of
from indexer.ingest.formats.attachments import (
    MAX_ATTACHMENTS_CHARS,
    READABLE,
    AttachmentError,
    attachment_suffix,
    attachment_text,
)
from indexer.ingest.formats.saved import SavedAttachment


class Crawl(Protocol):
    """What fetching attachments needs of the crawl under way (a SiteCrawl):
    named here so this module does not import the crawler that calls it."""

    site: Site
    state: CrawlState
    fetcher: Fetcher
    report: CrawlReport


def fetch_attachments(
    crawl: Crawl, links: list[tuple[str, str]]
) -> tuple[list[SavedAttachment], list[Page]]:
    """The readable attachments among ``links`` [(name, url)] with their
    text, and the state rows to record; the rest are reported as skipped or
    failed, by URL."""
    saved: list[SavedAttachment] = []
    pages: list[Page] = []
    budget = MAX_ATTACHMENTS_CHARS
    for name, url in links:
        suffix = attachment_suffix(url)
        if suffix not in READABLE:
            crawl.report.skip(url, f"attachment type {suffix} is not read")
            continue
        if host_of(url) not in crawl.site.hosts:
            crawl.report.skip(url, "attachment on another host")
            continue
        page = _attachment(crawl, url, suffix)
        if page is None:
            continue
        pages.append(page)
        if page.text and budget > 0:
            saved.append(SavedAttachment(name, url, page.text[:budget]))
            budget -= len(page.text)
    return saved, pages


def _attachment(crawl: Crawl, url: str, suffix: str) -> Page | None:
    """The state row of one attachment with its text, fetched if it changed."""
    known = crawl.state.page(url)
    usable = known is not None and known.status == "ok" and known.text is not None
    try:
        response = crawl.fetcher.get(
            url,
            crawl.site.max_attachment_bytes,
            etag=known.etag if usable and known else None,
            last_modified=known.last_modified if usable and known else None,
            pages_only=False,
        )
    except FetchError as e:
        crawl.report.fail(url, str(e))
        return None
    if response.status == 304 and known is not None:
        return known
    if response.status != 200:
        crawl.report.fail(url, f"HTTP {response.status}")
        return None
    try:
        text = attachment_text(response.body, suffix)
    except AttachmentError as e:
        crawl.report.skip(url, str(e))
        return None
    crawl.report.attachments += 1
    return Page(
        url=url,
        site=crawl.site.name,
        kind="attachment",
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        text=text,
    )
