import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.normalize import key_text, key_with_offsets, query_key


@pytest.mark.parametrize(
    "text,key",
    [
        ("抓党建,促强边固防", "抓党建促强边固防"),
        ("抓党建，促强边固防", "抓党建促强边固防"),  # full-width comma, as the site writes it
        ("(之三)勐海县:筑牢", "之三勐海县筑牢"),
        ("（之三）勐海县：筑牢", "之三勐海县筑牢"),
        ("GDP 2021年", "gdp 2021年"),
        ("ＧＤＰ　２０２１", "gdp 2021"),  # full-width Latin and digits
        ("5G 网络", "5g网络"),
        ("“三抓三促”", "三抓三促"),
        ("党员+N”网格", "党员n网格"),
        ("  \xa0 ", ""),
        ("重大。水域", "重大\x02水域"),  # a sentence end stays a boundary
        ("一是抓党建；二是促发展！", "一是抓党建\x02二是促发展\x02"),
        ("第一段。\n第二段", "第一段\x02第二段"),  # one boundary, however many
        ("邊疆黨建長廊", "边疆党建长廊"),  # traditional -> simplified
        ("西雙版納州「強邊固防」", "西双版纳州强边固防"),
        ("乾隆", "干隆"),  # character by character, so every substring maps alike
        # inside a number or Latin token . / : - + (and % after a digit) stay
        ("增长100%,共100名", "增长100%共100名"),
        ("收益的1/4用于", "收益的1/4用于"),
        ("完成721.4亿元", "完成721.4亿元"),
        ("结构比为26.3:50.7", "结构比为26.3:50.7"),
        ("2021-10-01起", "2021-10-01起"),
        ("COVID-19疫情", "covid-19疫情"),
        ("ＰＭ２．５", "pm2.5"),  # full-width: the same token
        ("G219国道", "g219国道"),
        ("编者按:近年来", "编者按近年来"),  # between or around Chinese: folded
        ("3.加强", "3加强"),
        ("第3.5版。", "第3.5版\x02"),
        ("a..b c- d", "a b c d"),
    ],
)
def test_key_text(text, key):
    assert key_text(text) == key


def test_segment_keeps_number_and_latin_tokens_whole():
    from indexer.analysis import segment

    assert segment("COVID-19疫情,增长8.5%,PM2.5和1/4") == [
        "covid-19",
        "疫情",
        "增长",
        "8.5%",
        "pm2.5",
        "和",
        "1/4",
    ]


def test_sub_words_split_compounds_into_dictionary_words():
    from indexer.analysis import sub_words

    assert [sub_words(w) for w in ("磨憨口岸", "基层党组织", "勐海县", "党建")] == [
        ("磨憨", "口岸"),
        ("基层", "党组织"),
        (),  # one part and a suffix: not a compound
        (),
    ]


def test_query_key_treats_sentence_ends_as_spaces():
    assert query_key("重大。水域") == "重大水域"
    assert query_key("GDP!2021") == "gdp 2021"


def test_offsets_point_at_original_characters():
    text = "抓党建, 促强边固防"
    key, offsets = key_with_offsets(text)
    assert key == "抓党建促强边固防"
    assert [text[i] for i in offsets] == list(key)


def _slow_key(text):
    """The definition: every character through the per-character mapping."""
    from indexer.normalize import _KeyBuilder

    kb = _KeyBuilder()
    for i, ch in enumerate(text):
        kb.add_char(ch, i)
    return "".join(kb.chars), kb.offsets


@pytest.mark.parametrize(
    "text",
    [
        "抓党建,促强边固防(简称三抓三促)",
        "GDP 2021年增长8.5%,5G基站3座",
        "ＧＤＰ　２０２１ Ⅻ ① ㈠ ﬁ ½ x²",
        "e\u0301 café CAFÉ İstanbul ß",
        "党员+N”网格 \xa0 \u3000 末尾",
        "",
    ],
)
def test_fast_path_equals_the_definition(text):
    assert key_with_offsets(text) == _slow_key(text)


@given(
    st.text(
        alphabet=st.sampled_from(
            list("党建长廊黨長乾ab AZ09,.:（）“”ＧＤ①ﬁé\u0301\xa0-_+。!\n") + ["\U0001f600"]
        )
    )
)
def test_fast_path_equals_the_definition_for_any_text(text):
    assert key_with_offsets(text) == _slow_key(text)


@given(st.text())
def test_offsets_always_point_into_the_text(text):
    key, offsets = key_with_offsets(text)
    assert len(key) == len(offsets)
    assert all(0 <= i < len(text) for i in offsets)
    assert offsets == sorted(offsets)


KEY_ALPHABET = list("党建長乾ab AZ09,.:/+-%（）“”ＧＤ①½ﬁé\u0301\xa0_。!?;\n\r\t％．")
KEY_ALPHABET += ["\U0001f600"]


@given(st.text(alphabet=st.sampled_from(KEY_ALPHABET)))
def test_key_text_is_the_key_of_key_with_offsets(text):
    assert key_text(text) == key_with_offsets(text)[0]


@given(st.text())
def test_key_text_is_the_key_of_key_with_offsets_for_any_text(text):
    assert key_text(text) == key_with_offsets(text)[0]
