"""A long article costs its readers no more than a short one: related
articles and keyword recommendations come from words stored at indexing
time, and snippets normalise a bounded head of the text (the large-article
attack, scaled down)."""

from __future__ import annotations

import pytest

from indexer import article_view, open_index, reindex, search
from indexer.search import highlight

LONG = "边疆党建长廊建设推动乡村振兴。" * 6_000  # 90,000 characters: 4 MB in the attack


@pytest.fixture(scope="module")
def long_index(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "long.txt").write_text(
        f"工作动态\n边疆党建长廊\n来源：西双版纳先锋\n{LONG}\n", "utf-8"
    )
    for name, text in [("a.txt", "边疆党建长廊示范带。"), ("b.txt", "茶叶合作社。")]:
        (corpus / name).write_text(f"工作动态\n标题{name}\n来源：西双版纳先锋\n{text}\n", "utf-8")
    index = tmp_path_factory.mktemp("index")
    reindex(corpus, index)
    with open_index(index) as ix:
        yield ix


def test_viewing_a_long_article_segments_none_of_it(long_index, monkeypatch):
    import indexer.analysis

    segmented = []
    real = indexer.analysis.segment
    monkeypatch.setattr(indexer.analysis, "segment", lambda t: segmented.append(t) or real(t))
    view = article_view(long_index, "long.txt")
    assert [h.id for h in view.related] == ["a.txt"]
    assert sum(len(t) for t in segmented) == 0  # the old view: all 90,000 characters


def test_a_snippet_normalises_a_bounded_head(long_index, monkeypatch):
    seen = []
    real = highlight.key_with_offsets
    monkeypatch.setattr(highlight, "key_with_offsets", lambda t: seen.append(len(t)) or real(t))
    page = search(long_index, "边疆党建长廊")
    assert [h.id for h in page.hits] == ["long.txt", "a.txt"]
    # a needle the fast path cannot place (full-width letters) makes it scan
    highlight.snippet("ＸＹＺ" + LONG + "ＸＹＺ", ["xyz"])
    assert max(seen) <= highlight.SCAN_CHARS + 1_000


def test_keyword_recommendations_segment_no_hit(long_index, monkeypatch):
    from indexer.search import keywords

    segmented = []
    real = keywords.segment
    monkeypatch.setattr(keywords, "segment", lambda t: segmented.append(t) or real(t))
    page = search(long_index, "长廊")
    assert [h.id for h in page.hits] == ["long.txt", "a.txt"]
    assert page.keywords == ["乡村振兴", "建设", "推动", "示范"]
    assert segmented == []  # the words stored at indexing time are used
