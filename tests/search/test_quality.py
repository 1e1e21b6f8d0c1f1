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
    assert (ids(page), page.steps) == (expected, [])


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
