"""The web layer on a real index built from tests/fixtures/corpus.

Expectations are about the seed article (勐海县, 三抓三促, 边疆党建长廊 in its
title and body); other fixture articles may match too, so hit lists are compared
with what the library itself returns rather than with a fixed list.
"""

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from conftest import without_own_scripts
from flask import Flask
from markupsafe import Markup

import indexer
import search_app
from indexer.models import ArticleView, Hit, SearchPage
from search_app import create_app
from web import views

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
PHRASE = "边疆党建长廊"
SITE = "西双版纳先锋"
XSS = "<script>alert(1)</script>"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def marked(html) -> list[str]:
    """The highlighted runs in ``html``; adjacent <mark>s count as one run."""
    return re.findall(r"<mark>(.*?)</mark>", str(html).replace("</mark><mark>", ""))


def text(response) -> str:
    return response.get_data(as_text=True)


def article_url(article_id: str, q: str = "") -> str:
    url = "/article/" + quote(article_id, safe="/")
    return url + "?q=" + quote(q, safe="") if q else url


def fake_page(monkeypatch, **fields):
    """Make indexer.search return a fixed SearchPage, recording its calls."""
    calls = []
    defaults = dict(query="q", total=0, page=1, per_page=10, took_ms=3.21, hits=[])

    def search(ix, q, page=1, per_page=10, filters=None, synonyms=None):
        calls.append((q, page, per_page))
        return SearchPage(**{**defaults, "query": q, "page": page, **fields})

    monkeypatch.setattr(indexer, "search", search)
    return calls


def fake_hit(article_id: str, title: str = "标题") -> Hit:
    return Hit(
        id=article_id,
        title=title,
        title_html=Markup(title),
        snippet_html=Markup("正文<mark>摘要</mark>"),
        date="2022-01-02",
        column="工作动态",
        source="西双版纳先锋",
        score=1.0,
    )


# Home and the empty query


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


# Results page


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


# Escaping


@pytest.mark.parametrize("q", [XSS, f"{PHRASE} {XSS}", f'"><img src=x onerror=alert(1)> {PHRASE}'])
def test_user_input_is_escaped_on_every_page(client, q):
    for url in ["/search", "/api/search", f"/article/{SEED}"]:
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, url
        body = without_own_scripts(text(response))
        assert "<script" not in body and "<img" not in body, url
    page = text(client.get("/search", query_string={"q": q}))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&lt;img" in page


def test_api_echoes_the_query_as_data_not_markup(client):
    response = client.get("/api/search", query_string={"q": f"{PHRASE} {XSS}"})
    assert b"<" not in response.data and b">" not in response.data
    data = response.get_json()
    assert data["query"] == f"{PHRASE} {XSS}"
    for hit in data["hits"]:
        assert "<script" not in hit["title_html"] + hit["snippet_html"]
        assert html.unescape(re.sub(r"</?mark>", "", hit["title_html"])) == hit["title"]


def test_hit_markup_is_only_mark(client):
    data = client.get("/api/search", query_string={"q": PHRASE}).get_json()
    for hit in data["hits"]:
        for markup in (hit["title_html"], hit["snippet_html"]):
            assert set(re.findall(r"</?[a-z]+", markup)) <= {"<mark", "</mark"}


# JSON API


def test_api_search_schema(client, app):
    expected = indexer.search(app.extensions["search_index"], PHRASE, 1, 10)
    response = client.get("/api/search", query_string={"q": PHRASE})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert set(data) == {
        "query",
        "total",
        "total_is_estimate",
        "page",
        "per_page",
        "took_ms",
        "hits",
        "facets",
        "searched",
        "also_searched",
        "steps",
        "did_you_mean",
        "keywords",
    }
    assert (data["query"], data["total"], data["page"], data["per_page"]) == (
        PHRASE,
        expected.total,
        1,
        10,
    )
    assert data["total_is_estimate"] is False
    assert isinstance(data["took_ms"], int | float)
    assert [hit["id"] for hit in data["hits"]] == [hit.id for hit in expected.hits]
    keys = {"id", "path", "title", "title_html", "date", "column", "source", "url", "source_url"}
    keys |= {"snippet_html", "score"}
    for hit in data["hits"]:
        assert set(hit) == keys
        assert hit["path"] == hit["id"]
        assert hit["url"] == article_url(hit["id"], PHRASE)
        assert isinstance(hit["score"], int | float)
        assert all(isinstance(hit[k], str) for k in keys - {"date", "score"})
        assert hit["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", hit["date"])
    seed = next(hit for hit in data["hits"] if hit["id"] == SEED)
    assert [seed["date"], seed["column"], seed["source"]] == ["2021-10-01", "工作动态", SITE]
    assert PHRASE in seed["title"]
    assert PHRASE in marked(seed["title_html"])
    assert marked(seed["snippet_html"])


