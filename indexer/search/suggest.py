"""Completions for the search box: frequent index words that start with what
was typed (Chinese, or pinyin and its initials), then titles containing it.

Words come from the generation's vocabulary (indexer/vocab/); titles from the
character index's title flags, newest first, so a half-typed title finds
the article it names.
"""

from __future__ import annotations

import numpy as np

from indexer.index.reader import SearchIndex
from indexer.models import Suggestion
from indexer.normalize import query_key
from indexer.vocab.lookup import typed_letters

SUGGESTIONS = 8  # completions a search box shows (the app's SUGGEST_LIMIT default)
MAX_PREFIX = 30  # characters: longer input is a query, not something to complete
TITLES = 3  # titles among the suggestions, after the words


def suggest(ix: SearchIndex, prefix: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Up to ``limit`` completions of ``prefix``, best first."""
    if len(prefix) > MAX_PREFIX * 4:  # not worth normalising
        return []
    key = query_key(prefix).strip()
    if not key or len(key) > MAX_PREFIX:
        return []
    latin = typed_letters(key) is not None
    with ix.searcher() as (gen, searcher):
        titles = [] if latin else _titles(gen, searcher, key, min(TITLES, limit))
        words = gen.vocabulary.complete(key, limit)
    kind = "pinyin" if latin else "word"
    found = [Suggestion(w, kind) for w in words[: limit - len(titles)]]
    found += [Suggestion(t, "title") for t in titles]
    return list({s.text: s for s in found}.values())[:limit]


def _titles(gen, searcher, key: str, limit: int) -> list[str]:
    """Titles containing ``key``, newest first."""
    cids = gen.chars.find(key, title_only=True).ids
    if not len(cids) or not limit:
        return []
    docnums = np.asarray(gen.docmap)[cids]
    newest = docnums[np.argsort(-np.asarray(gen.dates)[docnums], kind="stable")]
    titles = (searcher.stored_fields(int(d))["title"] for d in newest[: limit * 2].tolist())
    return list(dict.fromkeys(t.strip() for t in titles if t.strip()))[:limit]
