"""The crawl of one site: the queue from the crawl state, one URL at a time,
each ending in one state transaction (see state.py).

A URL is an article (saved under corpus/sites/, its attachments' text with
it), a list or navigation page (followed, never saved), or a sitemap or feed
(its URLs queued). Known pages are asked for with their validators, so an
unchanged one costs one 304. An article that answers 404 or 410 loses its
file; errors and 5xx never remove anything.

A crawl asks for what can have changed, not for every page it knows (at
100,000 articles and a polite second a request, that would take a day):

- its seeds: the start URLs, the sitemaps, and the ``Site.revalidate`` known
  pages checked longest ago (a rolling revalidation that finds edits and
  deletions nothing announces; all of them with ``REVALIDATE_ALL``);
- any URL never seen before, or whose last visit failed;
- a known page a sitemap or feed dates after its last visit;
- known feeds, and known list and navigation pages without a page number or
  query (column indexes: where new articles show up first);
- known numbered list pages (``index_3.html``) only when linked from a page
  that links something new: page 2 of a column is read when page 1 grew, and
  the walk down the pages stops at the first page with nothing new.

A known article linked from a list page is otherwise not asked for again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ArticleError
from indexer.ingest.corpus import content_hash
from indexer.ingest.crawl.attach import fetch_attachments
from indexer.ingest.crawl.config import Site
from indexer.ingest.crawl.fetch import REDIRECT_CODES, Fetcher, FetchError, Response
from indexer.ingest.crawl.pages import (
    feed_entries,
    is_feed,
    read_article,
    read_links,
    selected_fields,
)
from indexer.ingest.crawl.report import CrawlReport
from indexer.ingest.crawl.state import CrawlState, Known, Page
from indexer.ingest.crawl.store import remove_file, remove_leftovers, write_atomic
from indexer.ingest.crawl.urls import (
    SITES_FOLDER,
    canonical_url,
    corpus_path,
    host_of,
    is_endless_path,
    trap_pattern,
)
from indexer.ingest.decode import check_bytes, decode_html
from indexer.ingest.formats.saved import wrap_page

HTML_TYPES = ("text/html", "application/xhtml+xml", "")
Progress = Callable[[int, int], None]


class SiteCrawl:
    """One crawl of one site into ``corpus_dir``."""

    def __init__(self, site: Site, corpus_dir: Path, state: CrawlState, fetcher: Fetcher) -> None:
        self.site, self.corpus_dir = site, Path(corpus_dir)
        self.state, self.fetcher = state, fetcher
        self.report = CrawlReport()
        self._elapsed: Callable[[], float] = lambda: 0.0
        # /sitemap.xml of each host: asked for although nothing names it
        self.guessed = {canonical_url("/sitemap.xml", u) for u in site.start_urls}

    def run(self, progress: Progress | None = None) -> CrawlReport:
        """Crawl until the queue is empty or the page limit is reached."""
        started = time.monotonic()
        name = self.site.name
        if not self.state.resume(name):
            self.state.begin(name, self._seeds())
        self.report = CrawlReport.from_dict(self.state.totals(name))
        self.report.requested += self.fetcher.requests  # robots.txt, read for the seeds
        self.report.bytes += self.fetcher.bytes
        self.report.unfinished = []
        seconds_before = self.report.seconds
        self._elapsed = lambda: seconds_before + time.monotonic() - started
        for host in self.site.hosts:
            remove_leftovers(self.corpus_dir / SITES_FOLDER / host.replace(":", "_"))
        requests_at_start = self.fetcher.requests
        while (url := self.state.next_url(name)) is not None:
            if self.fetcher.requests - requests_at_start >= self.site.max_pages:
                self.report.unfinished.append(name)
                break
            self._step(url)
            if progress is not None:
                progress(*self.state.queued(name))
        else:
            self.state.close_run(name)
        return self.report

    def _seeds(self) -> list[tuple[str, str]]:
        """Start URLs, sitemaps (robots.txt's and /sitemap.xml) and every known article."""
        urls = [canonical_url(u) for u in self.site.start_urls]
        for start in self.site.start_urls:
            urls += [canonical_url(u, start) for u in self.fetcher.sitemaps(start)]
        urls += sorted(self.guessed)
        urls += self.state.due(self.site.name, self.site.revalidate)
        return [(u, trap_pattern(u)) for u in dict.fromkeys(urls) if u]

    def _step(self, url: str) -> None:
        """Visit one URL and record it, its rows and its links in one transaction."""
        requests, size = self.fetcher.requests, self.fetcher.bytes
        pages, links, done = self._visit(url)
        self.report.requested += self.fetcher.requests - requests
        self.report.bytes += self.fetcher.bytes - size
        self.report.seconds = self._elapsed()
        self.state.finish(self.site.name, [url, *done], pages, links, self.report.as_dict())

    def _visit(self, url: str) -> tuple[list[Page], list[tuple[str, str]], list[str]]:
        """Fetch ``url``: (state rows to save, links to queue, other URLs it settles)."""
        known = self._known(url)
        usable = known.status == "ok" and (known.path or known.kind != "article")
        try:
            response = self.fetcher.get(
                url,
                self.site.max_page_bytes,
                etag=known.etag if usable else None,
                last_modified=known.last_modified if usable else None,
                done=lambda target: self.state.is_done(self.site.name, target),
                validated=known.url,
            )
        except FetchError as e:
            if url not in self.guessed:
                self.report.fail(url, str(e))
            return [], [], []
        final = canonical_url(response.url) or url
        aliases = [self._alias(url, final)] if final != url else []
        if aliases:
            self._moved(url)
        if response.status in REDIRECT_CODES:  # to a page visited already
            return aliases, [], []
        if final != known.url:
            known = self._known(final)
        if response.status in (404, 410):
            return [self._gone(known, response.status), *aliases], [], [final]
        if response.status == 304:
            self.report.unchanged += 1
            return [known, *aliases], self._queueable(known.links), [final]
        pages, links, done = self._fetched(final, known, response)
        return [*pages, *aliases], links, [final, *done]

    def _moved(self, url: str) -> None:
        """An article URL that now redirects: its file goes (the page is saved
        under the address it moved to)."""
        old = self.state.page(url)
        if old is not None and old.kind == "article" and old.path:
            remove_file(self.corpus_dir / old.path)
            self.report.removed.append(url)

    def _known(self, url: str) -> Page:
        """What the state knows of ``url``: for an alias (a redirect, a page
        naming another as canonical), the page it stands for."""
        page = self.state.page(url) or Page(url=url, site=self.site.name)
        if page.kind == "alias" and page.links:
            return self.state.page(page.links[0]) or Page(url=page.links[0], site=self.site.name)
        return page

    def _alias(self, url: str, target: str) -> Page:
        return Page(url=url, site=self.site.name, kind="alias", links=[target])

    def _gone(self, known: Page, status: int) -> Page:
        """A page that answers 404/410: an article's file is removed, anything else reported."""
        if known.kind == "article" and known.path:
            remove_file(self.corpus_dir / known.path)
            self.report.removed.append(known.url)
        elif known.url not in self.guessed:  # a site without /sitemap.xml is no error
            self.report.fail(known.url, f"HTTP {status}")
        known.status, known.path, known.etag, known.last_modified = "gone", None, None, None
        return known

    def _fetched(self, url: str, known: Page, response: Response):
        """A 200 from ``url`` (after redirects): a feed, an article or a list page."""
        self.report.downloaded += 1
        validators = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        if is_feed(response.body, response.content_type):
            entries = feed_entries(response.body, url)
            listed = list(entries)
            page = Page(url=url, site=self.site.name, kind="feed", links=listed, **validators)
            return [page], self._queueable(listed, dated=entries), []
        if response.content_type not in HTML_TYPES:
            self.report.fail(url, f"not an HTML page but {response.content_type}")
            return [], [], []
        try:
            check_bytes(response.body, url)
            html = decode_html(response.body)
        except (ArticleError, ValueError) as e:
            self.report.fail(url, getattr(e, "reason", str(e)))
            return [], [], []
        links = read_links(html, url)
        pages: list[Page] = []
        canonical = links.canonical
        if canonical and canonical != url and host_of(canonical) in self.site.hosts:
            pages.append(self._alias(url, canonical))  # the page is saved under its canonical URL
            url, known = canonical, self._known(canonical)
        follow = [] if links.nofollow else links.links
        page = Page(url=url, site=self.site.name, kind="list", links=follow, **validators)
        pages.insert(0, page)
        selectors = self.site.selectors
        article = None if links.noindex else read_article(html, url, links, selectors)
        if article is not None:
            page.kind = "article"
            page.attachments = [list(a) for a in links.attachments]
            fields = selected_fields(article, selectors)
            pages += self._save(page, known, response.body, links.attachments, fields)
        return pages, self._queueable(follow, listing=True), [url]

    def _save(self, page: Page, known: Page, body: bytes, attachments, fields) -> list[Page]:
        """Write the article's file (with its attachments' text) unless it is
        the same; the attachments' state rows."""
        saved, attachment_pages = fetch_attachments(self, attachments)
        data = wrap_page(body, page.url, saved, fields)
        page.hash, page.path = content_hash(data), corpus_path(page.url)
        path = self.corpus_dir / page.path
        if known.path == page.path and known.hash == page.hash and path.exists():
            self.report.unchanged += 1
            return attachment_pages
        write_atomic(path, data)
        if known.path and known.path != page.path:
            remove_file(self.corpus_dir / known.path)
        (self.report.changed if known.path else self.report.new).append(page.url)
        return attachment_pages

    def _queueable(
        self, urls: list[str], listing: bool = False, dated: dict[str, float | None] | None = None
    ) -> list[tuple[str, str]]:
        """The URLs worth queueing, with their trap patterns: on the site's
        hosts, worth a request (see the module docstring: ``listing`` says
        they come from a list page just fetched, ``dated`` when a feed says
        each changed), allowed by the site's patterns and robots.txt, under
        the caps."""
        urls = [u for u in urls if self._followable(u)]
        known = self.state.known(urls)
        grew = listing and any(u not in known for u in urls)
        counts: dict[str, int] = {}
        found = []
        for url in urls:
            pattern = trap_pattern(url)
            changed = (dated or {}).get(url)
            if url in known and not _worth_asking(known[url], pattern, grew, changed):
                continue
            if pattern:
                if pattern not in counts:
                    counts[pattern] = self.state.pattern_count(self.site.name, pattern)
                if counts[pattern] >= self.site.max_per_pattern:
                    continue
                counts[pattern] += 1
            found.append((url, pattern))
        return found

    def _followable(self, url: str) -> bool:
        """On the site's hosts, allowed by its patterns and robots.txt, not a trap."""
        if host_of(url) not in self.site.hosts or not self.site.allows(url):
            return False
        return not is_endless_path(url) and self.fetcher.allowed(url)


def _worth_asking(known: Known, pattern: str, grew: bool, changed: float | None) -> bool:
    """Whether a known URL is worth a request in this crawl (it is queued
    anyway when due for revalidation: see SiteCrawl._seeds)."""
    if known.status != "ok":
        return True  # gone or failed last time: it may be back
    if changed is not None:
        return changed > known.last_seen
    if known.kind in ("article", "attachment"):
        return False
    if known.kind == "feed":
        return True
    return grew or not pattern
