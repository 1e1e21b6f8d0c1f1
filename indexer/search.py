"""Query -> ranked, highlighted results. No Flask here.

Matching is decided by the character index (exact: a phrase matches iff it
occurs in the key form of the article), ranking by tiers and then Whoosh's
BM25F over jieba words, computed only for the articles that matched:

1. the whole input as one phrase in the title,
2. ... in the body,
3. every part present as a phrase (when the input has several parts),
4. the rest (found by all of a part's words, not as a phrase);

within a tier, BM25F (title weighted above body), then newer first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import reduce

import numpy as np

from indexer.errors import QueryError
from indexer.highlight import highlight, snippet
from indexer.models import Article, ArticleView, Hit, SearchPage
from indexer.normalize import query_key
from indexer.query import ParsedQuery, Term, parse_query
from indexer.ranking import bm25f
from indexer.store import Generation, SearchIndex

_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class _Match:
    cids: np.ndarray  # every matching article, ascending
    tiers: np.ndarray  # tier of each (higher ranks first)


def search(ix: SearchIndex, q: str, page: int = 1, per_page: int = 10) -> SearchPage:
    """Run ``q`` and return page ``page`` (1-based) of ``per_page`` hits."""
    started = time.perf_counter()
    parsed = parse_query(q)
    if parsed.is_empty():
        return SearchPage(q, 0, page, per_page, 0.0, [], notices=parsed.notices)
    with ix.searcher() as (gen, searcher):
        match = _match(gen, parsed)
        order, scores = _rank(gen, searcher, parsed, match)
        chosen = order[(page - 1) * per_page : page * per_page]
        needles = highlight_needles(parsed)
        hits = [_hit(gen, searcher, int(match.cids[i]), float(scores[i]), needles) for i in chosen]
    took = (time.perf_counter() - started) * 1000
    return SearchPage(
        q,
        len(match.cids),
        page,
        per_page,
        round(took, 2),
        hits,
        terms=needles,
        notices=parsed.notices,
    )


def _match(gen: Generation, parsed: ParsedQuery) -> _Match:
    cids, tiers = _EMPTY, np.zeros(0, dtype=np.int8)
    for group in parsed.groups:
        group_cids, group_tiers = _match_group(gen, group)
        merged = np.union1d(cids, group_cids)
        merged_tiers = np.zeros(len(merged), dtype=np.int8)
        for part_cids, part_tiers in ((cids, tiers), (group_cids, group_tiers)):
            at = np.searchsorted(merged, part_cids)
            merged_tiers[at] = np.maximum(merged_tiers[at], part_tiers)
        cids, tiers = merged, merged_tiers
    return _Match(cids, tiers)


def _match_group(gen: Generation, group: list[Term]) -> tuple[np.ndarray, np.ndarray]:
    positives = [t for t in group if not t.negated]
    found = [_match_term(gen, t) for t in positives]
    cids = reduce(np.intersect1d, [all_ for all_, _ in found])
    for t in group:
        if t.negated and len(cids):
            cids = np.setdiff1d(cids, gen.chars.find(t.key, t.title_only), assume_unique=True)
    tiers = np.zeros(len(cids), dtype=np.int8)
    if not len(cids):
        return cids, tiers
    if len(positives) > 1:
        every_phrase = reduce(np.intersect1d, [phrase for _, phrase in found])
        tiers[np.isin(cids, every_phrase, assume_unique=True)] = 1
        whole = query_key(" ".join(t.text for t in positives))
        tiers[np.isin(cids, gen.chars.find(whole), assume_unique=True)] = 2
    else:
        whole = positives[0].key
        tiers[np.isin(cids, found[0][1], assume_unique=True)] = 2
    tiers[np.isin(cids, gen.chars.find(whole, title_only=True), assume_unique=True)] = 3
    return cids, tiers


def _match_term(gen: Generation, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """(articles matching the term, articles containing it as a phrase).

    Unquoted, a term also matches articles holding all of its words of two or
    more characters (single characters such as 在 or 的 would match anything).
    """
    phrase = gen.chars.find(term.key, term.title_only)
    words = [w for w in term.words if len(w) > 1]
    if term.quoted or len(words) < 2:
        return phrase, phrase
    by_words = reduce(np.intersect1d, [gen.chars.find(w, term.title_only) for w in words])
    return np.union1d(phrase, by_words), phrase


def ranking_words(term: Term) -> list[str]:
    """The term's words that rank: those of two or more characters; a lone
    single-character word only when it is the whole term (县), since 的 or 在
    inside a longer input carry no weight and cost a posting list each."""
    long = [w for w in term.words if len(w) > 1]
    return long or (list(term.words) if len(term.words) == 1 else [])


def _rank(gen: Generation, searcher, parsed: ParsedQuery, match: _Match):
    """(indices into match.cids best first, score of each match)."""
    if not len(match.cids):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    docnums = np.asarray(gen.docmap)[match.cids]
    words = sorted({w for t in parsed.positives for w in ranking_words(t)})
    bm25 = bm25f(searcher, gen.postings, gen.field_lengths, words, docnums)
    dates = np.asarray(gen.dates)[docnums]
    # lexsort: last key first; ties go to the newer, then the earlier indexed
    order = np.lexsort((match.cids, -dates, -bm25, -match.tiers))
    return order, match.tiers * 1000.0 + bm25


def highlight_needles(parsed: ParsedQuery) -> list[str]:
    """What to mark, best first: whole phrases, then parts, then words of two
    or more characters (single characters would mark half the page)."""
    needles: list[str] = []
    for group in parsed.groups:
        positives = [t for t in group if not t.negated]
        if len(positives) > 1:
            needles.append(query_key(" ".join(t.text for t in positives)))
        needles.extend(t.key for t in positives)
    for t in parsed.positives:
        if not t.quoted:
            needles.extend(w for w in t.words if len(w) > 1)
    return list(dict.fromkeys(n for n in needles if n))


def _hit(gen: Generation, searcher, cid: int, score: float, needles: list[str]) -> Hit:
    fields = searcher.stored_fields(int(gen.docmap[cid]))
    return Hit(
        id=fields["id"],
        title=fields["title"],
        title_html=highlight(fields["title"], needles),
        snippet_html=snippet(fields.get("body", ""), needles),
        date=fields.get("date"),
        column=fields.get("column", ""),
        source=fields.get("source", ""),
        score=round(score, 4),
    )


def get_article(ix: SearchIndex, article_id: str) -> Article | None:
    """The stored article with id ``article_id``, or None."""
    with ix.searcher() as (_, searcher):
        fields = searcher.document(id=article_id)
    if not fields:
        return None
    return Article(
        id=fields["id"],
        title=fields["title"],
        body=fields.get("body", ""),
        date=fields.get("date"),
        column=fields.get("column", ""),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        file=fields.get("file", ""),
    )


def article_view(ix: SearchIndex, article_id: str, q: str = "") -> ArticleView | None:
    """The article with matches of ``q`` highlighted (none if ``q`` is bad)."""
    article = get_article(ix, article_id)
    if article is None:
        return None
    try:
        needles = highlight_needles(parse_query(q)) if q else []
    except QueryError:  # a bad query only loses the highlighting
        needles = []
    return ArticleView(
        article=article,
        title_html=highlight(article.title, needles),
        paragraphs_html=[highlight(p, needles) for p in article.paragraphs],
    )
