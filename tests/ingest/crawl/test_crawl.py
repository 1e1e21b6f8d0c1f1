"""A first crawl saves exactly the articles; a second one fetches only what changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import indexer
from indexer.ingest.corpus import iter_corpus_files
from indexer.ingest.crawl import Site, crawl
from indexer.ingest.load import load_file
from tests.ingest.crawl.fixtures import (
    ARTICLES,
    DOCX_TEXT,
    G1,
    G2,
    G3,
    G4,
    G5,
    G6,
    J1,
    NOFOLLOW,
    NOINDEX,
    PDF_TEXT,
    RSS_ONLY,
    SITEMAP_ONLY,
    T1,
    build,
)
from tests.ingest.crawl.site import COLUMNS, FixtureSite, Reply


def saved_files(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in iter_corpus_files(corpus))


def file_of(site, post) -> str:
    return f"sites/127.0.0.1_{site.server.server_port}{post.path}"


def test_first_crawl_saves_exactly_the_articles(site, run_crawl, tmp_path):
    report = run_crawl()
    corpus = tmp_path / "corpus"
    assert saved_files(corpus) == sorted(file_of(site, p) for p in ARTICLES)
    assert sorted(report.new) == sorted(site.base + p.path for p in ARTICLES)
    assert (report.changed, report.removed) == ([], [])
    assert report.failed == [[site.base + "/missing.html", "HTTP 404"]]
    doc = site.base + "/tzgg/files/W020211105_3.doc"
    assert report.skipped == [[doc, "attachment type .doc is not read"]]
    assert report.attachments == 2
    requested = site.requests()
    assert not [p for p in requested if p.startswith("/internal/")]  # robots.txt
    assert NOFOLLOW.path not in requested and NOINDEX.path in requested
    assert [p for p in requested if p.startswith("/calendar/")] == [
        "/calendar/?date=2021-11-01",
        "/calendar/?date=2021-11-02",
        "/calendar/?date=2021-11-03",
    ]
    assert requested.count(G1.path) == 1  # ?utm_source, #top and the redirect are one page
    assert report.requested == len(requested)


def test_crawled_articles_are_searchable_with_their_fields(site, run_crawl, tmp_path):
    run_crawl()
    indexer.reindex(tmp_path / "corpus", tmp_path / "index")
    with indexer.open_index(tmp_path / "index") as ix:
        found = [indexer.get_article(ix, file_of(site, p)) for p in ARTICLES]
        assert [(a.title, a.date, a.column, a.source, a.source_url) for a in found] == [
            (p.title, p.date, COLUMNS[p.column], "西双版纳先锋", site.base + p.path)
            for p in ARTICLES
        ]
        assert found[0].body == "\n".join(G1.paragraphs)  # no chrome, no 今天是 widget
        for phrase in ("橡胶林管护", "覆盖全部边境村寨"):  # from the PDF, from the DOCX
            hits = indexer.search(ix, f"“{phrase}”").hits
            assert [h.id for h in hits] == [file_of(site, T1)]
        notice = found[ARTICLES.index(T1)]
        assert notice.attachments == (
            ("附件1：示范带建设方案.docx", site.base + "/tzgg/files/W020211105_1.docx"),
            ("附件2：橡胶林管护办法.pdf", site.base + "/tzgg/files/W020211105_2.pdf"),
        )
        assert notice.paragraphs[1:] == [
            "附件1：示范带建设方案.docx",
            *DOCX_TEXT,
            "附件2：橡胶林管护办法.pdf",
            *PDF_TEXT,
        ]


def test_second_crawl_fetches_only_new_and_changed_pages(site, run_crawl, tmp_path):
    run_crawl()
    indexer.reindex(tmp_path / "corpus", tmp_path / "index")
    edited = replace(G2, paragraphs=(*G2.paragraphs, "本文于11月12日更新：示范带再添新村寨。"))
    build(site, [G6, G5, G4, edited, G1])  # G6 new on top, G2 edited, G3 removed
    site.clear_log()
    report = run_crawl()
    assert (report.new, report.changed, report.removed) == (
        [site.base + G6.path],
        [site.base + G2.path],
        [site.base + G3.path],
    )
    full = sorted(p for p, status in site.log if status == 200)
    assert full == sorted(["/robots.txt", "/gzdt/", G6.path, G2.path])
    assert sorted(site.requests(404)) == sorted(["/missing.html", G3.path])
    unchanged = [G1, G4, G5, SITEMAP_ONLY, RSS_ONLY, J1, T1, NOINDEX]
    lists = ["/", "/sitemap.xml", "/rss.xml", "/gzdt/index_1.html", "/jcdj/", "/tzgg/"]
    expected_304 = [*lists, *(p.path for p in unchanged)]
    expected_304 += [f"/calendar/?date=2021-11-0{d}" for d in (1, 2, 3)]
    assert sorted(site.requests(304)) == sorted(expected_304)
    assert site.requests(301) == ["/old-link.html"]  # leads to G1, revalidated already
    result = indexer.reindex(tmp_path / "corpus", tmp_path / "index")
    assert (result.added, result.updated, result.deleted) == (
        [file_of(site, G6)],
        [file_of(site, G2)],
        [file_of(site, G3)],
    )
    with indexer.open_index(tmp_path / "index") as ix:
        hits = indexer.search(ix, "“示范带再添新村寨”").hits
        assert [h.id for h in hits] == [file_of(site, G2)]


def test_a_page_that_fails_is_never_removed(site, run_crawl, tmp_path):
    run_crawl()
    site.pages[G4.path] = Reply(500, b"busy")
    report = run_crawl()
    assert sorted(report.failed) == [
        [site.base + G4.path, "HTTP 500"],
        [site.base + "/missing.html", "HTTP 404"],
    ]
    assert report.removed == []
    assert (tmp_path / "corpus" / file_of(site, G4)).is_file()
    assert site.requests(500) == [G4.path] * 3  # two retries


ODD_PAGE = """<html><head><meta charset="utf-8"><title>一个布局特别的网站</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<div class="headline">勐罕镇：党建引领傣族园村寨旅游</div>
<div class="when">2021/11/18</div><div class="where">乡村振兴</div>
<div class="text"><p>勐罕镇党委以党建引领村寨旅游发展，带动傣族园五个村寨的群众增收。</p>
<p>今年以来接待游客20万人次。</p></div></body></html>"""


def test_a_sites_selectors_read_what_the_built_in_extraction_misses(tmp_path):
    server = FixtureSite().start()
    try:
        server.html(
            "/index.html", '<html><body><a href="/a/1.html">勐罕镇村寨旅游</a></body></html>'
        )
        server.html("/a/1.html", ODD_PAGE)
        selectors = {"title": ".headline", "date": ".when", "column": ".where", "body": ".text"}
        plain = Site("odd", (server.base + "/",), delay=0)
        assert crawl([plain], tmp_path / "plain").new == []  # no date found: not an article
        report = crawl([replace(plain, selectors=selectors)], tmp_path / "corpus")
        assert report.new == [server.base + "/a/1.html"]
        saved = tmp_path / "corpus" / f"sites/127.0.0.1_{server.server.server_port}/a/1.html"
        article = load_file(saved, tmp_path / "corpus")[0][0]
        assert (article.title, article.date, article.column, article.body) == (
            "勐罕镇：党建引领傣族园村寨旅游",
            "2021-11-18",
            "乡村振兴",
            "勐罕镇党委以党建引领村寨旅游发展，带动傣族园五个村寨的群众增收。\n今年以来接待游客20万人次。",
        )
    finally:
        server.stop()


def test_an_article_that_moved_is_saved_once_under_its_new_address(site, run_crawl, tmp_path):
    run_crawl()
    moved = replace(G4, number=100044)
    build(site, [G5, moved, G3, G2, G1])
    site.pages[G4.path] = Reply(301, b"", {"Location": moved.path})
    report = run_crawl()

    assert (report.new, report.removed) == ([site.base + moved.path], [site.base + G4.path])
    assert saved_files(tmp_path / "corpus") == sorted(
        file_of(site, p) for p in [*ARTICLES[:3], moved, *ARTICLES[4:]]
    )


def test_an_unreachable_robots_txt_stops_the_host(site, run_crawl, tmp_path):
    site.pages["/robots.txt"] = Reply(503, b"down")
    report = run_crawl()
    reason = "robots.txt unavailable (HTTP 503): the host is not crawled"
    assert report.failed == [[site.base + "/", reason]]
    assert site.requests() == ["/robots.txt"] * 3  # with two retries
    assert saved_files(tmp_path / "corpus") == []
