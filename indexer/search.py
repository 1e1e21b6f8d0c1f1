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
from whoosh import query as wq

from indexer.errors import QueryError
from indexer.highlight import highlight, snippet
from indexer.models import Article, ArticleView, Hit, SearchPage
from indexer.normalize import key_text
from indexer.query import ParsedQuery, Term, parse_query
from indexer.store import Generation, SearchIndex

_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class _Match:
    cids: np.ndarray  # every matching article
    tiers: dict[int, int]  # cid -> tier (higher ranks first); absent = 0


def search(ix: SearchIndex, q: str, page: int = 1, per_page: int = 10) -> SearchPage:
    """Run ``q`` and return page ``page`` (1-based) of ``per_page`` hits."""
    started = time.perf_counter()
    parsed = parse_query(q)
    if parsed.is_empty():
        return SearchPage(q, 0, page, per_page, 0.0, [], notices=parsed.notices)
    with ix.searcher() as (gen, searcher):
        match = _match(gen, parsed)
        ranked = _rank(gen, searcher, parsed, match)
        chosen = ranked[(page - 1) * per_page : page * per_page]
        needles = highlight_needles(parsed)
        hits = [_hit(gen, searcher, cid, score, needles) for cid, score in chosen]
    took = (time.perf_counter() - started) * 1000
    return SearchPage(q, len(ranked), page, per_page, round(took, 2), hits,
                      terms=needles, notices=parsed.notices)


def _match(gen: Generation, parsed: ParsedQuery) -> _Match:
    cids, tiers = _EMPTY, {}
    for group in parsed.groups:
        group_cids, group_tiers = _match_group(gen, group)
        cids = np.union1d(cids, group_cids)
        for cid, tier in group_tiers.items():
            tiers[cid] = max(tier, tiers.get(cid, 0))
    return _Match(cids, tiers)


def _match_group(gen: Generation, group: list[Term]) -> tuple[np.ndarray, dict[int, int]]:
    positives = [t for t in group if not t.negated]
    found = [_match_term(gen, t) for t in positives]
    cids = reduce(np.intersect1d, [all_ for all_, _ in found])
    for t in group:
        if t.negated and len(cids):
            cids = np.setdiff1d(cids, gen.chars.find(t.key, t.title_only), assume_unique=True)
    if not len(cids):
        return cids, {}
    tiers: dict[int, int] = {}
    if len(positives) > 1:
        every_phrase = reduce(np.intersect1d, [phrase for _, phrase in found])
        _raise_tier(tiers, np.intersect1d(cids, every_phrase), 1)
        whole = key_text(" ".join(t.text for t in positives))
        _raise_tier(tiers, np.intersect1d(cids, gen.chars.find(whole)), 2)
    else:
        whole = positives[0].key
        _raise_tier(tiers, np.intersect1d(cids, found[0][1]), 2)
    _raise_tier(tiers, np.intersect1d(cids, gen.chars.find(whole, title_only=True)), 3)
    return cids, tiers


def _raise_tier(tiers: dict[int, int], cids: np.ndarray, tier: int) -> None:
    for cid in cids.tolist():
        tiers[cid] = tier


def _match_term(gen: Generation, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """(articles matching the term, articles containing it as a phrase)."""
    phrase = gen.chars.find(term.key, term.title_only)
    if term.quoted or len(term.words) < 2:
        return phrase, phrase
    by_words = reduce(np.intersect1d, [gen.chars.find(w, term.title_only) for w in term.words])
    return np.union1d(phrase, by_words), phrase


def _rank(gen: Generation, searcher, parsed: ParsedQuery, match: _Match) -> list[tuple[int, float]]:
    """[(cid, score)] best first."""
    if not len(match.cids):
        return []
    docnums = np.asarray(gen.docmap)[match.cids]
    scores = _bm25(searcher, parsed, set(docnums.tolist()))
    dates = _dates(searcher, docnums)
    rows = [
        (match.tiers.get(cid, 0), scores.get(dn, 0.0), dates[i], cid)
        for i, (cid, dn) in enumerate(zip(match.cids.tolist(), docnums.tolist(), strict=True))
    ]
    rows.sort(key=lambda r: (-r[0], -r[1], _neg_date(r[2]), r[3]))
    return [(cid, tier * 1000.0 + score) for tier, score, _, cid in rows]


def _neg_date(date: str) -> str:
    """Sort key putting newer ISO dates first."""
    return "".join(chr(0x7F - ord(c)) for c in date) if date else "\x7f"


def _bm25(searcher, parsed: ParsedQuery, docnums: set[int]) -> dict[int, float]:
    """Whoosh BM25F scores of the matched articles only."""
    words = {w for t in parsed.positives for w in t.words}
    if not words:
        return {}
    terms = [wq.Term(f, w) for w in sorted(words) for f in ("title", "body")]
    results = searcher.search(wq.Or(terms), filter=docnums, limit=None)
    return {hit.docnum: hit.score for hit in results}


def _dates(searcher, docnums: np.ndarray) -> list[str]:
    col = searcher.reader().column_reader("date")
    return [col[dn] or "" for dn in docnums.tolist()]


def highlight_needles(parsed: ParsedQuery) -> list[str]:
    """What to mark, best first: whole phrases, then parts, then words of two
    or more characters (single characters would mark half the page)."""
    needles: list[str] = []
    for group in parsed.groups:
        positives = [t for t in group if not t.negated]
        if len(positives) > 1:
            needles.append(key_text(" ".join(t.text for t in positives)))
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
        id=fields["id"], title=fields["title"], body=fields.get("body", ""),
        date=fields.get("date"), column=fields.get("column", ""),
        source=fields.get("source", ""), url=fields.get("url", ""), file=fields.get("file", ""),
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