def test_api_pages_through_the_same_hits(client):
    everything = client.get("/api/search", query_string={"q": PHRASE, "per_page": 100}).get_json()
    assert everything["per_page"] == 100
    one_by_one = []
    for page in range(1, everything["total"] + 1):
        data = client.get(
            "/api/search", query_string={"q": PHRASE, "page": page, "per_page": 1}
        ).get_json()
        assert (data["page"], data["per_page"], data["total"]) == (page, 1, everything["total"])
        one_by_one += [hit["id"] for hit in data["hits"]]
    assert one_by_one == [hit["id"] for hit in everything["hits"]]
    assert SEED in one_by_one


def test_api_blank_query_is_empty(client):
    data = client.get("/api/search?q=").get_json()
    assert (data["query"], data["total"], data["hits"]) == ("", 0, [])


def test_api_url_percent_encodes_ids(client, monkeypatch):
    fake_page(monkeypatch, total=2, hits=[fake_hit("bulk.jsonl#3"), fake_hit("2021/00001.txt")])
    data = client.get("/api/search?q=摘要").get_json()
    assert [hit["url"] for hit in data["hits"]] == [
        "/article/bulk.jsonl%233?q=%E6%91%98%E8%A6%81",
        "/article/2021/00001.txt?q=%E6%91%98%E8%A6%81",
    ]
    assert [hit["path"] for hit in data["hits"]] == ["bulk.jsonl#3", "2021/00001.txt"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "0"}, "page must be a positive integer, not '0'"),
        ({"page": "-1"}, "page must be a positive integer, not '-1'"),
        ({"page": "abc"}, "page must be a positive integer, not 'abc'"),
        ({"page": "2.5"}, "page must be a positive integer, not '2.5'"),
        ({"page": "1e3"}, "page must be a positive integer, not '1e3'"),
        ({"page": "10000000000"}, "page must be between 1 and 999999999, not 10000000000"),
        ({"per_page": "0"}, "per_page must be a positive integer, not '0'"),
        ({"per_page": "101"}, "per_page must be between 1 and 100, not 101"),
        ({"per_page": "ten"}, "per_page must be a positive integer, not 'ten'"),
        ({"per_page": "1000000000000"}, "per_page must be between 1 and 100, not 1000000000000"),
    ],
)
def test_api_bad_parameters_are_400_with_a_message(client, params, message):
    response = client.get("/api/search", query_string={"q": PHRASE, **params})
    assert response.status_code == 400
    assert response.get_json() == {"error": message}


def test_api_accepts_the_edges(client):
    for params in ({"page": "1", "per_page": "1"}, {"per_page": "100"}, {"page": "007"}):
        response = client.get("/api/search", query_string={"q": PHRASE, **params})
        assert response.status_code == 200, params


