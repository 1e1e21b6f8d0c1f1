"""``crawl --test URL``: fetch one page and say what a crawl would do with it
(follow it? save it as an article? what would be extracted?), writing
nothing: for checking a site's configuration before the first crawl."""

from __future__ import annotations

import json

import httpx

from indexer.errors import ArticleError
from indexer.ingest.crawl.config import Site
from indexer.ingest.crawl.fetch import Fetcher, FetchError
from indexer.ingest.crawl.pages import is_feed, read_article, read_feed, read_links
from indexer.ingest.crawl.urls import canonical_url, corpus_path, host_of
from indexer.ingest.decode import check_bytes, decode_html


def inspect_url(site: Site, url: str, transport: httpx.BaseTransport | None = None) -> dict:
    """What a crawl of ``site`` would do with ``url``, as a dict for printing."""
    url = canonical_url(url) or url
    result: dict = {"url": url, "followed": False, "saved": False}
    if host_of(url) not in site.hosts:
        return {**result, "reason": "not on the site's hosts: " + ", ".join(sorted(site.hosts))}
    if not site.allows(url):
        return {**result, "reason": "excluded by the site's allow/deny patterns"}
    client = httpx.Client(
        timeout=httpx.Timeout(site.timeout),
        headers={"User-Agent": site.user_agent},
        transport=transport,
    )
    fetcher = Fetcher(site, client)
    try:
        if not fetcher.allowed(url):
            return {**result, "reason": "disallowed by robots.txt"}
        response = fetcher.get(url, site.max_page_bytes)
        result["followed"] = True
        result["status"] = response.status
        if response.status != 200:
            return {**result, "reason": f"HTTP {response.status}"}
        final = canonical_url(response.url) or url
        return {**result, **_what_is_in(site, fetcher, final, response)}
    except FetchError as e:
        return {**result, "followed": True, "reason": str(e)}
    finally:
        fetcher.close()


def format_inspection(found: dict, as_json: bool = False) -> str:
    """What inspect_url found, as ``key: value`` lines (or JSON)."""
    if as_json:
        return json.dumps(found, ensure_ascii=False, indent=2)
    lines = [f"{key}: {value}" for key, value in found.items() if key != "attachments"]
    lines += [f"attachment: {a['name']} <{a['url']}>" for a in found.get("attachments", [])]
    return "\n".join(lines)


def _what_is_in(site: Site, fetcher: Fetcher, url: str, response) -> dict:
    if is_feed(response.body, response.content_type):
        return {"kind": "feed", "links": len(read_feed(response.body, url))}
    try:
        check_bytes(response.body, url)
        html = decode_html(response.body)
    except (ArticleError, ValueError) as e:
        return {"reason": getattr(e, "reason", str(e))}
    links = read_links(html, url)
    identity = links.canonical if host_of(links.canonical) in site.hosts else url
    follow = [] if links.nofollow else links.links
    follow = [
        u for u in follow if host_of(u) in site.hosts and site.allows(u) and fetcher.allowed(u)
    ]
    found = {"links_followed": len(follow), "noindex": links.noindex, "nofollow": links.nofollow}
    article = None if links.noindex else read_article(html, identity, links, site.selectors)
    if article is None:
        reason = "noindex" if links.noindex else "a list or navigation page, not an article"
        return {**found, "kind": "list", "reason": reason}
    return {
        **found,
        "kind": "article",
        "saved": True,
        "file": corpus_path(identity),
        "title": article.title,
        "date": article.date,
        "column": article.column,
        "source": article.source,
        "body_chars": len(article.body),
        "attachments": [{"name": n, "url": u} for n, u in links.attachments],
    }
