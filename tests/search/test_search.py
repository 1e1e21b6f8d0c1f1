"""Search round trips on a real index of the fixture corpus (see conftest)."""

import pytest

from indexer import QueryError, Step, article_view, search

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
MENGLA = "2022-03-15-mengla-changlang-shifandai.txt"  # 边疆党建长廊 in the title only
JINGHONG = "2022-05-20-jinghong-jiceng-zhili.txt"  # 边疆党建长廊 in the body only
DALUO = "2023-01-08-daluo-cunzhai-xinmao.txt"  # 边疆, 党建, 长廊 apart
BANZHANG = "2023-06-30-banzhang-5g.txt"
GBK = "2020-12-01-daluo-qiangbian-gufang-gbk.txt"


def ids(page):
    return [h.id for h in page.hits]


def test_phrase_in_title_ranks_above_body(search_index):
    page = search(search_index, "边疆党建长廊")
    assert page.total == 3
    assert set(ids(page)[:2]) == {SEED, MENGLA}
    assert ids(page)[2] == JINGHONG


def test_substring_across_jieba_word_boundary(search_index):
    # 疆党建长 is inside the dictionary word 边疆党建长廊
    page = search(search_index, "疆党建长")
    # only one of its words (疆 党建 长) has two characters: no words fallback
    assert sorted(ids(page)) == sorted([SEED, MENGLA, JINGHONG])


def test_exact_phrase_ranks_above_words_only(search_index):
    page = search(search_index, "边疆党建")
    assert ids(page)[-1] == DALUO  # has 边疆 and 党建, not the phrase
    assert set(ids(page)[:3]) == {SEED, MENGLA, JINGHONG}
    assert page.total == 4


def test_quoted_phrase_is_exact_only(search_index):
    assert ids(search(search_index, '"边疆党建"')) == ids(search(search_index, "边疆党建"))[:3]
    assert search(search_index, '"边疆党建"').total == 3


def test_quoted_phrase_ignores_punctuation(search_index):
    # the seed has 抓党建促强边固防、促乡村振兴 (with an enumeration comma)
    page = search(search_index, '"强边固防促乡村振兴"')
    assert ids(page) == [SEED]


def test_phrase_never_spans_a_sentence_end(search_index):
    # JINGHONG: "…工作推进会。会议要求…" has 推进会 and 会议 across a full stop
    assert search(search_index, '"推进会会议"').total == 0
    assert ids(search(search_index, '"推进会"')) == [JINGHONG]


def test_spaces_mean_and(search_index):
    page = search(search_index, "打洛镇 强边固防")
    assert ids(page) == [GBK, SEED]  # both in the title, then both in the body
    apart = search(search_index, "打洛镇 深度融合")  # never in one article
    assert apart.steps[:2] == [
        Step("phrase", "打洛镇 深度融合", 0),
        Step("all_words", "打洛镇 深度 融合", 0),
    ]
    assert apart.steps[2].kind == "any_word"  # what is shown instead, and said so


def test_exclusion(search_index):
    everything = set(ids(search(search_index, "党建")))
    without = set(ids(search(search_index, "党建 -打洛")))
    assert {DALUO, GBK, SEED} <= everything  # the seed mentions 打洛镇 too
    assert without == everything - {DALUO, GBK, SEED}
    assert without


def test_or(search_index):
    page = search(search_index, "茶叶电商 OR 深度融合")
    assert sorted(ids(page)) == sorted([BANZHANG, MENGLA])


def test_title_restriction(search_index):
    assert ids(search(search_index, "title:边疆党建长廊")) in ([SEED, MENGLA], [MENGLA, SEED])


def test_latin_and_numbers(search_index):
    assert ids(search(search_index, "5G")) == [BANZHANG]
    assert ids(search(search_index, "gdp")) == [BANZHANG]
    assert ids(search(search_index, "GDP 2021")) == [BANZHANG]


def test_gbk_crlf_file_is_indexed(search_index):
    page = search(search_index, "中缅边境")
    assert ids(page) == [GBK]
    assert page.hits[0].title == "勐海县打洛镇强边固防工作纪实"


def test_highlighting_marks_the_phrase_in_title_and_snippet(search_index):
    hit = next(h for h in search(search_index, "边疆党建长廊").hits if h.id == MENGLA)
    assert str(hit.title_html) == "勐腊县打造<mark>边疆党建长廊</mark>示范带"
    page = search(search_index, "基层治理工作推进会")
    assert str(page.hits[0].snippet_html).startswith(
        "5月18日,景洪市召开<mark>基层治理工作推进会</mark>。"
    )


def test_highlight_lands_on_original_characters_not_the_punctuation(search_index):
    page = search(search_index, '"强边固防促乡村振兴"')
    assert "促<mark>强边固防</mark>、<mark>促乡村振兴</mark>、促" in str(page.hits[0].snippet_html)


def test_snippet_escapes_and_marks_only(search_index):
    page = search(search_index, "<script>党建</script>")
    for hit in page.hits:
        assert "<script" not in str(hit.snippet_html)
        assert "<script" not in str(hit.title_html)


def test_hit_fields(search_index):
    hit = search(search_index, "筑牢党建根基").hits[0]
    assert (hit.id, hit.date, hit.column, hit.source) == (
        SEED,
        "2021-10-01",
        "工作动态",
        "西双版纳先锋",
    )
    assert (
        hit.title
        == "【西双版纳州实施“三抓三促”强化千里边疆党建长廊】(之三)勐海县:筑牢党建根基 推动边疆发展"
    )


def test_paging(search_index):
    all_ids = ids(search(search_index, "党建", per_page=100))
    assert len(all_ids) >= 4
    pages = [ids(search(search_index, "党建", page=p, per_page=2)) for p in (1, 2, 3)]
    assert [i for p in pages for i in p] == all_ids[:6]


@pytest.mark.parametrize(
    "q", ["", "   ", '"', "-", "OR", "title:", "!!!", "-党建", "\x00", "\ud800", "*", "党建~2^3"]
)
def test_odd_queries_never_fail(search_index, q):
    page = search(search_index, q)
    assert page.total >= 0


def test_unbalanced_quote_is_searched_as_text_with_notice(search_index):
    page = search(search_index, '"边疆党建长廊')
    assert page.total == 3
    assert page.notices == ["引号没有成对出现，已按普通文字搜索。"]


def test_too_long_query_is_refused(search_index):
    with pytest.raises(QueryError, match="查询太长"):
        search(search_index, "党" * 201)


def test_article_view_highlights(search_index):
    view = article_view(search_index, JINGHONG, "边疆党建长廊")
    assert view.article.title == "景洪市召开基层治理工作推进会"
    assert [str(p) for p in view.paragraphs_html] == [
        "5月18日，景洪市召开基层治理工作推进会。",  # shown full-width, stored as scraped
        "会议要求，要持续推进<mark>边疆党建长廊</mark>建设，健全网格化管理体系，提升基层治理能力。",
    ]


def test_article_view_missing(search_index):
    assert article_view(search_index, "../etc/passwd") is None


def test_numpy_postings_equal_whoosh_matcher(search_index):
    """ranking.read_postings decodes Whoosh's blocks itself; it must agree
    with Whoosh's own matcher, posting for posting."""
    from indexer.index.ranking import read_postings

    with search_index.searcher() as (_, searcher):
        for field, word in [("body", "党建"), ("title", "边疆党建长廊"), ("body", "乡村振兴")]:
            ids, weights = read_postings(searcher, field, word)
            m = searcher.postings(field, word)
            expected = []
            while m.is_active():
                expected.append((m.id(), m.weight()))
                m.next()
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected
            assert expected