def test_healthz(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    documents = app.extensions["search_index"].doc_count
    assert documents >= 1
    generation = app.extensions["search_index"].generation.name
    assert response.get_json() == {"status": "ok", "generation": generation, "documents": documents}


# Article page


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


@pytest.mark.parametrize(
    "url",
    [
        "/article/no-such-article.txt",
        "/article/../corpus/" + SEED,
        "/article/..%2f..%2fetc%2fpasswd",
        "/article/%2e%2e/%2e%2e/etc/passwd",
        "/article/2021/../../../etc/passwd",
        "/article//etc/passwd",
        "/no-such-page",
    ],
)
def test_unknown_pages_are_404(client, url):
    response = client.get(url, follow_redirects=True)  # Werkzeug merges "//" with a 308
    assert response.status_code == 404
    page = text(response)
    assert '<p class="error-code">404</p>' in page
    assert "root:" not in page


def test_unknown_article_message(client):
    page = text(client.get("/article/no-such-article.txt"))
    assert "没有找到这篇文章，它可能已被删除或移动。" in page
    assert '<h1 class="error-title">页面不存在</h1>' in page


def test_api_errors_are_json(client):
    response = client.get("/api/nope")
    assert (response.status_code, response.get_json()) == (404, {"error": "页面不存在"})
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json() == {"error": "不支持的请求方式"}
    assert "GET" in response.headers["Allow"]


def test_unexpected_errors_render_500(app, client, monkeypatch):
    def search(ix, q, page=1, per_page=10, filters=None, synonyms=None):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(indexer, "search", search)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/search?q=abc")
    assert response.status_code == 500
    assert '<h1 class="error-title">服务器内部错误</h1>' in text(response)
    assert "secret detail" not in text(response)
    response = client.get("/api/search?q=abc")
    assert (response.status_code, response.get_json()) == (
        500,
        {"error": "服务器出了点问题，请稍后再试。"},
    )


def test_missing_index_is_503_with_instructions(tmp_path):
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(tmp_path / "none"), "BUILD_IF_MISSING": False}
    )
    client = app.test_client()
    response = client.get("/search?q=abc")
    assert response.status_code == 503
    page = text(response)
    assert '<h1 class="error-title">搜索服务暂不可用</h1>' in page
    assert "reindex" in page
    for url in ["/api/search?q=abc", "/healthz"]:
        response = client.get(url)
        assert response.status_code == 503
        assert "reindex" in response.get_json()["error"]


def test_index_built_after_start_up_is_picked_up(tmp_path, corpus_dir):
    index = tmp_path / "later"
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "BUILD_IF_MISSING": False})
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    report = indexer.reindex(corpus_dir, index)
    assert client.get("/healthz").get_json() == {
        "status": "ok",
        "generation": "g000001",
        "documents": report.documents,
    }


def test_missing_index_is_built_from_the_corpus(tmp_path, corpus_dir):
    index = tmp_path / "new-index"
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir)})
    assert indexer.index_exists(index)
    data = app.test_client().get("/api/search", query_string={"q": "三抓三促"}).get_json()
    assert SEED in [hit["id"] for hit in data["hits"]]


# Headers and outside resources


@pytest.mark.parametrize(
    "url",
    ["/", f"/search?q={PHRASE}", "/search?q=a&page=0", "/api/search?q=a", "/api/search?page=x"]
    + ["/healthz", f"/article/{SEED}", "/article/nope", "/static/style.css"],
)
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, name
        assert "Server" not in response.headers


