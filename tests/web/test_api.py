"""The JSON API (web/api.py): /api/search, /api/article, /healthz, on a
real index of tests/fixtures/corpus."""

import html
import json
import re

import pytest
from web_helpers import PHRASE, SEED, SITE, XSS, article_url, fake_hit, fake_page, marked, text

import indexer


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


def test_json_is_utf8_and_html_safe(app):
    with app.app_context():
        dumped = app.json.dumps({"q": "边疆 <&>"})
    assert dumped == '{"q": "边疆 \\u003c\\u0026\\u003e"}'
    assert json.loads(dumped) == {"q": "边疆 <&>"}


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
