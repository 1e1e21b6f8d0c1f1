"""One spelling per page, a safe place in the corpus, and the trap patterns."""

from __future__ import annotations

import pytest

from indexer.ingest.crawl import Site
from indexer.ingest.crawl.urls import canonical_url, corpus_path, is_endless_path, trap_pattern


@pytest.mark.parametrize(
    "href, expected",
    [
        ("http://WWW.Example.gov.cn:80/gzdt/index.html#top", "http://www.example.gov.cn/gzdt/"),
        ("/gzdt/a.html?utm_source=wx&id=3", "http://x.cn/gzdt/a.html?id=3"),
        ("../b.html", "http://x.cn/b.html"),
        ("javascript:void(0)", ""),
        ("mailto:a@x.cn", ""),
        ("http://[::1", ""),
    ],
)
def test_canonical_url(href, expected):
    assert canonical_url(href, "http://x.cn/gzdt/list.html") == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://x.cn/", "sites/x.cn/index.html"),
        (
            "http://x.cn:8080/gzdt/202110/t20211001_1.html",
            "sites/x.cn_8080/gzdt/202110/t20211001_1.html",
        ),
        ("http://x.cn/a/b.shtml", "sites/x.cn/a/b.html"),
        ("http://x.cn/show.aspx?id=7", "sites/x.cn/show.aspx_c53d0f057f.html"),
        ("http://x.cn/%2e%2e/%2E%2E/etc/passwd", "sites/x.cn/etc/passwd.html"),
        ("http://x.cn/.hidden/a%2Fb.html", "sites/x.cn/_hidden/a/b.html"),
    ],
)
def test_corpus_path_stays_in_the_sites_folder(url, expected):
    assert corpus_path(url) == expected


def test_trap_patterns_cap_queries_and_page_numbers_not_articles():
    assert [
        trap_pattern("http://x.cn/calendar/?date=2021-11-01&view=day"),
        trap_pattern("http://x.cn/gzdt/index_12.html"),
        trap_pattern("http://x.cn/gzdt/202110/t20211001_123456.html"),
    ] == ["/calendar/?date&view", "/gzdt/index_#.html", ""]


def test_relative_link_loops_are_not_followed():
    assert [
        is_endless_path("http://x.cn/gzdt/202110/t20211001_1.html"),
        is_endless_path("http://x.cn/a/b/a/b/a/b/c.html"),
        is_endless_path("http://x.cn/" + "/".join(f"d{i}" for i in range(13))),
    ] == [False, True, True]


def test_a_sites_hosts_are_spelled_as_its_links_are():
    site = Site("x", ("HTTP://WWW.X.cn:80/", "https://m.x.cn:8443/a"))
    assert site.hosts == frozenset({"www.x.cn", "m.x.cn:8443"})
