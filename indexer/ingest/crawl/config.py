"""What to crawl and how politely: one :class:`Site` per configured site, read
from a TOML file (see sites.example.toml) or made from start URLs given on the
command line. Every default and limit of the crawler has its one home here."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from indexer.errors import IndexerError
from indexer.ingest.crawl.urls import canonical_url

DEFAULT_DELAY = 1.0  # seconds between two requests to one host, at least
DEFAULT_TIMEOUT = 20.0  # seconds to connect, and between two reads
DEFAULT_DEADLINE = 60.0  # seconds one response may take in all (a drip-fed body)
DEFAULT_MAX_PAGES = 10_000  # requests per site and crawl
DEFAULT_MAX_PAGE_BYTES = 2_000_000  # an HTML page, sitemap or feed
DEFAULT_MAX_ATTACHMENT_BYTES = 20_000_000  # a PDF, DOCX or XLSX
DEFAULT_MAX_PER_PATTERN = 200  # URLs with a query string or a page number, per pattern
DEFAULT_RETRIES = 2  # further attempts after a network error or a 5xx
DEFAULT_BACKOFF = 2.0  # seconds before the first retry, doubled at each next one
DEFAULT_MAX_RETRY_AFTER = 300.0  # a longer Retry-After gives up on the URL for this crawl
# Known pages asked for again in each crawl, those checked longest ago (a rolling
# revalidation: at 200 a crawl, a site of 100,000 articles is gone through in 500
# crawls); new and changed pages come from list pages, sitemaps and feeds (crawler.py).
DEFAULT_REVALIDATE = 200
REVALIDATE_ALL = -1  # every known page, this crawl (the command line's --revalidate-all)
DEFAULT_CONTACT = ""  # the operator's contact URL, named in the User-Agent when set
USER_AGENT = "xsbn-policy-search-crawler/0.1"
SELECTOR_FIELDS = ("title", "date", "column", "body")


class ConfigError(IndexerError):
    """A crawl that cannot start: no URL and no configuration, or a bad one."""


@dataclass(frozen=True)
class Site:
    """One site to crawl and the rules for it.

    ``allow``/``deny`` are regular expressions searched in each absolute URL
    (deny wins); by default every URL on the start URLs' hosts is allowed.
    ``selectors`` are CSS selectors for title/date/column/body, for a site
    whose pages the built-in extraction reads wrong.
    """

    name: str
    start_urls: tuple[str, ...]
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    delay: float = DEFAULT_DELAY
    max_pages: int = DEFAULT_MAX_PAGES
    max_per_pattern: int = DEFAULT_MAX_PER_PATTERN
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    revalidate: int = DEFAULT_REVALIDATE
    contact: str = DEFAULT_CONTACT

    @property
    def hosts(self) -> frozenset[str]:
        """The hosts (with port) links are followed on: those of the start URLs."""
        return frozenset(urlsplit(canonical_url(u)).netloc for u in self.start_urls)

    @property
    def user_agent(self) -> str:
        return f"{USER_AGENT} (+{self.contact})" if self.contact else USER_AGENT

    def allows(self, url: str) -> bool:
        """Whether the allow/deny patterns let ``url`` be fetched."""
        if any(re.search(p, url) for p in self.deny):
            return False
        return not self.allow or any(re.search(p, url) for p in self.allow)


def sites_from_urls(urls: list[str], **overrides: object) -> list[Site]:
    """One site per host of ``urls``, each starting from its URLs."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"not an http(s) address: {url!r}")
        by_host.setdefault(parts.netloc.lower(), []).append(url)
    return [with_overrides(Site(h, tuple(u)), overrides) for h, u in by_host.items()]


def load_sites(path: Path, **overrides: object) -> list[Site]:
    """The sites of a TOML config file: ``[[site]]`` tables (see sites.example.toml)."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(missing_config_message(path)) from e
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the crawl configuration: {e}") from e
    defaults = data.get("defaults", {})
    tables = data.get("site", [])
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no [[site]] table; see sites.example.toml")
    return [with_overrides(_site(path, {**defaults, **t}), overrides) for t in tables]


def missing_config_message(path: Path) -> str:
    return (
        f"nothing to crawl: give start URLs (crawl https://example.gov.cn/) or list the"
        f" sites in {path} (copy sites.example.toml there and set the site's address)"
    )


def with_overrides(site: Site, overrides: dict[str, object]) -> Site:
    """``site`` with the command line's settings (None means not given)."""
    given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    return replace(site, **given) if given else site


_KNOWN = {f.name for f in fields(Site)} | {"start_url"}


def _site(path: Path, table: dict) -> Site:
    """One [[site]] table as a Site; unknown keys and bad values are errors."""
    unknown = set(table) - _KNOWN
    name = str(table.get("name") or "")
    where = f"{path}: site {name!r}" if name else f"{path}: a [[site]]"
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    starts = table.pop("start_urls", None) or [table.pop("start_url", None)]
    table.pop("start_url", None)
    if not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in starts):
        raise ConfigError(f"{where}: start_urls must be a list of http(s) addresses")
    selectors = table.get("selectors", {})
    if not isinstance(selectors, dict) or set(selectors) - set(SELECTOR_FIELDS):
        raise ConfigError(f"{where}: selectors may set {', '.join(SELECTOR_FIELDS)}")
    for key in ("allow", "deny"):
        table[key] = tuple(table.get(key, ()))
        for pattern in table[key]:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as e:
                raise ConfigError(f"{where}: bad {key} pattern {pattern!r}: {e}") from e
    _check_numbers(where, table)
    name = name or urlsplit(starts[0]).netloc
    return Site(**{**table, "name": name}, start_urls=tuple(starts))


def _check_numbers(where: str, table: dict) -> None:
    """Numeric settings must be non-negative numbers (TOML has no units to get wrong)."""
    for f in fields(Site):
        if f.name in table and f.type in ("float", "int"):
            value = table[f.name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{where}: {f.name} must be a number >= 0, not {value!r}")
            table[f.name] = float(value) if f.type == "float" else int(value)
