"""What one hostile corpus file may cost: bounded size, bounded error
reports, one bad JSON Lines line failing alone, and no control, bidi or
script-address characters reaching a page (the attack run of the hardening
issue, scaled down)."""

from __future__ import annotations

import json

import pytest

from indexer import reindex
from indexer.errors import ArticleError
from indexer.index.layout import GenerationFiles
from indexer.index.store import current_generation, read_json
from indexer.ingest.limits import MAX_ARTICLE_CHARS, MAX_LINE_FAILURES
from indexer.ingest.load import load_bytes
from indexer.models import Article, FileFailure

GOOD = json.dumps({"title": "好的一行", "body": "党建引领边疆发展。"}, ensure_ascii=False)


def test_a_million_bad_lines_report_the_first_few_and_a_count(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bad = 5_000  # a million in the attack; the cap is the same
    (corpus / "flood.jsonl").write_text(GOOD + "\n" + "x\n" * bad, encoding="utf-8")
    report = reindex(corpus, tmp_path / "index")
    listed = [
        FileFailure(f"flood.jsonl#{n}", "invalid JSON: Expecting value (column 1)")
        for n in range(2, 2 + MAX_LINE_FAILURES)
    ]
    summary = FileFailure("flood.jsonl", f"{bad - MAX_LINE_FAILURES:,} more bad lines not listed")
    assert report.added == ["flood.jsonl"]
    assert report.failed == sorted([*listed, summary], key=lambda f: f.path)
    files = read_json(
        tmp_path / "index" / current_generation(tmp_path / "index") / GenerationFiles.FILES
    )
    assert len(files["flood.jsonl"]["failures"]) == MAX_LINE_FAILURES + 1
    again = reindex(corpus, tmp_path / "index")  # a no-op reindex reports the same, no more
    assert again.failed == report.failed


def test_a_file_of_too_many_lines_is_refused_before_parsing(monkeypatch):
    from indexer.ingest.formats import jsonl

    monkeypatch.setattr(jsonl, "MAX_JSONL_LINES", 100)  # 100,000 on the site
    parsed = []
    monkeypatch.setattr(jsonl, "parse_record", lambda *a: parsed.append(a))
    with pytest.raises(ArticleError) as e:
        load_bytes((GOOD + "\n" + "x\n" * 100).encode(), "many.jsonl")
    assert e.value.reason == "too many lines: 101, the limit is 100; split it into smaller files"
    assert parsed == []


def test_a_deeply_nested_line_fails_alone():
    text = "\n".join([GOOD, "[" * 100_000, '{"a":' * 100_000])
    articles, failures = load_bytes(text.encode(), "deep.jsonl")
    assert [a.id for a in articles] == ["deep.jsonl#1"]
    assert failures == [
        FileFailure("deep.jsonl#2", "invalid JSON: nested too deeply"),
        FileFailure("deep.jsonl#3", "invalid JSON: nested too deeply"),
    ]


@pytest.mark.parametrize(
    "record_id, reason",
    [
        ("../../etc", 'unusable "id" \'../../etc\': empty, "." or ".." path parts'),
        ("a/./b", 'unusable "id" \'a/./b\': empty, "." or ".." path parts'),
        ("a//b", 'unusable "id" \'a//b\': empty, "." or ".." path parts'),
        ("line\nbreak", 'unusable "id": it contains a line break or a control character'),
    ],
)
def test_ids_whose_links_would_not_lead_back_are_refused(record_id, reason):
    line = json.dumps({"title": "标题", "body": "正文", "id": record_id})
    articles, failures = load_bytes(f"{GOOD}\n{line}".encode(), "ids.jsonl")
    assert [a.id for a in articles] == ["ids.jsonl#1"]
    assert failures == [FileFailure("ids.jsonl#2", reason)]


def test_an_id_with_ordinary_slashes_is_kept():
    line = json.dumps({"title": "标题", "body": "正文", "id": "2021/10/a"})
    articles, _ = load_bytes(line.encode(), "ids.jsonl")
    assert [a.id for a in articles] == ["ids.jsonl#2021/10/a"]


def test_an_oversized_article_is_reported_not_indexed():
    body = "党" * MAX_ARTICLE_CHARS
    with pytest.raises(ArticleError) as e:
        load_bytes(f"工作动态\n标题\n来源：西双版纳先锋\n{body}\n".encode(), "big.txt")
    assert e.value.reason == (
        f"article too long: {MAX_ARTICLE_CHARS + 2:,} characters, "
        f"the limit is {MAX_ARTICLE_CHARS:,}; split it into smaller files"
    )


def test_an_oversized_record_fails_alone():
    big = json.dumps({"title": "大", "body": "党" * MAX_ARTICLE_CHARS})
    articles, failures = load_bytes(f"{GOOD}\n{big}".encode(), "big.jsonl")
    assert [a.id for a in articles] == ["big.jsonl#1"]
    assert failures == [
        FileFailure(
            "big.jsonl#2",
            f"article too long: {MAX_ARTICLE_CHARS + 1:,} characters, "
            f"the limit is {MAX_ARTICLE_CHARS:,}",
        )
    ]


def test_control_and_bidi_characters_are_dropped_at_import():
    record = {
        "title": "通知\u202eexe.txt",
        "body": "第一段\u0000落\u2066隔离\u2069。",
        "column": "工作\u200f动态",
        "source": "\u202a西双版纳先锋\u202c",
        "url": "javascript:alert(1)",
    }
    articles, _ = load_bytes(json.dumps(record).encode(), "x.jsonl")
    assert articles == [
        Article(
            id="x.jsonl#1",
            title="通知exe.txt",
            body="第一段落隔离。",
            column="工作动态",
            source="西双版纳先锋",
            source_url="",
            file="x.jsonl",
        )
    ]


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://www.xsbnxf.gov.cn/a.html", "https://www.xsbnxf.gov.cn/a.html"),
        ("http://example.cn/", "http://example.cn/"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("//evil.example/", ""),
        ("/relative/path", ""),
    ],
)
def test_only_http_addresses_are_kept(url, kept):
    line = json.dumps({"title": "标题", "body": "正文", "url": url})
    articles, _ = load_bytes(line.encode(), "u.jsonl")
    assert articles[0].source_url == kept


