"""The words that say what an article is about, counted once at indexing
time and stored with it, so that finding related articles costs the same
for any article: segmenting a whole article again at every view cost ~30 µs
a character (16 s for a 4 MB article).

Only the title (counted three times, as ranking weights it) and the lead,
the words of the first LEAD_CHARS characters, are counted: news articles
state their subject first. The words are those the article was indexed
with (segmented once, see workers.py), so counting them costs little.
Which of the words are characteristic depends on the whole index, so that is
decided when related articles are asked for (search/related.py).
"""

from __future__ import annotations

from collections import Counter

from indexer.index.schema import TITLE_BOOST

LEAD_CHARS = 500
STORED_TERMS = 40  # most frequent words kept per article


def key_term_counts(title_words: list[str], lead_words: list[str]) -> list[tuple[str, int]]:
    """(word, count) of the article's most frequent words of two or more
    characters (single characters such as 的, 为 say little), most first."""
    counts: Counter[str] = Counter()
    for word in title_words:
        counts[word] += int(TITLE_BOOST)
    counts.update(lead_words)
    kept = ((w, n) for w, n in counts.most_common() if len(w) > 1)
    return [pair for _, pair in zip(range(STORED_TERMS), kept, strict=False)]
