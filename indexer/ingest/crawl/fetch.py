"""Polite HTTP for one site: robots.txt (Protego), a delay between requests
to a host, conditional GET, redirects kept on the site, Retry-After, retries
with backoff, and a byte cap and a deadline on every response.

httpx does the HTTP; what is here is policy. Every way a URL can fail ends in
a :class:`FetchError` whose message is the per-URL reason the crawl reports.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from protego import Protego

from indexer.ingest.crawl.config import Site
from indexer.ingest.crawl.urls import canonical_url, host_of

MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
MAX_ROBOTS_BYTES = 500_000


class FetchError(Exception):
    """A URL that gave nothing usable; the message says why, for the report."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200 or 304 (or 404/410 for a page that is gone)
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class Fetcher:
    """Fetches the URLs of one site, one request at a time.

    ``sleep`` and ``clock`` are injectable so tests run at full speed and can
    see the waits the crawler chose (Retry-After, backoff) without sleeping.
    """

    def __init__(
        self,
        site: Site,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.site = site
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(site.timeout),
            headers={"User-Agent": site.user_agent},
            follow_redirects=False,
        )
        self.sleep = sleep
        self.clock = clock
        self.robots: dict[str, Protego | None] = {}
        self.robots_error: dict[str, str] = {}  # host -> why its robots.txt could not be read
        self.last_request: dict[str, float] = {}
        self.requests = 0
        self.bytes = 0

    def close(self) -> None:
        self.client.close()

    # --- robots.txt -----------------------------------------------------------

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this crawler fetch ``url``."""
        rules = self._robots(url)
        return rules is None or rules.can_fetch(url, self.site.user_agent)

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps robots.txt names for ``url``'s host."""
        rules = self._robots(url)
        return list(rules.sitemaps) if rules is not None else []

    def _robots(self, url: str) -> Protego | None:
        host = host_of(url)
        if host not in self.robots:
            scheme = url.split(":", 1)[0]
            self.robots[host] = None  # no robots.txt: everything allowed
            try:
                response = self.get(f"{scheme}://{host}/robots.txt", MAX_ROBOTS_BYTES, robots=False)
            except FetchError as e:
                if not str(e).startswith("HTTP 4"):
                    # RFC 9309: a robots.txt that cannot be reached (5xx, network
                    # errors) means nothing may be fetched; a 4xx means no rules.
                    self.robots[host] = Protego.parse("User-agent: *\nDisallow: /\n")
                    self.robots_error[host] = str(e)
                return self.robots[host]
            if response.status == 200:
                text = response.body.decode("utf-8", "replace")
                self.robots[host] = Protego.parse(text)
        return self.robots[host]

    def delay(self, host: str) -> float:
        """Seconds between two requests to ``host``: the site's delay, or
        robots.txt's Crawl-delay when that is longer."""
        rules = self.robots.get(host)
        asked = rules.crawl_delay(self.site.user_agent) if rules is not None else None
        return max(self.site.delay, float(asked or 0))

    # --- GET ------------------------------------------------------------------

    def get(
        self,
        url: str,
        max_bytes: int,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = True,
        done: Callable[[str], bool] | None = None,
        pages_only: bool = True,
        validated: str | None = None,
    ) -> Response:
        """GET ``url``, following redirects within the site's hosts.

        Returns a 200 or 304 response, or a 404/410 one (the page is gone),
        or the redirect itself when it leads to a URL ``done`` says needs no
        second visit; raises FetchError for anything else. With
        ``pages_only``, a body that is not HTML or XML is not downloaded.
        The validators (``etag``, ``last_modified``) are sent only to the URL
        they belong to, ``validated`` (default ``url``), wherever in the
        redirects it comes: a 304 from another page would say nothing.
        """
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        validated = validated or url
        seen = [url]
        while True:
            if robots and not self.allowed(url):
                error = self.robots_error.get(host_of(url))
                if error:
                    raise FetchError(f"robots.txt unavailable ({error}): the host is not crawled")
                raise FetchError("disallowed by robots.txt")
            headers = conditional if url == validated else {}
            response = self._request(url, headers, max_bytes, pages_only)
            if response.status not in REDIRECT_CODES:
                return _checked(response)
            url = _redirect_target(response, seen, self.site.hosts)
            if done is not None and done(url):
                return Response(url, response.status, response.headers, b"")
            seen.append(url)

    def _request(
        self, url: str, headers: dict[str, str], max_bytes: int, pages_only: bool
    ) -> Response:
        """One URL with retries: network errors and 5xx back off, 429/503 wait Retry-After."""
        backoff = self.site.backoff
        for attempt in range(self.site.retries + 1):
            last = attempt == self.site.retries
            try:
                response = self._once(url, headers, max_bytes, pages_only)
            except httpx.TransportError as e:
                if last:
                    raise FetchError(f"network error: {_describe(e)}") from e
                self.sleep(backoff)
                backoff *= 2
                continue
            wait = _retry_after(response.headers.get("retry-after"))
            if response.status in (429, 503) and wait is not None:
                if wait > self.site.max_retry_after or last:
                    raise FetchError(f"HTTP {response.status}, retry after {wait:.0f} s")
                self.sleep(wait)
                continue
            if response.status >= 500 and not last:
                self.sleep(backoff)
                backoff *= 2
                continue
            return response
        raise AssertionError("unreachable")

    def _once(
        self, url: str, headers: dict[str, str], max_bytes: int, pages_only: bool
    ) -> Response:
        """One request, after the host's delay, its body read up to the cap and deadline."""
        host = host_of(url)
        wait = self.last_request.get(host, -1e9) + self.delay(host) - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.last_request[host] = self.clock()
        self.requests += 1
        started = self.clock()
        with self.client.stream("GET", url, headers=headers) as r:
            kind = r.headers.get("content-type", "").split(";")[0].strip().lower()
            if pages_only and r.status_code == 200 and not _is_page_type(kind):
                raise FetchError(f"not an HTML page but {kind}")
            size = _content_length(r.headers.get("content-length"))
            if size > max_bytes:
                raise FetchError(f"too large: {size:,} bytes, the limit is {max_bytes:,}")
            chunks, total = [], 0
            for chunk in r.iter_bytes():
                total += len(chunk)
                self.bytes += len(chunk)
                if total > max_bytes:
                    raise FetchError(f"too large: over {max_bytes:,} bytes")
                if self.clock() - started > self.site.deadline:
                    raise FetchError(f"too slow: over {self.site.deadline:.0f} s")
                chunks.append(chunk)
            self.last_request[host] = self.clock()
            return Response(str(r.url), r.status_code, r.headers, b"".join(chunks))


def _content_length(value: str | None) -> int:
    """The declared body size; 0 when absent or not a number (the cap still holds)."""
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _is_page_type(kind: str) -> bool:
    """HTML, XML (sitemaps, feeds), or no type at all (then the body decides)."""
    return kind in ("", "text/html", "application/xhtml+xml", "text/plain") or "xml" in kind


def _checked(response: Response) -> Response:
    if response.status in (200, 304, 404, 410):
        return response
    raise FetchError(f"HTTP {response.status}")


def _redirect_target(response: Response, seen: list[str], hosts: frozenset[str]) -> str:
    location = response.headers.get("location", "")
    target = canonical_url(location, response.url) if location else ""
    if not target:
        raise FetchError(f"HTTP {response.status} without a usable Location")
    if host_of(target) not in hosts:
        raise FetchError(f"redirect to another host: {target}")
    if target in seen or canonical_url(target) in map(canonical_url, seen):
        raise FetchError(f"redirect loop: {' -> '.join([*seen, target])}")
    if len(seen) > MAX_REDIRECTS:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    return target


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(error: httpx.TransportError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
