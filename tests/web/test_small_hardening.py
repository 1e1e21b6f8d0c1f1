"""The smaller findings of the attack run: a 413 that blamed a pasted
body, gunicorn believing any local client's X-Forwarded-Proto, and script
addresses in /api/article (the relative slash redirect is checked under
gunicorn, in test_serve_prod.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import close_app

import indexer
from search_app import create_app
from tests.web.test_admin import BEARER, TOKEN, multipart

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "BUILD_IF_MISSING": False})
    yield app
    close_app(app)


# Werkzeug stops parsing at the 1,001st part and leaves the temporary files
# of the parts it had read to the garbage collector (ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_too_many_files_in_one_upload_says_so(corpus_dir, tmp_path):
    index = tmp_path / "index"
    indexer.reindex(corpus_dir, index)
    config = {"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir)}
    app = create_app(config | {"ADMIN_TOKEN": TOKEN})
    try:
        files = [(f"{n}.txt", b"x") for n in range(1_001)]
        response = app.test_client().post("/admin/upload", headers=BEARER, **multipart(files))
        assert (response.status_code, response.json) == (
            413,
            {"error": "一次上传的文件太多（上限 1000 个），请分批上传。"},
        )
    finally:
        close_app(app)


def gunicorn_settings(monkeypatch, proxy_fix: str | None):
    if proxy_fix is None:
        monkeypatch.delenv("FLASK_PROXY_FIX", raising=False)
    else:
        monkeypatch.setenv("FLASK_PROXY_FIX", proxy_fix)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("proxy_fix", "trusted"),
    [(None, ""), ("0", ""), ("false", ""), ("1", "127.0.0.1,::1"), ("2", "127.0.0.1,::1")],
)
def test_gunicorn_trusts_forwarded_headers_exactly_when_the_app_does(
    monkeypatch, proxy_fix, trusted
):
    assert gunicorn_settings(monkeypatch, proxy_fix).forwarded_allow_ips == trusted


def test_api_article_gives_no_script_address(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = {"title": "标题", "body": "正文。", "url": "javascript:alert(document.cookie)"}
    (corpus / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    indexer.reindex(corpus, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")})
    try:
        data = app.test_client().get("/api/article/a.jsonl%231").get_json()
        assert (data["id"], data["source_url"]) == ("a.jsonl#1", "")
    finally:
        close_app(app)
