"""The character index on its own: exact substring search over key streams."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.index.chars import CharIndex, key_stream, write_segment

DOCS = {
    0: ("西双版纳州边疆党建长廊", "持续强化边疆党建长廊建设"),
    1: ("勐海县筑牢党建根基", "抓党建促强边固防"),
    2: ("班章村5g网络", "gdp 2021年增长"),
    3: ("无关标题", "边疆地区党建工作文化长廊"),
}


@pytest.fixture
def index(tmp_path):
    docs = [(cid, key_stream(t, b)) for cid, (t, b) in DOCS.items()]
    write_segment(tmp_path, "s1", docs[:2])
    write_segment(tmp_path, "s2", docs[2:])
    ix = CharIndex.open(tmp_path, ["s1", "s2"], np.array([], dtype=np.int64), 4)
    yield ix
    ix.close()


@pytest.mark.parametrize(
    "needle,expected",
    [
        ("边疆党建长廊", [0]),
        ("疆党建长", [0]),  # inside one jieba word
        ("党建", [0, 1, 3]),
        ("建长廊", [0]),
        ("长廊", [0, 3]),
        ("廊", [0, 3]),  # one character, last of a title
        ("县", [1]),
        ("gdp 2021", [2]),
        ("p 20", [2]),
        ("5g", [2]),
        ("纳州边", [0]),
        ("廊持", []),  # never across the title/body boundary
        ("不存在", []),
    ],
)
def test_find_is_exact(index, needle, expected):
    assert index.find(needle).ids.tolist() == expected


def test_title_only(index):
    assert index.find("党建", title_only=True).ids.tolist() == [0, 1]
    assert index.find("边疆党建长廊", title_only=True).ids.tolist() == [0]
    assert index.find("文化长廊", title_only=True).ids.tolist() == []


def test_dead_articles_are_not_found(tmp_path):
    docs = [(cid, key_stream(t, b)) for cid, (t, b) in DOCS.items()]
    write_segment(tmp_path, "s1", docs)
    ix = CharIndex.open(tmp_path, ["s1"], np.array([0], dtype=np.int64), 4)
    assert ix.find("党建").ids.tolist() == [1, 3]
    assert ix.live_cids().tolist() == [1, 2, 3]
    ix.close()


def test_many_candidates(tmp_path):
    """A phrase in most articles: every candidate is checked, none lost."""
    docs = [(i, key_stream(f"标题{i}", "边疆党建长廊" if i % 2 else "边疆党建")) for i in range(40)]
    write_segment(tmp_path, "s1", docs)
    ix = CharIndex.open(tmp_path, ["s1"], np.array([], dtype=np.int64), 40)
    assert ix.find("党建长廊").ids.tolist() == list(range(1, 40, 2))
    assert ix.find("标题3").ids.tolist() == [3, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]
    ix.close()


def test_sampled_superset_and_single_checks(tmp_path, monkeypatch):
    """Above SAMPLE_ABOVE candidates only a sample is checked: the answer is
    then flagged inexact and may hold an article with every bigram but not
    the phrase, which contains() rejects; an exact find never holds it."""
    import indexer.index.chars as chars

    docs = [(0, key_stream("甲", "边疆党建长廊")), (1, key_stream("乙", "边疆,疆党。党建长廊"))]
    write_segment(tmp_path, "s1", docs)
    ix = CharIndex.open(tmp_path, ["s1"], np.array([], dtype=np.int64), 2)
    monkeypatch.setattr(chars, "SAMPLE_ABOVE", 0)
    monkeypatch.setattr(chars, "SAMPLE_SIZE", 1)
    loose = ix.find("边疆党建长廊", exact=False)
    assert (loose.ids.tolist(), loose.exact) == ([0, 1], False)
    assert [ix.contains(cid, "边疆党建长廊") for cid in (0, 1)] == [True, False]
    strict = ix.find("边疆党建长廊", exact=True)
    assert (strict.ids.tolist(), strict.exact) == ([0], True)
    ix.close()


def test_a_three_character_phrase_is_answered_by_its_trigram(tmp_path, monkeypatch):
    """Its trigram's postings list exactly the articles holding it, so no
    article's text is read (at 100,000 articles, thousands of reads)."""
    from indexer.index.chars import Segment

    docs = [(i, key_stream(f"标题{i}", "边疆党建" if i % 3 else "边疆党，建")) for i in range(40)]
    write_segment(tmp_path, "s1", docs)
    ix = CharIndex.open(tmp_path, ["s1"], np.array([], dtype=np.int64), 40)
    read = []
    real = Segment._verify
    monkeypatch.setattr(Segment, "_verify", lambda s, c, *a: read.append(len(c)) or real(s, c, *a))
    assert ix.find("疆党建").ids.tolist() == [i for i in range(40) if i % 3]
    assert read == []
    assert ix.find("疆党建", title_only=True).ids.tolist() == []  # titles are still checked
    ix.close()


# Few characters: every bigram is common, so trigrams get postings, and most
# phrases of four or more characters are rare: the case trigrams exist for.
ALPHABET = "党建长廊边疆工作"
texts = st.text(ALPHABET, max_size=24)


@pytest.mark.parametrize("common_min_docs", [1, 5, 1000])
@settings(max_examples=25, deadline=None)
@given(
    articles=st.lists(st.tuples(texts, texts), min_size=1, max_size=30),
    needles=st.lists(st.text(ALPHABET, min_size=1, max_size=6), min_size=1, max_size=8),
    dead=st.sets(st.integers(0, 29), max_size=5),
)
def test_find_is_exact_for_any_phrase(common_min_docs, articles, needles, dead):
    """Whatever the postings hold (every trigram, some, none), find() answers
    exactly the live articles whose title or body contains the phrase."""
    import indexer.index.chars as chars
    import indexer.index.grams as grams

    streams = [(cid, key_stream(t, b)) for cid, (t, b) in enumerate(articles)]
    half = len(streams) // 2
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        mp.setattr(grams, "COMMON_MIN_DOCS", common_min_docs)
        mp.setattr(chars, "TOP_EVERY", 3)  # many pages of codes, even here
        write_segment(Path(folder), "s1", streams[:half])
        write_segment(Path(folder), "s2", streams[half:])
        dead_cids = np.array(sorted(c for c in dead if c < len(articles)), dtype=np.int64)
        ix = CharIndex.open(Path(folder), ["s1", "s2"], dead_cids, len(articles))
        try:
            for needle in needles:
                live = [c for c in range(len(articles)) if c not in dead]
                anywhere = [c for c in live if needle in articles[c][0] or needle in articles[c][1]]
                in_title = [c for c in live if needle in articles[c][0]]
                assert ix.find(needle).ids.tolist() == anywhere
                assert ix.find(needle, title_only=True).ids.tolist() == in_title
        finally:
            ix.close()
