"""A hit's score is a plain relevance, not the ranking's internal mix of
match kind (tier) and relevance."""

import numpy as np

from indexer import search
from indexer.index.ranking import bm25f
from indexer.search.synonyms import Synonyms

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
JINGHONG = "2022-05-20-jinghong-jiceng-zhili.txt"


def test_a_match_through_a_synonym_scores_its_relevance_without_a_tier_penalty(search_index):
    """三抓三促 is in SEED; JINGHONG is found only through the synonym 基层治理.
    The literal match ranks first, but the synonym match's score is its own
    BM25F for the words searched (it is about none of the query's phrases),
    not pushed below every literal match's score."""
    page = search(search_index, "三抓三促", synonyms=Synonyms({"三抓三促": ("基层治理",)}))
    assert [h.id for h in page.hits] == [SEED, JINGHONG]
    with search_index.searcher() as (gen, searcher):
        docnums = np.array([searcher.document_number(id=h.id) for h in page.hits])
        relevance = bm25f(
            searcher, gen.postings, gen.field_lengths, ["三抓三促", "基层治理"], docnums
        )
    assert page.hits[1].score == round(float(relevance[1]), 4)
