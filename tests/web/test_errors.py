"""One error handler for every page (web/errors.py): 404, 500 and 503
as pages for people and JSON for the API."""

import pytest
from web_helpers import SEED, text

import indexer
from search_app import create_app


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
