"""What a recrawl asks for: new pages, the pages where they show up, what a
sitemap says changed, and a few known pages checked longest ago; not every
page it knows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from indexer.ingest.crawl import REVALIDATE_ALL
from tests.ingest.crawl.fixtures import (
    ARTICLES,
    G1,
    G2,
    G3,
    G4,
    G5,
    G6,
    NOINDEX,
    RSS_ONLY,
    SITEMAP_ONLY,
    build,
)
from tests.ingest.crawl.site import Reply

EDITED = replace(G2, paragraphs=(*G2.paragraphs, "本文于11月12日更新：示范带再添新村寨。"))


def sitemap(site, dated: list[tuple[str, str]]) -> Reply:
    """A sitemap listing (path, lastmod) pairs; "" for no lastmod."""
    urls = "".join(
        f"<url><loc>{site.base}{path}</loc>{f'<lastmod>{day}</lastmod>' if day else ''}</url>"
        for path, day in dated
    )
    xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Reply(body=xml.encode(), headers={"Content-Type": "application/xml"})


def test_a_recrawl_asks_for_new_pages_and_where_they_show_up_not_every_known_page(site, run_crawl):
    run_crawl()
    build(site, [G6, G5, G4, EDITED, G1])  # G6 new on top, G2 edited, G3 removed
    site.clear_log()
    report = run_crawl(revalidate=0)
    assert (report.new, report.changed, report.removed) == ([site.base + G6.path], [], [])
    assert sorted(site.requests(200)) == sorted(["/robots.txt", "/gzdt/", G6.path])
    # the start page, the sitemap and feed, the columns, and page 2 of the
    # column that grew (with the page without a date it links)
    assert sorted(site.requests(304)) == sorted(
        ["/", "/sitemap.xml", "/rss.xml", "/jcdj/", "/tzgg/", "/gzdt/index_1.html", NOINDEX.path]
    )
    assert site.requests(404) == ["/missing.html"]  # a broken link is tried again
    assert report.requested == len(site.requests())


def test_a_page_a_sitemap_dates_after_the_last_visit_is_fetched_again(site, run_crawl):
    run_crawl()
    build(site, [G5, G4, G3, EDITED, G1])
    today = dt.date.today().isoformat()
    dated = [(SITEMAP_ONLY.path, "2021-11-01"), (G1.path, "2021-10-01"), (G2.path, today)]
    site.pages["/sitemap.xml"] = sitemap(site, dated)
    site.clear_log()
    report = run_crawl(revalidate=0)
    assert (report.new, report.changed, report.removed) == ([], [site.base + G2.path], [])
    articles = [p for p in site.requests() if p.startswith("/gzdt/20")]
    assert articles == [G2.path]  # not G1 nor SITEMAP_ONLY, dated before the first crawl


def test_a_silent_edit_is_found_when_its_page_is_revalidated(site, run_crawl):
    run_crawl()
    build(site, [G5, G4, G3, EDITED, G1])
    assert run_crawl(revalidate=0).changed == []
    site.clear_log()
    report = run_crawl(revalidate=REVALIDATE_ALL)
    assert report.changed == [site.base + G2.path]
    unchanged = [G1, G3, G4, G5, SITEMAP_ONLY, RSS_ONLY]
    assert {p.path for p in unchanged} <= set(site.requests(304))


def test_each_crawl_revalidates_the_pages_checked_longest_ago(site, run_crawl):
    run_crawl()
    site.clear_log()
    run_crawl(revalidate=0)
    always = set(site.requests())  # the start page, the sitemap and feed, the columns
    asked = []
    for _ in range(7):
        site.clear_log()
        run_crawl(revalidate=2)
        asked.append([p for p in site.requests() if p not in always])
    assert asked[0] == [G1.path, "/calendar/?date=2021-11-01"]  # checked first the first time
    assert max(len(a) for a in asked) <= 5  # two pages, and what they redirect or lead to
    assert {p.path for p in ARTICLES} <= {p for a in asked for p in a}
