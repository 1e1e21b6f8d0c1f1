"""Keyword recommendations beside the results: the words that characterise
the top hits, by TF-IDF against the whole index.

For each of the top hits' titles and openings (jieba words, as indexed) a
word counts once per hit it occurs in; that count is weighted by Whoosh's
inverse document frequency of the word in the index, so words common to
these hits but not to every article rank first. Query words are left out:
the user has them already.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from indexer.analysis import segment
from indexer.normalize import key_text

KEYWORD_HITS = 20  # the top hits whose words are counted
OPENING_CHARS = 300  # of each hit's body: the lead says what it is about
MAX_KEYWORDS = 8


def recommend(
    searcher, docnums: np.ndarray, exclude: list[str], limit: int = MAX_KEYWORDS
) -> list[str]:
    """Up to ``limit`` words characteristic of the articles ``docnums``
    (Whoosh document numbers, best first), none of them in ``exclude``."""
    if not len(docnums):
        return []
    seen = Counter()
    for docnum in docnums[:KEYWORD_HITS].tolist():
        fields = searcher.stored_fields(int(docnum))
        text = fields["title"] + "\n" + fields.get("body", "")[:OPENING_CHARS]
        seen.update({w for w in segment(key_text(text)) if _candidate(w)})
    skip = {w.strip() for w in exclude}
    least = 2 if len(docnums) > 2 else 1  # shared by hits, not one article's quirk
    scored = [
        (count * searcher.idf("body", word), word)
        for word, count in seen.items()
        if count >= least and not _overlaps(word, skip)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [word for _, word in scored[:limit]]


def _candidate(word: str) -> bool:
    """Chinese words of two or more characters: numbers, dates and single
    characters make poor suggestions."""
    return len(word) > 1 and any("\u4e00" <= c <= "\u9fff" for c in word)


def _overlaps(word: str, query_words: set[str]) -> bool:
    return any(word in q or (len(q) > 1 and q in word) for q in query_words if q)
