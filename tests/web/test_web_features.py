"""What readers and editors see of the search features in the real app:
the zero-results steps, did-you-mean, synonyms, keywords, the place facet,
suggestions, hot searches and the zero-result list for editors."""

import re
from urllib.parse import quote

import pytest
from conftest import close_app, reader_search

from search_app import create_app


def text(response) -> str:
    return response.get_data(as_text=True)


def test_zero_results_page_says_each_step(client):
    page = text(client.get("/search", query_string={"q": "打洛镇 深度融合"}))
    assert "没有找到包含“<strong>打洛镇 深度融合</strong>”的文章。" in page
    assert "也没有同时包含 “打洛镇”、“深度”、“融合” 的文章。" in page
    assert re.search(r"下面是包含其中<strong>任一词</strong>的 \d+ 篇文章。", page)
    assert '<ol id="results" class="hits"' in page


def test_correction_is_applied_only_with_a_way_back(client):
    page = text(client.get("/search", query_string={"q": "强边固访"}))
    assert "按可能的错别字纠正，下面是“<strong>强边固防</strong>”的结果。" in page
    assert "仍然搜索“强边固访”" in page  # the literal search, quoted: no guessing
    back = text(client.get("/search", query_string={"q": "“强边固访”"}))
    assert "没有找到与“<strong>“强边固访”</strong>”相关的文章。" in back


def test_did_you_mean_link(client):
    page = text(client.get("/search", query_string={"q": "勐海县 党见"}))
    href = "/search?q=" + quote("勐海县 党建").replace("%20", "+")
    assert f'您是不是要找：<a href="{href}">勐海县 党建</a>' in page


def test_pinyin_page_says_it_converted(client):
    page = text(client.get("/search", query_string={"q": "dangjian"}))
    assert "按拼音，下面是“<strong>党建</strong>”的结果。" in page


def test_synonyms_are_searched_and_shown(client):
    page = text(client.get("/search", query_string={"q": "网购"}))
    assert "也搜索了：" in page and ">电商</a>" in page
    data = client.get("/api/search", query_string={"q": "网购"}).get_json()
    assert data["also_searched"] == [{"term": "网购", "synonyms": ["电子商务", "电商"]}]
    assert data["total"] == 1


def test_custom_synonyms_file(index_dir, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("三抓三促 => 基层治理\n", encoding="utf-8")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "SYNONYMS_FILE": str(path)})
    try:
        data = app.test_client().get("/api/search", query_string={"q": "三抓三促"}).get_json()
    finally:
        close_app(app)
    assert data["also_searched"] == [{"term": "三抓三促", "synonyms": ["基层治理"]}]
    assert [h["id"] for h in data["hits"]][-1] == "2022-05-20-jinghong-jiceng-zhili.txt"


def test_api_reports_steps_did_you_mean_and_keywords(client):
    data = client.get("/api/search", query_string={"q": "强边固访"}).get_json()
    assert data["steps"][0] == {"kind": "phrase", "query": "强边固访", "total": 0}
    assert data["steps"][-1]["kind"] == "corrected"
    assert data["searched"] == "强边固防"
    assert data["keywords"] and "强边固防" not in data["keywords"]
    few = client.get("/api/search", query_string={"q": "勐海县 党见"}).get_json()
    assert few["did_you_mean"] == "勐海县 党建"


def test_keywords_link_to_searches(client):
    page = text(client.get("/search", query_string={"q": "强边固防"}))
    assert '<nav class="keywords" aria-label="相关关键词">' in page
    assert re.search(r'<a class="keyword" href="/search\?q=[^"]+">[^<]+</a>', page)


def test_place_facet_narrows_and_marks_the_choice(client):
    page = text(client.get("/search", query_string={"q": "党建"}))
    assert '<span class="facet-name">地区</span>' in page
    link = re.search(r'<a class="facet-value" href="([^"]+)">勐海县<span', page)
    assert link
    narrowed = client.get(link.group(1).replace("&amp;", "&"))
    body = text(narrowed)
    assert 'class="facet-value current"' in body and "清除筛选" in body
    data = client.get("/api/search", query_string={"q": "党建", "place": "勐海县"}).get_json()
    assert data["facets"]["place"][0] == {"value": "勐海县", "count": data["total"]}


def test_suggest_api(client):
    data = client.get("/api/suggest", query_string={"q": "边疆"}).get_json()
    assert data["query"] == "边疆"
    assert data["suggestions"][0] == {"text": "边疆党建长廊", "kind": "word"}
    assert {"kind": "title", "text": "打洛镇边疆村寨新貌"} in data["suggestions"]
    assert client.get("/api/suggest").get_json() == {"query": "", "suggestions": []}
    limited = client.get("/api/suggest", query_string={"q": "边疆", "limit": 1}).get_json()
    assert len(limited["suggestions"]) == 1
    bad = client.get("/api/suggest", query_string={"q": "边疆", "limit": "x"})
    assert bad.status_code == 400 and "limit" in bad.get_json()["error"]


# --- the query log: hot searches for readers, zero-result queries for editors


def test_hot_searches_on_the_home_page(client):
    assert "近 7 天热门搜索" not in text(client.get("/"))
    for reader, q in enumerate(
        ["强边固防", "强边固防", "强边固防", "基层治理", "基层治理", "打洛镇"]
    ):
        reader_search(client, q, reader)
    home = text(client.get("/"))
    assert "近 7 天热门搜索" in home
    hot = re.findall(
        r'<a class="hot-query" href="[^"]+">([^<]+)</a><span class="hot-count">(\d+) 次', home
    )
    assert hot == [("强边固防", "3"), ("基层治理", "2")]  # once is not yet hot