EXTERNAL = re.compile(
    r"""https?://|(?:src|href|action|srcset)\s*=\s*["']?\s*//|url\(\s*["']?\s*//|@import""",
    re.IGNORECASE,
)
# In a page, only what the browser fetches by itself counts: a link to an
# article's original page, or its address printed for paper, loads nothing.
LOADED_FROM_OUTSIDE = re.compile(
    r"""(?:src|srcset|action)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


def test_nothing_is_loaded_from_outside(client):
    pages = ["/", f"/search?q={PHRASE}", article_url(SEED, PHRASE), "/nope", "/search?q=a&page=0"]
    assets: set[str] = set()
    for url in pages:
        page = text(client.get(url))
        assert not LOADED_FROM_OUTSIDE.search(page), url
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url
        assets |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page))
    assert "/static/style.css" in assets
    for url in sorted(assets):
        with client.get(url) as response:
            assert response.status_code == 200, url
            if url.endswith((".css", ".js", ".svg", ".html")):
                assert not EXTERNAL.search(text(response)), url


# Configuration and the command line


def test_config_defaults_env_and_overrides(monkeypatch, index_dir):
    monkeypatch.setenv("FLASK_PAGE_SIZE", "20")
    monkeypatch.setenv("FLASK_MAX_PER_PAGE", "50")
    app = create_app({"INDEX_DIR": str(index_dir), "MAX_PER_PAGE": 30})
    assert app.config["PAGE_SIZE"] == 20
    assert app.config["MAX_PER_PAGE"] == 30
    assert app.config["BUILD_IF_MISSING"] is True
    assert app.config["CORPUS_DIR"] == str(Path(search_app.__file__).parent / "corpus")
    assert app.config["INDEX_DIR"] == str(index_dir)
    monkeypatch.setenv("FLASK_BUILD_IF_MISSING", "false")
    monkeypatch.setenv("FLASK_INDEX_DIR", str(index_dir))
    app = create_app()
    assert app.config["BUILD_IF_MISSING"] is False
    assert app.config["INDEX_DIR"] == str(index_dir)
    data = app.test_client().get("/api/search?q=a&per_page=50").get_json()
    assert data["per_page"] == 50


def test_default_index_dir_is_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_BUILD_IF_MISSING", "false")
    app = create_app({"CORPUS_DIR": str(tmp_path)})
    assert app.config["INDEX_DIR"] == str(Path(app.instance_path) / "index")


def test_command_line_runs_the_app(monkeypatch, index_dir, corpus_dir):
    runs = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: runs.append((self, kw)))
    monkeypatch.setenv("PORT", "5055")
    args = ["--host", "0.0.0.0", "--index", str(index_dir), "--corpus", str(corpus_dir)]
    result = CliRunner().invoke(search_app.main, args)
    assert result.exit_code == 0, result.output
    [(app, kw)] = runs
    assert (kw["host"], kw["port"], kw["debug"]) == ("0.0.0.0", 5055, False)
    assert kw["request_handler"] is search_app.QuietRequestHandler
    assert (app.config["INDEX_DIR"], app.config["CORPUS_DIR"]) == (str(index_dir), str(corpus_dir))


def test_json_is_utf8_and_html_safe(app):
    with app.app_context():
        dumped = app.json.dumps({"q": "边疆 <&>"})
    assert dumped == '{"q": "边疆 \\u003c\\u0026\\u003e"}'
    assert json.loads(dumped) == {"q": "边疆 <&>"}


# Filters, sort and facets


def test_api_facets_and_filters(client):
    data = client.get("/api/search", query_string={"q": "边疆党建长廊"}).get_json()
    assert data["facets"] == {
        "year": [{"value": "2022", "count": 2}, {"value": "2021", "count": 1}],
        "column": [{"value": "工作动态", "count": 2}, {"value": "基层党建", "count": 1}],
        "place": [
            {"value": "勐海县", "count": 1},
            {"value": "勐腊县", "count": 1},
            {"value": "景洪市", "count": 1},
        ],
    }
    narrowed = client.get(
        "/api/search",
        query_string={"q": "边疆党建长廊", "from": "2022-01-01", "column": "基层党建"},
    ).get_json()
    assert [h["id"] for h in narrowed["hits"]] == ["2022-03-15-mengla-changlang-shifandai.txt"]
    by_date = client.get("/api/search", query_string={"q": "边疆党建长廊", "sort": "date"})
    assert [h["date"] for h in by_date.get_json()["hits"]] == [
        "2022-05-20",
        "2022-03-15",
        "2021-10-01",
    ]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"from": "yesterday"}, "日期（from）格式应为 YYYY-MM-DD，例如 2021-10-01。"),
        ({"from": "2023-01-01", "to": "2022-01-01"}, "起始日期（from）晚于结束日期（to）。"),
        ({"sort": "<script>"}, "排序方式（sort）只能是 relevance 或 date。"),
    ],
)
def test_bad_filters_are_a_400_with_a_message(client, params, message):
    response = client.get("/api/search", query_string={"q": "党建", **params})
    assert (response.status_code, response.get_json()) == (400, {"error": message})
    page = client.get("/search", query_string={"q": "党建", **params})
    assert page.status_code == 400
    assert message in text(page)


def test_results_page_links_narrow_and_keep_filters(client):
    html = text(client.get("/search", query_string={"q": "边疆党建长廊", "sort": "date"}))
    assert '<span class="facet-value current" aria-current="true">时间</span>' in html
    assert "column=%E5%B7%A5%E4%BD%9C%E5%8A%A8%E6%80%81" in html  # 工作动态
    assert "from=2022-01-01&amp;to=2022-12-31" in html or "to=2022-12-31" in html
    assert "sort=date" in html  # kept in the facet links
    assert "清除筛选" in html


def test_article_page_lists_related_articles(client):
    html = text(client.get("/article/2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"))
    assert '<h2 id="related-heading">相关文章</h2>' in html
    assert 'href="/article/2022-03-15-mengla-changlang-shifandai.txt"' in html
