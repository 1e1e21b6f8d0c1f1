import jieba
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer import wordcut
from indexer.analysis import setup_jieba

# Characters that make routes compete: common words and their parts, the
# site's terms, ASCII runs jieba joins, and what it splits on.
ALPHABET = (
    "不能等他们的党建边疆长廊勐海县基层组织服务业发展一个人民大会堂和abcZ019.%-+# \n\r\t，。、“”!?"
)


@pytest.fixture(autouse=True, scope="module")
def dictionary():
    setup_jieba()


@pytest.mark.parametrize(
    "text,words",
    [
        # two routes of exactly the same probability: jieba takes the longer
        # first word, where jieba_fast and jieba_fast_dat take the other
        ("不能等等等他们", ["不能", "等等", "等", "他们"]),
        ("边疆党建长廊建设", ["边疆党建长廊", "建设"]),  # the user dictionary
        (
            "GDP增长2021年,covid-19疫情",
            ["GDP", "增长", "2021", "年", ",", "covid", "-", "19", "疫情"],
        ),
        ("a b\r\nc", ["a", " ", "b", "\r\n", "c"]),
        ("", []),
    ],
)
def test_words_as_jieba_gives_them(text, words):
    assert wordcut.lcut(text) == jieba.lcut(text, HMM=False) == words


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_the_same_words_as_jieba_on_any_text(text):
    assert wordcut.lcut(text) == jieba.lcut(text, HMM=False)


@given(st.text(max_size=30))
def test_the_same_words_as_jieba_on_any_characters(text):
    assert wordcut.lcut(text) == jieba.lcut(text, HMM=False)
