"""The site's pages (web/views.py) on a real index of tests/fixtures/corpus:
the search form, results, paging, inline errors, escaping and articles.

Expectations are about the seed article (勐海县, 三抓三促, 边疆党建长廊 in its
title and body); other fixture articles may match too, so hit lists are compared
with what the library itself returns rather than with a fixed list.
"""

import re
from urllib.parse import quote

import pytest
from conftest import without_own_scripts
from markupsafe import Markup, escape
from web_helpers import PHRASE, SEED, XSS, article_url, fake_hit, fake_page, marked, text

import indexer
from indexer.models import ArticleView
from web import views


def test_home_shows_the_search_form(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert '<form class="search-form" action="/search" method="get" role="search">' in page
    assert 'name="q" value=""' in page
    assert "<title>西双版纳先锋 · 站内搜索</title>" in page
    assert "共找到" not in page


@pytest.mark.parametrize("url", ["/search", "/search?q=", "/search?q=%20%20", "/search?page=2"])
def test_blank_query_shows_the_form_not_zero_results(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="q"' in text(response)
    assert "共找到" not in text(response)


def test_search_lists_the_seed_article_with_highlights(client, app):
    expected = indexer.search(app.extensions["search_index"], PHRASE, 1, 10)
    response = client.get("/search", query_string={"q": PHRASE})
    assert response.status_code == 200
    page = text(response)
    assert f"<title>{PHRASE} - 西双版纳先锋 · 站内搜索</title>" in page
    assert f'name="q" value="{PHRASE}"' in page
    assert f"共找到 <strong>{expected.total}</strong> 篇，用时 " in page
    assert " 毫秒" in page
    links = re.findall(r'<h2 class="hit-title"><a href="([^"]+)">(.*?)</a></h2>', page)
    assert [href for href, _ in links] == [
        article_url(hit.id, PHRASE).replace("&", "&amp;") for hit in expected.hits
    ]
    assert [title for _, title in links] == [str(hit.title_html) for hit in expected.hits]
    snippets = re.findall(r'<p class="hit-snippet">(.*?)</p>', page)
    assert snippets == [str(hit.snippet_html) for hit in expected.hits]
    seed = [href for href, _ in links].index(article_url(SEED, PHRASE))
    assert PHRASE in marked(links[seed][1])
    assert PHRASE in marked(snippets[seed])
    assert "发布时间：2021-10-01" in page
    assert "栏目：工作动态" in page
    assert "来源：西双版纳先锋" in page


def test_search_shows_notices_above_results(client, monkeypatch):
    notice = "引号未闭合，已按普通文本搜索"
    fake_page(monkeypatch, total=1, hits=[fake_hit("a.txt")], notices=[notice])
    page = text(client.get("/search?q=%22abc"))
    assert '<p class="notice">引号未闭合，已按普通文本搜索</p>' in page
    assert page.index('class="notice"') < page.index('class="hits"')


def test_search_paginates_and_keeps_the_query(client, monkeypatch):
    calls = fake_page(monkeypatch, total=95, per_page=10, hits=[fake_hit("a.txt")])
    page = text(client.get("/search", query_string={"q": "党建 & 长廊", "page": 5}))
    assert calls == [("党建 & 长廊", 5, 10)]
    q = quote("党建 & 长廊", safe="").replace("%20", "+")
    start = page.index('<nav class="pager"')
    nav = page[start : page.index("</nav>", start)]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs == [f"/search?q={q}&amp;page={n}" for n in (4, 1, 3, 4, 6, 7, 10, 6)], (
        "上一页, 1 … 3 4 [5] 6 7 … 10, 下一页"
    )
    assert '<span class="pager-num current" aria-current="page">5</span>' in nav
    assert nav.count('<span class="pager-gap">…</span>') == 2
    assert 'rel="prev"' in nav and "上一页" in nav and 'rel="next"' in nav and "下一页" in nav


def test_first_and_last_pages_disable_prev_and_next(client, monkeypatch):
    fake_page(monkeypatch, total=25, hits=[fake_hit("a.txt")])
    first, last = text(client.get("/search?q=a")), text(client.get("/search?q=a&page=3"))
    assert '<span class="pager-step disabled">上一页</span>' in first
    assert '<span class="pager-step disabled">下一页</span>' in last
    assert 'rel="next"' in first and 'rel="prev"' in last


def test_single_page_has_no_pager(client, monkeypatch):
    fake_page(monkeypatch, total=1, hits=[fake_hit("a.txt")])
    assert "pager" not in text(client.get("/search?q=a"))


def test_no_hits_says_so(client, monkeypatch):
    fake_page(monkeypatch, total=0)
    page = text(client.get("/search?q=不存在的词"))
    assert "没有找到与“<strong>不存在的词</strong>”相关的文章。" in page
    assert page.count("没有找到") == 1  # said once, not repeated by a summary and a box
    assert "共找到" not in page


@pytest.mark.parametrize(
    "current, pages, expected",
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
    ],
)
def test_page_links(current, pages, expected):
    assert views.page_links(current, pages) == expected


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "１", "99999999999999999999"])
def test_bad_page_is_an_inline_400(client, page):
    response = client.get("/search", query_string={"q": PHRASE, "page": page})
    assert response.status_code == 400
    body = text(response)
    assert '<p class="notice notice-error" role="alert">页码无效：页码应为正整数。</p>' in body
    assert f'name="q" value="{PHRASE}"' in body


