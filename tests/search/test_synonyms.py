"""Synonyms and abbreviations: parsed from the editable file, expanded in
queries, ranked below literal matches and reported."""

import logging

import pytest

from indexer import search
from indexer.errors import SynonymError
from indexer.search.query import parse_query
from indexer.search.synonyms import (
    MAX_EXPANSIONS,
    SHIPPED,
    SynonymFile,
    Synonyms,
    append_entry,
    parse_synonyms,
)

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
JINGHONG = "2022-05-20-jinghong-jiceng-zhili.txt"
BANZHANG = "2023-06-30-banzhang-5g.txt"


def test_groups_expand_both_ways_and_arrows_one_way():
    table = parse_synonyms("甲乙, 丙丁, 戊己\n入党 => 发展党员，入党申请\n")
    assert table.expand("甲乙") == ("丙丁", "戊己")
    assert table.expand("戊己") == ("甲乙", "丙丁")
    assert table.expand("入党") == ("发展党员", "入党申请")
    assert table.expand("发展党员") == ()


def test_entries_are_normalised_like_queries():
    table = parse_synonyms("十四五規劃, 第十四個五年規劃  # 繁体也行\n")
    assert table.expand("十四五规划") == ("第十四个五年规划",)


def test_bad_lines_are_reported_by_number_and_skipped(caplog):
    with caplog.at_level(logging.WARNING, logger="indexer.search.synonyms"):
        table = parse_synonyms("# 注释\n只有一个词\n甲乙 =>\n丙丁, 戊己\n", "syn.txt")
    assert table.expand("丙丁") == ("戊己",)
    assert len(table) == 2
    lines = [r.getMessage() for r in caplog.records]
    assert any("syn.txt line 2" in m for m in lines)
    assert any("syn.txt line 3" in m for m in lines)


def test_expansions_are_capped():
    many = ", ".join(f"词{i}号" for i in range(20))
    assert len(parse_synonyms(many).expand("词0号")) == MAX_EXPANSIONS


def test_shipped_file_has_the_programme_abbreviations():
    table = SynonymFile(SHIPPED).current()
    assert "抓党建促强边固防" in table.expand("三抓三促")
    assert table.expand("抓党建促强边固防") == ("三抓三促",)
    assert "第十四个五年规划" in table.expand("十四五")
    assert "发展党员" in table.expand("入党")
    assert "入党" in table.expand("发展党员")  # and back: the same thing said two ways


def test_file_is_reread_when_edited_and_missing_means_none(tmp_path, caplog):
    path = tmp_path / "synonyms.txt"
    path.write_text("甲乙, 丙丁\n", encoding="utf-8")
    synonyms = SynonymFile(path)
    assert synonyms.current().expand("甲乙") == ("丙丁",)
    path.write_text("甲乙, 丙丁, 戊己庚\n", encoding="utf-8")
    assert synonyms.current().expand("甲乙") == ("丙丁", "戊己庚")
    path.unlink()
    with caplog.at_level(logging.WARNING, logger="indexer.search.synonyms"):
        assert len(synonyms.current()) == 0
    assert "not found" in caplog.text


def test_quoted_and_excluded_terms_are_not_expanded():
    table = Synonyms({"三抓三促": ("基层治理",)})
    assert parse_query("三抓三促", table).expansions == [("三抓三促", ["基层治理"])]
    assert parse_query('"三抓三促"', table).expansions == []
    assert parse_query("党建 -三抓三促", table).expansions == []


def test_synonym_matches_rank_below_literal_ones(search_index):
    table = Synonyms({"三抓三促": ("基层治理",)})
    plain = search(search_index, "三抓三促")
    assert [h.id for h in plain.hits] == [SEED]
    expanded = search(search_index, "三抓三促", synonyms=table)
    assert [h.id for h in expanded.hits] == [SEED, JINGHONG]
    assert expanded.also_searched == [("三抓三促", ["基层治理"])]
    # the synonym is highlighted where it stands in for the query
    assert "<mark>基层治理</mark>" in str(expanded.hits[1].title_html)


def test_everyday_word_finds_the_official_term(search_index):
    found = search(search_index, "网购", synonyms=SynonymFile(SHIPPED).current())
    assert [h.id for h in found.hits] == [BANZHANG]  # 电商
    assert found.also_searched == [("网购", ["电子商务", "电商"])]
    assert not found.steps  # found through a synonym: not a zero-results case


@pytest.mark.parametrize("q", ["title:三抓三促", "三抓三促 OR 打洛"])
def test_expanded_queries_agree_with_the_per_article_check(search_index, q):
    from indexer.search.matching import Matcher

    parsed = parse_query(q, Synonyms({"三抓三促": ("基层治理",)}))
    with search_index.searcher() as (gen, _):
        matcher = Matcher(gen)
        found = set(matcher.match(parsed).cids.tolist())
        for cid in gen.chars.live_cids().tolist():
            assert matcher.matches(cid, parsed) == (cid in found)


def test_site_additions_extend_the_shipped_entries(tmp_path):
    main = tmp_path / "shipped.txt"
    main.write_text("三抓三促 => 抓党建促强边固防\n", encoding="utf-8")
    local = tmp_path / "instance" / "synonyms.txt"
    synonyms = SynonymFile(main, local)
    assert synonyms.current().expand("三抓三促") == ("抓党建促强边固防",)  # no local file yet
    line = append_entry(local, "三抓三促", "抓党建促基层治理")
    assert line == "三抓三促 => 抓党建促基层治理"
    assert synonyms.current().expand("三抓三促") == ("抓党建促强边固防", "抓党建促基层治理")
    append_entry(local, "老党员", "党龄五十年, 光荣在党50年", both_ways=True)
    assert synonyms.current().expand("光荣在党50年") == ("老党员", "党龄五十年")


@pytest.mark.parametrize(
    "term,alternatives,message",
    [
        ("", "发展党员", "请填写词和它的同义说法"),
        ("入党", "  ", "请填写词和它的同义说法"),
        ("入党, 党员", "发展党员", "左边只能是一个词"),
        ("入党", "入党", "同义说法与词本身相同"),
        ("入党", "！？", "同义说法与词本身相同"),
        ("入党", "党" * 300, "合计不超过"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(tmp_path, term, alternatives, message):
    path = tmp_path / "synonyms.txt"
    with pytest.raises(SynonymError, match=message):
        append_entry(path, term, alternatives)
    assert not path.exists()


def test_entries_cannot_smuggle_lines_or_comments(tmp_path):
    path = tmp_path / "synonyms.txt"
    append_entry(path, "入党\n# 注释", "发展党员 => 其他\n甲乙, 丙丁")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    table = SynonymFile(tmp_path / "none.txt", path).current()
    assert list(table.table) == ["入党注释"]  # one term, as typed minus the line break


def test_an_entry_after_a_hand_edit_without_final_line_break(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("甲乙, 丙丁", encoding="utf-8")  # no line break at the end
    append_entry(path, "入党", "发展党员")
    append_entry(path, "边防", "强边固防")
    assert path.read_text(encoding="utf-8") == "甲乙, 丙丁\n入党 => 发展党员\n边防 => 强边固防\n"
