"""Related articles: Whoosh's more-like-this term choice over jieba words,
scored with our numpy BM25F across the whole index.

Whoosh's Bo1 expansion model picks the words that characterise an article
against the index (its own ``more_like`` would then score every posting of
those words in Python); ranking.bm25f scores them for all articles at once.
"""

from __future__ import annotations

import numpy as np

from indexer.index.ranking import bm25f
from indexer.index.reader import SearchIndex
from indexer.models import Hit
from indexer.normalize import display_normalize
from indexer.search.hits import make_hit

KEY_TERMS = 10


def related(ix: SearchIndex, article_id: str, limit: int = 5) -> list[Hit]:
    """Up to ``limit`` articles most like ``article_id`` (none if unknown)."""
    with ix.searcher() as (gen, searcher):
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        fields = searcher.reader().stored_fields(docnum)
        text = display_normalize(fields["title"] + "\n" + fields.get("body", ""))
        candidates = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS * 3)
        # single characters (带, 为, 以) say little about an article's subject
        terms = [t for t, _ in candidates if len(t) > 1][:KEY_TERMS]
        live = np.asarray(gen.docmap)
        live = np.sort(live[live >= 0])
        if not terms or not len(live):
            return []
        scores = bm25f(searcher, gen.postings, gen.field_lengths, terms, live)
        scores[live == docnum] = 0.0
        best = [i for i in np.argsort(-scores, kind="stable")[:limit].tolist() if scores[i] > 0]
        shown = [(searcher.reader().stored_fields(int(live[i])), float(scores[i])) for i in best]
        return [make_hit(f, score, [], with_snippet=False) for f, score in shown]
