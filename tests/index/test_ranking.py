"""BM25F scores are the same whether a word's whole posting list is read or
only the postings of the few matched articles."""

import numpy as np
import pytest

from indexer import open_index, reindex
from indexer.index import ranking
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
