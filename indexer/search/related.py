"""Related articles: the words stored for an article at indexing time
(index/keyterms.py), weighed against the whole index with Whoosh's Bo1
expansion model, then scored with our numpy BM25F across all articles.

Nothing here reads the article's text, so the cost is the same for an
article of any length (its words were counted once, when it was indexed).
"""

from __future__ import annotations

import numpy as np
from whoosh.classify import Bo1Model, Expander

from indexer.index.ranking import bm25f
from indexer.index.reader import SearchIndex
from indexer.models import Hit
from indexer.search.hits import make_hit
from indexer.search.topk import top_order

KEY_TERMS = 10


def related(ix: SearchIndex, article_id: str, limit: int = 5) -> list[Hit]:
    """Up to ``limit`` articles most like ``article_id`` (none if unknown)."""
    with ix.searcher() as (gen, searcher):
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        terms = key_terms(searcher, searcher.reader().stored_fields(docnum))
        live = np.asarray(gen.docmap)
        live = np.sort(live[live >= 0])
        if not terms or not len(live):
            return []
        scores = bm25f(searcher, gen.postings, gen.field_lengths, terms, live)
        scores[live == docnum] = 0.0
        best = [i for i in top_order([scores], limit).tolist() if scores[i] > 0]
        shown = [(searcher.reader().stored_fields(int(live[i])), float(scores[i])) for i in best]
        return [make_hit(f, score, [], with_snippet=False) for f, score in shown]


def key_terms(searcher, fields: dict) -> list[str]:
    """The KEY_TERMS stored words that best tell the article from the rest
    of the index (an index built before words were stored has none)."""
    counts = fields.get("keyterms") or []
    if not counts:
        return []
    expander = Expander(searcher.reader(), "body", Bo1Model)
    expander.add((word, float(n)) for word, n in counts)
    return [t for t, _ in expander.expanded_terms(KEY_TERMS)]