def test_query_error_is_an_inline_400(client, monkeypatch):
    def search(ix, q, page=1, per_page=10, filters=None, synonyms=None):
        raise indexer.errors.QueryError("查询过长")

    monkeypatch.setattr(indexer, "search", search)
    response = client.get("/search?q=abc")
    assert response.status_code == 400
    assert '<p class="notice notice-error" role="alert">查询过长</p>' in text(response)


def test_too_long_query_is_refused_by_the_library(client):
    response = client.get("/search", query_string={"q": "边疆" * 5000})
    assert response.status_code == 400
    assert 'class="notice notice-error"' in text(response)
    api = client.get("/api/search", query_string={"q": "边疆" * 5000})
    assert api.status_code == 400
    assert set(api.get_json()) == {"error"}


@pytest.mark.parametrize("q", [XSS, f"{PHRASE} {XSS}", f'"><img src=x onerror=alert(1)> {PHRASE}'])
def test_user_input_is_escaped_on_every_page(client, q):
    for url in ["/search", "/api/search", f"/article/{SEED}"]:
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, url
        body = without_own_scripts(text(response))
        assert "<script" not in body and "<img" not in body, url
    page = text(client.get("/search", query_string={"q": q}))
    assert f'name="q" value="{escape(q)}"' in page


def test_article_page_highlights_the_query(client):
    response = client.get(article_url(SEED, "勐海县"))
    assert response.status_code == 200
    page = text(response)
    assert "勐海县" in marked(page[page.index('<h1 class="article-title">') :])
    assert "<span>栏目：工作动态</span>" in page
    assert "<span>发布时间：2021-10-01</span>" in page
    assert "<span>来源：西双版纳先锋</span>" in page
    body = page[page.index('<div class="article-body">') :]
    assert body.count("<p>") >= 5
    assert "<mark>勐海县</mark>" in body
    assert f'<a href="/search?q={quote("勐海县")}">‹ 返回搜索结果</a>' in page
    assert 'name="q" value="勐海县"' in page
    assert "勐海县" in page[: page.index("</title>")]


def test_article_page_without_query_has_no_highlights(client):
    page = text(client.get(article_url(SEED)))
    assert "<mark>" not in page
    assert '<a href="/">‹ 返回搜索首页</a>' in page


def test_article_route_passes_ids_with_slash_and_hash(client, monkeypatch):
    seen = []

    def article_view(ix, article_id, q=""):
        seen.append((article_id, q))
        return None

    monkeypatch.setattr(indexer, "article_view", article_view)
    client.get("/article/bulk.jsonl%233?q=x")
    client.get("/article/2021/00001.txt")
    assert seen == [("bulk.jsonl#3", "x"), ("2021/00001.txt", "")]


def test_article_page_renders_a_view(client, monkeypatch):
    article = indexer.models.Article(id="a/b#1", title="T <b>", body="p1\np2", date=None)
    view = ArticleView(article, Markup("T &lt;b&gt;"), [Markup("<mark>p1</mark>"), Markup("p2")])
    monkeypatch.setattr(indexer, "article_view", lambda ix, article_id, q="": view)
    page = text(client.get("/article/a/b%231?q=p1"))
    assert '<h1 class="article-title">T &lt;b&gt;</h1>' in page
    assert "<p><mark>p1</mark></p>" in page and "<p>p2</p>" in page
    assert "发布时间" not in page and "栏目" not in page and "来源" not in page
    assert "<title>T &lt;b&gt; - 西双版纳先锋 · 站内搜索</title>" in page


def test_results_page_links_narrow_and_keep_filters(client):
    html = text(client.get("/search", query_string={"q": "边疆党建长廊", "sort": "date"}))
    assert '<span class="facet-value current" aria-current="true">时间</span>' in html
    assert "column=%E5%B7%A5%E4%BD%9C%E5%8A%A8%E6%80%81" in html  # 工作动态
    assert "from=2022-01-01&amp;to=2022-12-31" in html
    assert "sort=date" in html  # kept in the facet links
    assert "清除筛选" in html


def test_article_page_lists_related_articles(client):
    html = text(client.get("/article/2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"))
    assert '<h2 id="related-heading">相关文章</h2>' in html
    assert 'href="/article/2022-03-15-mengla-changlang-shifandai.txt"' in html
