"""Search quality on the kinds of text that broke it: numbers with their
punctuation, unspaced input with words jieba does not know, dictionary
compounds, repeated words, Latin/number tokens in the zero-results chain
(tests/fixtures/quality, see conftest)."""

import pytest

from indexer import Step, search


def ids(page):
    return [h.id for h in page.hits]


@pytest.mark.parametrize(
    "q,expected",
    [
        ('"1/4"', ["tea.txt"]),  # not 721.4亿
        ("1/4", ["tea.txt"]),
        ('"100%"', ["tea.txt"]),  # not 100名
        ("100%", ["tea.txt"]),
        ('"3.5"', ["tea.txt"]),  # not 26.3:50.7
        ("2021-10-01", ["tea.txt"]),
        ('"26.3:50.7"', ["economy.txt"]),
        ("721.4亿", ["economy.txt"]),
        ("COVID-19", ["border.txt"]),
        ("covid－19", ["border.txt"]),  # full-width hyphen: the same token
        ("G219", ["border.txt"]),
        ("100", ["volunteers.txt", "tea.txt"]),  # digits alone still find both
    ],
)
def test_numbers_keep_their_punctuation(quality_index, q, expected):
    assert ids(search(quality_index, q)) == expected


@pytest.mark.parametrize(
    "q,expected",
    [
        ("瑞丽封城", ["border.txt"]),  # 瑞丽 + 封城 (jieba leaves 封, 城)
        ("橡胶胶农", ["rubber.txt"]),  # 橡胶 + 胶农, apart in the article
    ],
)
def test_unspaced_input_with_unknown_words(quality_index, q, expected):
    page = search(quality_index, q)
    # found as typed: no chain, and no correction offered (瑞丽市城 used to be)
    assert (ids(page), page.steps, page.did_you_mean) == (expected, [], None)


@pytest.mark.parametrize(
    "q,expected",
    [
        # the compound itself first, then 磨憨国际口岸 found by 磨憨 + 口岸
        ("磨憨口岸", ["port.txt", "port-parts.txt"]),
        ("基层党组织", ["grassroots.txt", "grassroots-parts.txt"]),
        ('"磨憨口岸"', ["port.txt"]),  # quoted: exactly the phrase
    ],
)
def test_compounds_are_found_by_their_parts_below_the_compound(quality_index, q, expected):
    assert ids(search(quality_index, q)) == expected


def test_a_repeated_word_finds_what_the_word_finds(quality_index):
    page = search(quality_index, "基诺族基诺族")
    assert (ids(page), page.steps) == (["jinuo.txt"], [])


def test_a_latin_number_token_stays_whole_in_the_chain(quality_index):
    page = search(quality_index, "COVID-19 xyzzy")
    assert page.steps == [
        Step("phrase", "COVID-19 xyzzy", 0),
        Step("all_words", "covid-19 xyzzy", 0),
        Step("any_word", "covid-19 OR xyzzy", 1),
    ]
    assert ids(page) == ["border.txt"]  # not history.txt (1998, 197万, 2019)


def test_an_article_about_the_phrase_ranks_above_a_passing_mention(quality_index):
    # village-passing says 边境 a dozen times and 边境幸福村 once, late;
    # village-about says 边境幸福村 four times, from its first sentence
    page = search(quality_index, "边境幸福村")
    assert ids(page) == ["village-title.txt", "village-about.txt", "village-passing.txt"]


def test_a_title_tag_weighs_less_than_the_title_proper(quality_index):
    # 【智慧党建】… names its column; the other article is called 智慧党建平台
    page = search(quality_index, "智慧党建")
    assert ids(page) == ["smart-proper.txt", "smart-tag.txt"]
    assert [h.tier for h in page.hits] == [3, 2]  # the tag: body tier


def hit(page, article_id):
    return next(h for h in page.hits if h.id == article_id)


def test_highlights_mark_the_characters_not_the_punctuation_between(quality_index):
    found = hit(search(quality_index, "驻村第一书记"), "secretary.txt")
    assert str(found.title_html) == "关累镇选派<mark>驻村</mark>“<mark>第一书记</mark>”"
    assert str(found.snippet_html) == (
        "编者按: 关累镇向边境村选派<mark>驻村</mark>“<mark>第一书记</mark>”12名,"
        "驻村工作队员(含党员)36名。 抓党建促中心工作建强制度机制 "
        "<mark>驻村第一书记</mark>进村入户走访群众,帮助理清发展思路:先稳产业,再扩规模。"
    )