PAGE = "<html><head><title>标题 - 西双版纳先锋</title></head><body><h1>标题</h1>{}</body></html>"


@pytest.mark.parametrize(
    "inner",
    [
        "<div>" * 2_000 + "<p>正文。</p>" + "</div>" * 2_000,  # 40,000 in the attack
        "<section><DIV class=x>" * 300 + "<p>正文。</p>",  # never closed
        "<span>" * 2_000 + "<p>正文。</p>" + "</span>" * 2_000,  # parsed, then measured
    ],
)
def test_deeply_nested_pages_are_refused_by_name(inner):
    with pytest.raises(ArticleError) as e:
        load_bytes(PAGE.format(inner).encode(), "deep.html")
    assert str(e.value) == "deep.html: elements nested more than 256 deep"


def test_page_text_is_read_once_however_deep_the_page(monkeypatch):
    """Reading every element's text costs the page once per level of
    nesting; only short elements (title and info-line candidates) are read."""
    from indexer.ingest.formats import html

    read = []
    real = html.node_text
    monkeypatch.setattr(html, "node_text", lambda node: read.append(real(node)) or read[-1])
    text = "边疆党建长廊建设。" * 5_000
    nested = '<div class="content"><span>' * 120 + f"<p>{text}</p>" + "</span></div>" * 120
    page = PAGE.format('<p class="info">来源：西双版纳先锋 发布时间：2021-10-01</p>' + nested)
    (article,), _ = load_bytes(page.encode(), "wide.html")
    assert (article.title, article.date, article.body) == ("标题", "2021-10-01", text)
    assert sum(len(t) for t in read) < 1_000  # the old reader: 120 × 45,000


def test_an_oversized_page_is_refused_before_parsing():
    page = PAGE.format("<p>" + "党" * 1_000_000 + "</p>")
    with pytest.raises(ArticleError) as e:
        load_bytes(page.encode(), "huge.html")
    assert e.value.reason == (
        f"page too long: {len(page):,} characters, the limit is 1,000,000; "
        "split it into smaller files"
    )
