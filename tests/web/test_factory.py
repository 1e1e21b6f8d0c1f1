"""The application factory (web/__init__.py): config defaults, FLASK_*
variables and overrides, building a missing index, the security headers,
nothing loaded from outside, and the search_app command line."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from web_helpers import PHRASE, SEED, article_url, text

import indexer
import search_app
from search_app import create_app

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


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
