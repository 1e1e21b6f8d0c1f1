"""The original address and attachments, from the corpus to the API and the article page."""

from __future__ import annotations

import json

import pytest
from markupsafe import Markup

import indexer
from indexer.ingest.formats.saved import SavedAttachment, wrap_page
from search_app import create_app
from tests.conftest import close_app

URL = "https://www.example.gov.cn/gzdt/202110/t20211001_1.html"
PDF = "https://www.example.gov.cn/gzdt/202110/W0201.pdf"
PAGE = """<html><head><title>边境党建示范带建设 - 示例先锋</title></head><body>
<div class="TRS_Editor"><p>勐腊县建设边境党建示范带。</p></div></body></html>"""
RECORD = {"title": "护边员培训", "body": "护边员集中培训。", "url": "javascript:alert(1)"}


@pytest.fixture
def web(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sites").mkdir(parents=True)
    attachment = SavedAttachment("示范带建设方案.pdf", PDF, "一、总体目标\n建成橡胶林示范带")
    (corpus / "sites" / "page.html").write_bytes(wrap_page(PAGE.encode(), URL, [attachment]))
    (corpus / "export.jsonl").write_text(json.dumps(RECORD, ensure_ascii=False), "utf-8")
    indexer.reindex(corpus, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")})
    yield app.test_client()
    close_app(app)


def test_hits_and_articles_carry_the_original_address(web):
    hits = web.get("/api/search", query_string={"q": "橡胶林"}).get_json()["hits"]
    assert [(h["id"], h["source_url"]) for h in hits] == [("sites/page.html", URL)]
    data = web.get("/api/article/sites/page.html", query_string={"q": "橡胶林"}).get_json()
    local = "/article/sites/page.html?q=%E6%A9%A1%E8%83%B6%E6%9E%97"
    assert (data["url"], data["source_url"]) == (local, URL)
    assert data["attachments"] == [{"name": "示范带建设方案.pdf", "url": PDF}]
    assert data["paragraphs_html"] == [
        "勐腊县建设边境党建示范带。",
        "附件：示范带建设方案.pdf",
        "一、总体目标",
        "建成<mark>橡胶林</mark>示范带",
    ]


def test_article_page_links_the_original_and_the_attachment(web):
    page = web.get("/article/sites/page.html?q=橡胶林").get_data(as_text=True)
    link = f'<a class="source-link" href="{URL}" rel="noopener noreferrer">查看原文</a>'
    assert link in page
    heading = (
        '<h2 class="attachment-heading">附件：示范带建设方案.pdf'
        f' <a class="attachment-link" href="{PDF}" rel="noopener noreferrer">下载原文件</a></h2>'
    )
    assert heading in page
    assert "<p>建成<mark>橡胶林</mark>示范带</p>" in page


def test_an_address_that_is_not_a_web_address_is_never_linked(web, monkeypatch):
    page = web.get("/article/export.jsonl%231").get_data(as_text=True)
    assert "查看原文" not in page and "javascript" not in page  # dropped at import
    # An index built before import checked addresses: shown as text.
    old = indexer.Article(id="a.txt", title="T", body="p", source_url="javascript:alert(1)")
    view = indexer.ArticleView(old, Markup("T"), [Markup("p")])
    monkeypatch.setattr(indexer, "article_view", lambda ix, article_id, q="": view)
    page = web.get("/article/a.txt").get_data(as_text=True)
    assert '<span class="source-text">原文地址：javascript:alert(1)</span>' in page
    assert "查看原文" not in page and 'href="javascript' not in page
