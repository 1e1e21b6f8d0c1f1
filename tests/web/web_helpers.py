"""Helpers shared by the web tests: reading responses and faking the
library's search results."""

import re
from urllib.parse import quote

from markupsafe import Markup

import indexer
from indexer.models import Hit, SearchPage

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"


PHRASE = "边疆党建长廊"


SITE = "西双版纳先锋"


XSS = "<script>alert(1)</script>"


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
