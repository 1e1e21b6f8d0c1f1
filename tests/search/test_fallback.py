"""Zero results are never a dead end: the chain (phrase -> all words -> any
word -> corrected / pinyin), did-you-mean, keyword recommendations and
suggestions, on the real index of the fixture corpus."""

import pytest

from indexer import Step, search, suggest
from indexer.search.facets import parse_filters

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
GBK = "2020-12-01-daluo-qiangbian-gufang-gbk.txt"


def ids(page):
    return sorted(h.id for h in page.hits)


def test_words_apart_fall_back_to_any_word_and_say_each_step(search_index):
    page = search(search_index, "打洛镇 深度融合")
    assert [(s.kind, s.total) for s in page.steps] == [
        ("phrase", 0),
        ("all_words", 0),
        ("any_word", page.total),
    ]
    assert page.total > 0
    assert page.searched == "打洛镇 OR 深度 OR 融合"
    assert "2022-03-15-mengla-changlang-shifandai.txt" in ids(page)  # 深度融合 only
    assert "<mark>" in str(page.hits[0].snippet_html)


@pytest.mark.parametrize(
    "typed,corrected",
    [("党见长廊", "党建长廊"), ("强边固访", "强边固防")],
)
def test_a_miswritten_character_is_corrected_and_said(search_index, typed, corrected):
    page = search(search_index, typed)
    assert page.steps[0] == Step("phrase", typed, 0)
    assert page.steps[-1] == Step("corrected", corrected, page.total)
    assert page.total > 0
    assert page.did_you_mean is None  # already applied, and said


@pytest.mark.parametrize(
    "typed,chinese",
    [
        ("dangjian", "党建"),
        ("dang jian", "党建"),
        ("Dang'Jian", "党建"),
        ("qiangbiangufang", "强边固防"),
        ("szsc", "三抓三促"),  # san zhua san cu
    ],
)
def test_pinyin_finds_the_chinese_terms(search_index, typed, chinese):
    page = search(search_index, typed)
    assert page.steps[-1] == Step("pinyin", chinese, page.total)
    assert page.total > 0
    assert chinese in "".join(h.title + str(h.snippet_html) for h in page.hits)


def test_did_you_mean_is_offered_when_results_are_few(search_index):
    page = search(search_index, "勐海县 党见")  # 党见: no such word; 勐海县 alone finds some
    assert page.steps[-1].kind == "any_word"
    assert page.did_you_mean == "勐海县 党建"
    assert search(search_index, "勐海县 党建").total > 0


def test_nothing_to_offer_for_good_queries_or_operators(search_index):
    assert search(search_index, "边疆党建长廊").did_you_mean is None
    assert search(search_index, "边疆党建长廊").steps == []
    quoted = search(search_index, '"党见长廊"')  # quotes: exactly this, no guessing
    assert quoted.total == 0
    assert [s.kind for s in quoted.steps] == ["phrase"]
    assert quoted.did_you_mean is None


def test_nonsense_ends_with_every_step_at_zero(search_index):
    page = search(search_index, "xyzzy")
    assert page.total == 0 and page.hits == []
    assert page.steps == [Step("phrase", "xyzzy", 0)]


def test_the_chain_stays_inside_the_filters(search_index):
    page = search(search_index, "强边固访", filters=parse_filters(date_from="2021-01-01"))
    assert ids(page) == [SEED]  # GBK (2020) is outside the dates
    assert page.steps[-1] == Step("corrected", "强边固防", 1)


def test_keywords_characterise_the_hits_and_leave_out_the_query(search_index):
    page = search(search_index, "强边固防")
    assert page.keywords == [
        "乡村振兴",
        "勐海县",
        "落实",
        "三抓三促",
        "中央",
        "之三",
        "全镇",
        "决策",
    ]
    assert search(search_index, "xyzzy").keywords == []


def test_keywords_leave_out_the_query_words(search_index):
    from indexer.search.keywords import recommend

    hits = [
        {"title": t}
        for t in ("勐海县强边固防工作纪实", "打洛镇强边固防见成效", "勐海县打洛镇强边固防")
    ]
    with search_index.searcher() as (gen, _):
        args = (hits, 3, gen.vocabulary, gen.doc_count)
        assert recommend(*args, []) == ["强边固防", "勐海县", "打洛镇"]
        assert recommend(*args, ["强边固防"]) == ["勐海县", "打洛镇"]


def test_suggestions_complete_chinese_pinyin_and_titles(search_index):
    words = suggest(search_index, "边疆")
    assert words[0].text == "边疆党建长廊" and words[0].kind == "word"
    titles = [s.text for s in words if s.kind == "title"]
    assert "打洛镇边疆村寨新貌" in titles
    pinyin = suggest(search_index, "dangj")
    assert pinyin[0].text.startswith("党建") and pinyin[0].kind == "pinyin"
    assert all(s.text != "边疆" for s in words)  # what was typed is not a completion


@pytest.mark.parametrize("typed", ["", "   ", "？？", "党" * 31, "<script>"])
def test_suggestions_for_nothing_useful_are_empty(search_index, typed):
    assert [s for s in suggest(search_index, typed) if s.kind != "title"] == []


def test_filters_that_leave_nothing_do_not_start_the_chain(search_index):
    page = search(search_index, "打洛镇", filters=parse_filters(column="基层党建"))
    assert page.total == 0
    assert page.steps == []  # 打洛镇 is found, just not in that column: nothing to correct
    assert page.did_you_mean is None


def test_excluded_words_stay_excluded_in_the_any_word_step(search_index):
    page = search(search_index, "打洛镇 深度融合 -强边固防")
    assert page.steps[-1].kind == "any_word"
    assert GBK not in ids(page) and SEED not in ids(page)  # both say 强边固防
    assert page.total > 0


def test_did_you_mean_only_when_the_offer_finds_more(search_index):
    from indexer.search.fallback import Candidate, did_you_mean

    offer = Candidate("corrected", "党建长廊")
    with search_index.searcher() as (gen, _):
        found = search(search_index, "党建长廊").total
        assert [
            did_you_mean(gen, offer, total, [], parse_filters(), None)
            for total in (found - 1, found, found + 1)
        ] == ["党建长廊", None, None]
        chain = [Step("phrase", "党见长廊", 0), Step("corrected", "党建长廊", found)]
        assert did_you_mean(gen, offer, 0, chain, parse_filters(), None) is None
