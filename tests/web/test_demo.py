"""``make demo`` serves generated articles; no reader may take them for real
reporting, so with ``DEMO`` on every page carries the banner, and without it
none does (the banner must never leak onto the production site)."""

from urllib.parse import quote

import pytest
from conftest import close_app

from search_app import create_app

BANNER = "演示数据：本页文章均为程序生成的样例，并非真实报道。"
SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
PAGES = {
    "home": ("/", 200),
    "results": ("/search?q=" + quote("边疆党建长廊"), 200),
    "empty results": ("/search?q=" + quote("没有这个词组的文章"), 200),
    "article": ("/article/" + SEED, 200),
    "missing article": ("/article/no-such-article.txt", 404),
    "unknown page": ("/no-such-page", 404),
    "bad page number": ("/search?q=x&page=0", 400),
}


@pytest.fixture(params=[True, False], ids=["demo", "production"])
def demo_client(request, index_dir, session_corpus_dir):
    """A client of the app with DEMO on or off, and whether it is on."""
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "CORPUS_DIR": str(session_corpus_dir),
            "DEMO": request.param,
        }
    )
    yield app.test_client(), request.param
    close_app(app)


@pytest.mark.parametrize("page", PAGES)
def test_banner_is_on_every_page_only_in_demo_mode(demo_client, page):
    client, demo = demo_client
    url, status = PAGES[page]
    response = client.get(url)
    assert response.status_code == status
    assert (BANNER in response.get_data(as_text=True)) is demo


def test_banner_is_plain_text_styled_by_the_stylesheet(index_dir, session_corpus_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DEMO": True})
    page = app.test_client().get("/").get_data(as_text=True)
    close_app(app)
    assert f'<div class="demo-banner" role="note">\n    <div class="wrap">{BANNER}</div>' in page
    assert "style=" not in page
    assert ".demo-banner {" in read_css(app)


def test_demo_flag_comes_from_the_environment(monkeypatch, index_dir):
    monkeypatch.setenv("FLASK_DEMO", "1")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    close_app(app)
    assert app.config["DEMO"] == 1


def read_css(app) -> str:
    with app.open_resource("static/style.css") as f:
        return f.read().decode("utf-8")