def test_only_first_unfiltered_pages_are_logged(app, client):
    for reader in range(2):
        reader_search(client, "党建", reader, page=2)
        reader_search(client, "强边固防", reader, **{"from": "2021-01-01"})
        reader_search(client, "基层治理", reader)
    assert app.extensions["query_log"].hot() == [("基层治理", 2)]


def test_hot_searches_are_escaped(client):
    for reader in range(2):
        reader_search(client, "党建 </>", reader)  # markup is no word: 党建 is searched
    home = text(client.get("/"))
    assert "党建 &lt;/&gt;</a>" in home and "党建 </>" not in home


def test_no_log_when_disabled(index_dir, private_query_log):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "QUERY_LOG": ""})
    try:
        reader_search(app.test_client(), "党建")
        assert app.extensions["query_log"] is None
    finally:
        close_app(app)
    assert not private_query_log.exists()


@pytest.fixture
def editor(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "ADMIN_TOKEN": "s3cret-token"})
    yield app.test_client()
    close_app(app)


def test_editors_see_queries_that_found_nothing(editor):
    for reader, q in enumerate(["xyzzy", "xyzzy", "党建", "dangjian"]):  # dangjian: as pinyin
        reader_search(editor, q, reader)
    data = editor.get(
        "/admin", headers={"Authorization": "Bearer s3cret-token", "Accept": "application/json"}
    ).get_json()
    zero = [(z["query"], z["searches"]) for z in data["zero_results"]]
    assert zero == [("xyzzy", 2), ("dangjian", 1)]
    editor.post("/admin/login", data={"token": "s3cret-token"})
    page = editor.get("/admin")
    assert "近 30 天没有结果的搜索" in text(page)
    assert '>xyzzy</a></td><td data-label="次数">2</td>' in text(page)
    assert "synonyms.txt" in text(page)


def test_editors_add_synonyms_that_apply_at_once(editor):
    reader_search(editor, "党建长龙")
    editor.post("/admin/login", data={"token": "s3cret-token"})
    page = text(editor.get("/admin"))
    link = re.search(r'<a href="(/admin\?term=[^"#]+)#synonyms-title">添加同义词</a>', page)
    assert link
    form = text(editor.get(link.group(1).replace("&amp;", "&")))
    assert 'name="term" value="党建长龙"' in form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = editor.post(
        "/admin/synonyms", data={"csrf_token": csrf, "term": "党建长龙", "synonyms": "党建长廊"}
    )
    assert done.status_code == 200
    assert "已添加，搜索立即生效：<code>党建长龙 =&gt; 党建长廊</code>" in text(done)
    data = editor.get("/api/search", query_string={"q": "党建长龙"}).get_json()
    assert data["also_searched"] == [{"term": "党建长龙", "synonyms": ["党建长廊"]}]
    assert data["total"] > 0 and data["steps"] == []


def test_synonym_form_refuses_bad_entries_and_needs_csrf(editor):
    bearer = {"Authorization": "Bearer s3cret-token", "Accept": "application/json"}
    bad = editor.post("/admin/synonyms", data={"term": "入党", "synonyms": ""}, headers=bearer)
    assert bad.status_code == 400 and "请填写" in bad.get_json()["error"]
    editor.post("/admin/login", data={"token": "s3cret-token"})
    assert editor.post("/admin/synonyms", data={"term": "入党", "synonyms": "x"}).status_code in (
        400,
        403,
    )


def test_editors_hide_a_hot_search_from_the_home_page(editor):
    for reader, q in enumerate(["强边固防", "强边固防", "勐海县", "勐海县", "勐海县"]):
        reader_search(editor, q, reader)
    editor.post("/admin/login", data={"token": "s3cret-token"})
    page = text(editor.get("/admin"))
    assert "首页的热门搜索" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    hidden = editor.post("/admin/hot/hide", data={"csrf_token": csrf, "query": "勐海县"})
    assert hidden.status_code == 200 and "已隐藏：勐海县" in text(hidden)
    home = text(editor.get("/"))
    assert ">强边固防</a>" in home and ">勐海县</a>" not in home
    shown = editor.post("/admin/hot/show", data={"csrf_token": csrf, "query": "勐海县"})
    assert "已恢复：勐海县" in text(shown)
    assert ">勐海县</a>" in text(editor.get("/"))
    again = editor.post("/admin/hot/show", data={"csrf_token": csrf, "query": "勐海县"})
    assert again.status_code == 400
    refused = editor.post("/admin/hot/hide", data={"query": "强边固防"})  # no CSRF token
    assert refused.status_code == 400 and ">强边固防</a>" in text(editor.get("/"))


def test_api_article_has_the_highlighted_text_and_related_articles(client):
    seed = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
    data = client.get(f"/api/article/{seed}", query_string={"q": "三抓三促"}).get_json()
    assert data["id"] == seed and data["date"] == "2021-10-01"
    assert any("<mark>三抓三促</mark>" in p for p in data["paragraphs_html"])
    assert [hit["id"] for hit in data["related"]] == [
        "2023-01-08-daluo-cunzhai-xinmao.txt",
        "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
        "2022-03-15-mengla-changlang-shifandai.txt",
        "2022-05-20-jinghong-jiceng-zhili.txt",
    ]
    missing = client.get("/api/article/nope.txt")
    assert missing.status_code == 404 and missing.is_json and "error" in missing.get_json()
    assert client.get("/api/article/x/../" + seed).status_code == 404


def test_year_facet_marks_the_year_in_force(client):
    page = text(
        client.get(
            "/search", query_string={"q": "边疆党建长廊", "from": "2022-01-01", "to": "2022-12-31"}
        )
    )
    assert re.search(r'<a class="facet-value current" href="[^"]+" aria-current="true">2022<', page)
    assert '<p class="facet facet-year">' in page