def test_parts_are_marked_only_where_the_whole_is_not(quality_index):
    page = search(quality_index, "边境幸福村")
    passing = hit(page, "village-passing.txt")
    assert str(passing.title_html) == "守好<mark>边境</mark> 建好<mark>边境</mark>"  # no whole here
    assert str(passing.snippet_html) == (
        "边境稳则边疆稳,边境兴则边疆兴。边境地区的党组织是边境一线的战斗堡垒。 "
        "守边境、护边境、建边境,需要一代代边境群众接续奋斗,幸福生活需要奋斗,幸福不会从天而降。 "
        "从护边员队伍到<mark>边境幸福村</mark>,从边民互市到边境贸易,边境工作千头万绪。"
    )
    parts = hit(search(quality_index, "磨憨口岸"), "port-parts.txt")
    assert str(parts.snippet_html) == (
        "<mark>磨憨</mark>国际<mark>口岸</mark>联检单位成立党建联盟,<mark>口岸</mark>事项一起议。"
    )
    unknown = hit(search(quality_index, "瑞丽封城"), "border.txt")
    assert str(unknown.snippet_html) == (
        "3月31日,<mark>瑞丽</mark>市宣布<mark>封城</mark>,关累镇第一时间启动应急响应。 "
        "面对COVID-19疫情,关累镇在G219国道沿线设置卡点3个。"
    )


def test_a_number_is_marked_whole_with_its_punctuation(quality_index):
    found = hit(search(quality_index, '"26.3:50.7"'), "economy.txt")
    assert str(found.snippet_html) == (
        "一季度,景洪市地区生产总值完成721.4亿元,三次产业结构比为<mark>26.3:50.7</mark>:23.0。"
    )


def test_a_snippet_does_not_start_with_stray_punctuation():
    from indexer.search.highlight import LEAD_CHARS, SNIPPET_CHARS, Needle, snippet

    # the window would start at the ":" of 编者按: (LEAD_CHARS before the match)
    near = "近" * (LEAD_CHARS - 1)
    text = "编者按:\n" + near + "边境幸福村" + "远" * 200
    far = "远" * (SNIPPET_CHARS - len(near) - 5)
    assert str(snippet(text, [Needle("边境幸福村")])) == (
        "…" + near + "<mark>边境幸福村</mark>" + far + "…"
    )


def test_the_article_page_shows_subheadings_and_full_width_punctuation(quality_index):
    from indexer import article_view

    view = article_view(quality_index, "secretary.txt", "驻村第一书记")
    assert str(view.title_html) == "关累镇选派<mark>驻村</mark>“<mark>第一书记</mark>”"
    assert [str(p) for p in view.paragraphs_html] == [
        "编者按：",
        "关累镇向边境村选派<mark>驻村</mark>“<mark>第一书记</mark>”12名，"
        "驻村工作队员（含党员）36名。",
        "抓党建促中心工作建强制度机制",
        "<mark>驻村第一书记</mark>进村入户走访群众，帮助理清发展思路：先稳产业，再扩规模。",
    ]
    assert view.subheadings == {2}
    # stored as scraped
    assert view.article.body.startswith("编者按:\n关累镇向边境村选派驻村“第一书记”12名,")


@pytest.mark.parametrize(
    "text,shown",
    [
        ("5月18日,景洪市召开(扩大)会议:", "5月18日，景洪市召开（扩大）会议："),
        ("结构比为26.3:50.7,时间12:30", "结构比为26.3:50.7，时间12:30"),
        ("增长8.5%,数字经济(GDP)", "增长8.5%，数字经济(GDP)"),
        ("Hello, world (test)", "Hello, world (test)"),
    ],
)
def test_full_width_display_leaves_numbers_and_latin_alone(text, shown):
    from indexer.normalize import key_text
    from indexer.search.display import full_width

    assert full_width(text) == shown
    assert key_text(full_width(text)) == key_text(text)  # what matches is unchanged


@pytest.mark.parametrize(
    "paragraph,heading",
    [
        ("抓党建促中心工作建强制度机制", True),
        ("一、总体目标", True),
        ("编者按:", False),
        ("会议要求,要持续推进建设。", False),
        ("2023年5月12日", False),
        ("党建", False),  # too short to be a heading
    ],
)
def test_subheadings_are_short_lines_without_punctuation(paragraph, heading):
    from indexer.search.display import is_subheading

    assert is_subheading(paragraph) is heading


@pytest.mark.parametrize(
    "q", ["瑞丽封城", "橡胶胶农", "磨憨口岸", "基层党组织", "基诺族基诺族", "COVID-19", "100%"]
)
def test_the_per_article_check_agrees_with_matching(quality_index, q):
    """Units and parts are checked the same way for a shown hit of a sampled
    (unchecked) match as when matching."""
    from indexer.search.matching import Matcher
    from indexer.search.query import parse_query

    parsed = parse_query(q)
    with quality_index.searcher() as (gen, _):
        matcher = Matcher(gen)
        found = set(matcher.match(parsed).cids.tolist())
        live = gen.chars.live_cids().tolist()
        assert [c for c in live if matcher.matches(c, parsed) != (c in found)] == []
