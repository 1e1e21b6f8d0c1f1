"""A hit's score is a plain relevance (BM25F), not the ranking's internal
mix of match kind and relevance."""

import numpy as np

from indexer import search
from indexer.index.ranking import bm25f
from indexer.search.synonyms import Synonyms

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
JINGHONG = "2022-05-20-jinghong-jiceng-zhili.txt"


def test_a_hits_score_is_its_bm25f_relevance_whatever_its_rank(search_index):
    """三抓三促 is in SEED; JINGHONG is found only through the synonym 基层治理.
    The literal match ranks first, yet each score is the article's own
    BM25F for the words searched, so the synonym match may score higher."""
    page = search(search_index, "三抓三促", synonyms=Synonyms({"三抓三促": ("基层治理",)}))
    assert [h.id for h in page.hits] == [SEED, JINGHONG]
    with search_index.searcher() as (gen, searcher):
        docnums = np.array([searcher.document_number(id=h.id) for h in page.hits])
        relevance = bm25f(
            searcher, gen.postings, gen.field_lengths, ["三抓三促", "基层治理"], docnums
        )
    assert [h.score for h in page.hits] == [round(float(r), 4) for r in relevance]
