"""BM25F scores are the same whether a word's whole posting list is read or
only the postings of the few matched articles."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import open_index, reindex
from indexer.index import blocks, ranking
from indexer.index.ranking import PostingsCache, bm25f

WORDS = [["党建"], ["边疆", "党建", "长廊"], ["勐海县", "示范", "没有的词"]]


@pytest.fixture(scope="module")
def small_blocks(tmp_path_factory, session_corpus_dir):
    """The fixture corpus indexed with two postings a block: lists of many
    blocks, so that looking up a few postings skips some."""
    from indexer.index import writer

    index = tmp_path_factory.mktemp("small-blocks") / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer, "POSTING_BLOCK", 2)
        reindex(session_corpus_dir, index)
    with open_index(index) as ix:
        yield ix


@pytest.mark.parametrize("words", WORDS)
@pytest.mark.parametrize("index", ["search_index", "small_blocks"])
def test_few_matches_score_as_with_whole_lists(request, monkeypatch, words, index):
    with request.getfixturevalue(index).searcher() as (gen, searcher):
        everyone = np.arange(len(gen.field_lengths))
        monkeypatch.setattr(ranking, "SPARSE_BELOW", 0)  # whole lists
        whole = bm25f(searcher, PostingsCache(), gen.field_lengths, words, everyone)
        for docnums in (everyone, everyone[::2], everyone[-1:], everyone[1:3], everyone[3:4]):
            monkeypatch.setattr(ranking, "SPARSE_BELOW", 10**9)  # the matches' postings only
            few = bm25f(searcher, PostingsCache(), gen.field_lengths, words, docnums)
            assert few.tolist() == whole[docnums].tolist()
    assert whole.any()


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(0, 2**31 - 1),
    gaps=st.lists(st.integers(0, 300), min_size=0, max_size=40),
    weights=st.lists(st.floats(allow_nan=False), min_size=41, max_size=41),
    values=st.sampled_from([None, b"", b"\x00\x01"]),
)
def test_a_block_read_from_its_pickle_holds_what_unpickling_gives(first, gaps, weights, values):
    """Whoosh 3 pickles a block as (id gaps, weights, values) with protocol
    2; reading the common shape directly gives the same numbers, and any
    other shape is left to pickle (None)."""
    ids = (first, *gaps)
    raw = pickle.dumps((ids, tuple(weights[: len(ids)]), values), 2)
    parsed = blocks.parse_block(raw, len(ids))
    if len(ids) >= 4 and max(gaps) < 256:
        assert parsed is not None
    if parsed is not None:
        assert parsed[0].tolist() == list(ids)
        assert parsed[1].tolist() == weights[: len(ids)]
