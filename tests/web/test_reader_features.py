"""Reader features of the pages: the advanced-search form and the filter
chips, the Atom feed of a search (parsed with feedparser, as a feed reader
would), the OpenSearch description, print styles and the one-statement
no-results page."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

import indexer

SANZHUA = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"


def text(response) -> str:
    return response.get_data(as_text=True)


def redirect_query(response) -> dict[str, list[str]]:
    assert response.status_code == 303
    url = urlsplit(response.location)
    assert url.path == "/search"
    return parse_qs(url.query)


@pytest.mark.parametrize(
    "form, expected",
    [
        ({"all": "三抓三促 强边固防"}, {"q": ["三抓三促 强边固防"]}),
        ({"phrase": "边疆党建长廊"}, {"q": ['"边疆党建长廊"']}),
        ({"all": "党建", "none": "旅游 扶贫"}, {"q": ["党建 -旅游 -扶贫"]}),
        ({"all": "党建", "title": "1"}, {"q": ["title:党建"]}),
        ({"phrase": "党建长廊", "title": "1"}, {"q": ['title:"党建长廊"']}),
        ({"all": '党建" -x', "phrase": '"长廊'}, {"q": ['党建 x "长廊"']}),  # no syntax leaks
        (
            {"all": "党建", "from": "2021-01-01", "to": "2022-12-31"},
            {"q": ["党建"], "from": ["2021-01-01"], "to": ["2022-12-31"]},
        ),
        ({"all": "党建", "column": "工作动态"}, {"q": ["党建"], "column": ["工作动态"]}),
        ({"all": "党建", "place": "勐海县"}, {"q": ["党建"], "place": ["勐海县"]}),
        ({"all": "党建", "sort": "date"}, {"q": ["党建"], "sort": ["date"]}),
        ({"all": "党建", "sort": "relevance"}, {"q": ["党建"]}),
    ],
)
def test_advanced_form_composes_each_clause(client, form, expected):
    response = client.get("/advanced", query_string={"go": "1", **form})
    assert redirect_query(response) == expected


def test_advanced_form_lists_the_index_columns_and_places(client):
    page = text(client.get("/advanced", query_string={"q": "三抓三促"}))
    assert '<input id="adv-all" class="form-input" type="text" name="all" value="三抓三促"' in page
    columns = re.findall(r'<option value="([^"]*)"', page.split('id="adv-column"')[1])
    places = re.findall(r'<option value="([^"]*)"', page.split('id="adv-place"')[1])
    assert columns == [
        "",
        "乡村振兴",
        "基层党建",
        "工作动态",
        "强边固防",
        "",
        "景洪市",
        "勐海县",
        "勐腊县",
    ]
    assert places == ["", "景洪市", "勐海县", "勐腊县"]
    assert '<input id="adv-from" class="form-input" type="date" name="from"' in page


@pytest.mark.parametrize(
    "form, message",
    [
        ({"all": " ", "phrase": ""}, "请至少填写一项要找的词。"),
        (
            {"all": "党建", "from": "2022-13-01"},
            "日期（from）格式应为 YYYY-MM-DD，例如 2021-10-01。",
        ),
        ({"none": "旅游"}, "请至少填写一项要找的词。"),
    ],
)
def test_advanced_form_says_what_is_wrong(client, form, message):
    response = client.get("/advanced", query_string={"go": "1", **form})
    assert response.status_code == 400
    assert f'<p class="notice notice-error" role="alert">{message}</p>' in text(response)


def test_active_filters_are_removable_chips(client):
    page = text(
        client.get(
            "/search", query_string={"q": "党建", "column": "工作动态", "from": "2021-01-01"}
        )
    )
    chips = re.findall(r'<a class="chip" href="([^"]+)" aria-label="([^"]+)">', page)
    assert [(label, href.replace("&amp;", "&")) for href, label in chips] == [
        (
            "去掉筛选：时间：2021-01-01 至 不限",
            "/search?q=%E5%85%9A%E5%BB%BA&column=%E5%B7%A5%E4%BD%9C%E5%8A%A8%E6%80%81",
        ),
        ("去掉筛选：栏目：工作动态", "/search?q=%E5%85%9A%E5%BB%BA&from=2021-01-01"),
    ]
    assert '<ul class="chips"' not in text(client.get("/search", query_string={"q": "党建"}))


def test_no_results_page_says_it_once_then_what_was_tried(client):
    page = text(client.get("/search", query_string={"q": "没有这个词xyz"}))
    section = page[page.index('<section id="results"') : page.index("</section>")]
    lines = [line for line in re.sub(r"<[^>]+>", "\n", section).split("\n") if line.strip()]
    assert [line.strip() for line in lines] == [
        "没有找到与“",
        "没有这个词xyz",
        "”相关的文章。",
        "已经试过",
        "完整短语“没有这个词xyz”",
        "同时包含 “没有”、“这个”、“xyz”",
        "包含其中任一词",
        "可以试试",
        "检查是否有错别字，或换一个更常用的说法",
        "减少关键词",
        "用",
        "高级搜索",
        "指定标题、时间、栏目或地区",
    ]
    assert page.count("没有找到") == 1


def test_feed_lists_the_newest_matches_and_is_valid_atom(client):
    response = client.get("/search.atom", query_string={"q": "党建"})
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "“党建”的新文章 - 西双版纳先锋站内搜索"
    dates = [entry.updated[:10] for entry in feed.entries]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5
    first = feed.entries[0]
    assert first.link == "http://localhost/article/2023-01-08-daluo-cunzhai-xinmao.txt"
    assert "<mark>" not in first.summary and "党建" in first.summary
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {
        "self": "http://localhost/search.atom?q=%E5%85%9A%E5%BB%BA",
        "alternate": "http://localhost/search?q=%E5%85%9A%E5%BB%BA",
    }


def test_feed_keeps_the_filters_and_escapes_everything(client):
    q = "党建 -<b>&"
    feed = feedparser.parse(
        client.get("/search.atom", query_string={"q": q, "place": "勐海县"}).data
    )
    assert feed.bozo is False
    assert feed.feed.title == f"“{q}”的新文章 - 西双版纳先锋站内搜索"
    assert [entry.link.rsplit("/", 1)[1] for entry in feed.entries] == [
        "2023-01-08-daluo-cunzhai-xinmao.txt",  # newest first
        SANZHUA,
        "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"q": ""}, "请给出要订阅的搜索词（q）。"),
        ({"q": "党建", "from": "yesterday"}, "日期（from）格式应为 YYYY-MM-DD，例如 2021-10-01。"),
    ],
)
def test_feed_refuses_bad_input_with_a_message(client, query, message):
    response = client.get("/search.atom", query_string=query)
    assert response.status_code == 400
    assert f'<p class="error-message">{message}</p>' in text(response)


def test_feed_of_a_query_that_finds_nothing_is_empty(client):
    feed = feedparser.parse(client.get("/search.atom", query_string={"q": "强边固访"}).data)
    assert feed.bozo is False and feed.entries == []  # not the corrected search's articles


def test_results_page_links_its_feed(client):
    page = text(client.get("/search", query_string={"q": "党建", "column": "工作动态"}))
    feed = "/search.atom?q=%E5%85%9A%E5%BB%BA&amp;column=%E5%B7%A5%E4%BD%9C%E5%8A%A8%E6%80%81"
    assert (
        f'<a class="subscribe-link" href="{feed}" type="application/atom+xml">订阅此搜索</a>'
        in page
    )
    alternate = '<link rel="alternate" type="application/atom+xml" title="订阅“党建”的新文章"'
    assert f'{alternate} href="{feed}">' in page


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.data)
    assert root.find("os:ShortName", ns).text == "西双版纳先锋"
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls == {
        "text/html": "http://localhost/search?q={searchTerms}",
        "application/atom+xml": "http://localhost/search.atom?q={searchTerms}",
    }
    for path in ("/", "/search?q=党建", f"/article/{SANZHUA}", "/advanced"):
        page = text(client.get(path))
        assert (
            '<link rel="search" type="application/opensearchdescription+xml" '
            'title="西双版纳先锋站内搜索"\n        href="/opensearch.xml">'
        ) in page, path


def test_article_prints_its_source_and_addresses(client, search_index):
    article = indexer.get_article(search_index, SANZHUA)
    page = text(client.get(f"/article/{SANZHUA}"))
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page
    origin = page[page.index('<p class="print-only article-origin">') :].split("</p>")[0]
    expected = f"来源：{article.source}<br>"
    if article.source_url:
        expected += f"原文网址：{article.source_url}<br>"
    assert origin.split(">", 1)[1].strip() == (
        expected + f"\n      本站网址：http://localhost/article/{SANZHUA}"
    )
