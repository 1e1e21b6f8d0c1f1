"""Keyword recommendations beside the results: the words that characterise
the hits shown, against the whole index.

A hit's words are those of its title (and, when there are only a few hits,
of the opening of its body); a word counts once per hit it occurs in and
scores by how much more often it occurs among the hits than across the
index: count * log(observed / expected), the KL-divergence term (a TF-IDF
that also discounts words every hit shares with every article, such as 取得
or 我们). Query words are left out: the user has them already.

Cost matters here: this runs for every results page. The words come from
the key terms stored with each article at indexing time (index/keyterms.py:
its title's and lead's jieba words), kept when they stand in the title or
the opening, so no jieba runs here (segmenting ten titles cost more than
finding a rare phrase); the stored fields are the ones fetched for the page
anyway, and document frequencies come from the in-memory vocabulary
(vocab.py), not from Whoosh's term dictionary.
"""

from __future__ import annotations

import math
from collections import Counter

from indexer.analysis import segment
from indexer.normalize import display_normalize, is_cjk
from indexer.vocab.lookup import Vocabulary

FEW_HITS = 3  # up to this many hits, their openings are read too
OPENING_CHARS = 120  # of each such hit's body: its lead sentence or two
MAX_KEYWORDS = 8


def recommend(
    hits: list[dict],
    total: int,
    vocabulary: Vocabulary,
    documents: int,
    exclude: list[str],
    limit: int = MAX_KEYWORDS,
) -> list[str]:
    """Up to ``limit`` words characteristic of ``hits`` (the stored fields of
    the hits shown, out of ``total`` matches in an index of ``documents``
    articles), none of them in or around a word of ``exclude``."""
    if not hits:
        return []
    opening = OPENING_CHARS if total <= FEW_HITS else 0
    seen: Counter[str] = Counter()
    for fields in hits:
        seen.update(_words(fields, opening))
    skip = {w.strip() for w in exclude if w.strip()}
    least = 2 if len(hits) > 2 else 1  # shared by hits, not one article's quirk
    scored = [
        (_surprise(vocabulary.frequency(word), count, len(hits), documents), word)
        for word, count in seen.items()
        if count >= least and not _overlaps(word, skip)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [word for score, word in scored[:limit] if score > 0]


def _words(fields: dict, opening: int) -> set[str]:
    """The candidate words of one hit's title and first ``opening`` characters
    of its body: its stored key terms found there, or, for an index built
    before key terms were stored, that text segmented."""
    text = display_normalize(fields["title"] + "\n" + fields.get("body", "")[:opening])
    stored = fields.get("keyterms")
    if stored is None:
        return {w for w in segment(text) if _candidate(w)}
    return {w for w, _ in stored if _candidate(w) and w in text}


def _surprise(frequency: int, count: int, hits: int, documents: int) -> float:
    """count * log(observed / expected) for a word in ``count`` of ``hits``
    and ``frequency`` of ``documents`` articles; 0 unless over-represented."""
    expected = hits * max(frequency, 1) / max(documents, 1)
    return count * math.log(count / expected) if count > expected else 0.0


def _candidate(word: str) -> bool:
    """Chinese words of two or more characters: numbers, dates and single
    characters make poor suggestions."""
    return len(word) > 1 and any(is_cjk(ord(c)) for c in word)


def _overlaps(word: str, query_words: set[str]) -> bool:
    return any(word in q or (len(q) > 1 and q in word) for q in query_words)
