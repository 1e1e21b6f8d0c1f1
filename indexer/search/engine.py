"""Query -> ranked, highlighted results. No Flask here.

Which articles match, and their tiers, comes from matching.py (the character
index: exact). Ranking is by tier, then Whoosh's BM25F over jieba words
(ranking.py, computed only for the matched articles, title weighted above
body) plus how much the best of them are about the phrase typed (about.py),
then newer first. Hits are highlighted by locating the query in the
stored text (highlight.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from indexer.errors import QueryError
from indexer.index.ranking import bm25f
from indexer.index.reader import Generation, SearchIndex
from indexer.models import Article, ArticleView, SearchPage, Step, attachment_heading
from indexer.normalize import key_text
from indexer.search.about import RERANK, rerank
from indexer.search.display import full_width, subheadings
from indexer.search.facets import Filters, facet_counts, narrow
from indexer.search.fallback import FEW_RESULTS, candidate, did_you_mean, fallback
from indexer.search.highlight import highlight
from indexer.search.hits import make_hit
from indexer.search.keywords import recommend
from indexer.search.matching import TITLE_TIER, Match, Matcher
from indexer.search.query import ParsedQuery, parse_query
from indexer.search.related import related
from indexer.search.synonyms import Synonyms
from indexer.search.terms import about_phrases, highlight_needles, ranking_words
from indexer.search.topk import top_order


def search(
    ix: SearchIndex,
    q: str,
    page: int = 1,
    per_page: int = 10,
    filters: Filters | None = None,
    synonyms: Synonyms | None = None,
) -> SearchPage:
    """Run ``q`` and return page ``page`` (1-based) of ``per_page`` hits,
    within ``filters`` (see facets.parse_filters), with facet counts.

    ``synonyms`` expands terms (ranked below literal matches). When ``q``
    finds nothing, the zero-results chain runs (any word, then a correction
    or pinyin conversion) and ``steps`` says what was searched instead; when
    it finds few, ``did_you_mean`` offers a likelier query."""
    started = time.perf_counter()
    parsed = parse_query(q, synonyms)
    if parsed.is_empty():
        return SearchPage(q, 0, page, per_page, 0.0, [], notices=parsed.notices)
    filters = filters or Filters()
    with ix.searcher() as (gen, searcher):
        # Answers are kept per generation (it never changes): the day's hot
        # queries repeat. Synonyms are compared by identity (kept alive by
        # the entry, so a new table cannot reuse the id of the old one).
        key = (q, page, per_page, filters, id(synonyms))

        def answer() -> _Answer:
            return _answer(gen, searcher, q, parsed, page, per_page, filters, synonyms)

        cached = gen.answers.get(key, answer)
        if cached.synonyms is not synonyms:
            cached = answer()
    took = (time.perf_counter() - started) * 1000
    return replace(cached.page, took_ms=round(took, 2))


@dataclass(frozen=True)
class _Answer:
    size: int  # bytes, roughly: what the cache counts against its budget
    synonyms: Synonyms | None
    page: SearchPage


def _answer(
    gen: Generation,
    searcher,
    q: str,
    parsed: ParsedQuery,
    page: int,
    per_page: int,
    filters: Filters,
    synonyms: Synonyms | None,
) -> _Answer:
    """The page for ``parsed`` (took_ms left to the caller), and what it weighs."""
    matcher = Matcher(gen)
    found = matcher.match(parsed)
    match = narrow(gen, found, filters)
    # asked of the vocabulary once, only when the chain or an offer may use it
    likelier = candidate(gen, parsed) if len(match.cids) <= FEW_RESULTS else None
    steps: list[Step] = []
    if not len(found.cids):  # nothing at all, not just nothing inside the filters
        parsed, match, steps = fallback(gen, q, parsed, filters, synonyms, likelier)
    docnums = np.asarray(gen.docmap)[match.cids]  # once: facets and ranking share it
    facets = facet_counts(gen, docnums)
    stop = page * per_page
    keys, scores, tiers = _rank(gen, searcher, matcher, parsed, match, docnums, filters.sort, stop)
    chosen = _page(matcher, parsed, match, keys, tiers, page, per_page)
    needles = highlight_needles(parsed)
    shown = [searcher.reader().stored_fields(int(gen.docmap[match.cids[i]])) for i in chosen]
    hits = [
        make_hit(f, float(scores[i]), needles, tier=int(tiers[i]))
        for f, i in zip(shown, chosen, strict=True)
    ]
    offer = did_you_mean(gen, likelier, len(match.cids), steps, filters, synonyms)
    words = [w for t in parsed.positives for w in (t.key, *t.words)]
    keywords = recommend(shown, len(match.cids), gen.vocabulary, gen.doc_count, words)
    result = SearchPage(
        q,
        len(match.cids),
        page,
        per_page,
        0.0,
        hits,
        terms=[n.text for n in needles],
        notices=parsed.notices,
        total_is_estimate=not match.exact,
        facets=facets,
        also_searched=parsed.expansions,
        steps=steps,
        did_you_mean=offer,
        keywords=keywords,
    )
    size = 2048 + sum(len(h.title_html) + len(h.snippet_html) for h in hits) * 4
    return _Answer(size, synonyms, result)


def count_matches(ix: SearchIndex, q: str, synonyms: Synonyms | None = None) -> int:
    """How many articles ``q`` itself finds: no zero-results chain, no ranking,
    no page. Cheap enough to check a list of queries (the hot searches)."""
    try:
        parsed = parse_query(q, synonyms)
    except QueryError:
        return 0
    if parsed.is_empty():
        return 0
    with ix.searcher() as (gen, _searcher):
        return len(Matcher(gen).match(parsed).cids)


def _page(
    matcher: Matcher,
    parsed: ParsedQuery,
    match: Match,
    keys: list[np.ndarray],
    tiers: np.ndarray,
    page: int,
    per_page: int,
) -> list[int]:
    """Indices (into match.cids) of the hits on ``page``, in ranking order
    (``keys``: see _rank; ``tiers`` is the one of them provisional tiers are
    settled in). When the match is not exact, the ranked list is
    checked article by article from the top, so no page shows an article that
    does not match and pages never overlap."""
    start, stop = (page - 1) * per_page, page * per_page
    if match.exact:
        return _settled_top(matcher, match, keys, tiers, stop)[start:]
    checked: dict[int, bool] = {}
    count = stop
    while True:  # rarely more than once: the sample said nearly all match
        shown = []
        for i in _settled_top(matcher, match, keys, tiers, count):
            if i not in checked:
                checked[i] = matcher.matches(int(match.cids[i]), parsed)
            if checked[i]:
                shown.append(i)
        if len(shown) >= stop or count >= len(match.cids):
            return shown[start:stop]
        count *= 2


def _settled_top(
    matcher: Matcher, match: Match, keys: list[np.ndarray], tiers: np.ndarray, count: int
) -> list[int]:
    """top_order(keys, count) once none of them has a provisional tier (a
    settled tier only goes down, so this ends). ``tiers`` is the one of
    ``keys`` to settle; when it is match.tiers itself (before reranking)
    and more than ``count`` tiers fall, all are settled at once."""
    fell = 0
    while True:
        top = top_order(keys, count).tolist()
        lowered = matcher.settle(match, top, tiers)
        if not lowered:
            return top
        fell += lowered
        if fell > count and tiers is match.tiers:
            matcher.settle_all(match)


def _rank(
    gen: Generation,
    searcher,
    matcher: Matcher,
    parsed: ParsedQuery,
    match: Match,
    docnums: np.ndarray,
    sort: str,
    stop: int,
):
    """(ranking keys of the matches for topk.top_order, relevance of each
    match: BM25F, plus aboutness for the top ones, and tier of each); ``docnums`` are the
    matches' Whoosh document numbers; with ``sort="date"`` newest first,
    relevance breaking ties. The tier orders but is not part of the score
    (see models.Hit). Provisional tiers are settled for the first RERANK +
    ``stop``: those after them cannot reach the first ``stop`` hits, whatever
    the reranking of the first RERANK does."""
    if not len(match.cids):
        return [np.zeros(0)], np.zeros(0), match.tiers
    words = sorted({w for t in parsed.positives for w in ranking_words(t)})
    bm25 = bm25f(searcher, gen.postings, gen.field_lengths, words, docnums)
    dates = np.asarray(gen.dates)[docnums]
    # most significant first, larger first; ties go to the newer, then the earlier indexed
    if sort == "date":
        return [dates, match.tiers, bm25, -match.cids], bm25, match.tiers
    keys = [match.tiers, bm25, dates, -match.cids]
    first = np.array(_settled_top(matcher, match, keys, match.tiers, RERANK + stop), dtype=np.int64)
    first = first[:RERANK]
    tiers, bm25 = rerank(
        gen,
        searcher.reader(),
        match.cids,
        docnums,
        first,
        match.tiers,
        bm25,
        about_phrases(parsed),
        TITLE_TIER,
    )
    return [tiers, bm25, dates, -match.cids], bm25, tiers


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
        source_url=fields.get("source_url", ""),
        file=fields.get("file", ""),
        attachments=tuple((name, url) for name, url in fields.get("attachments", [])),
    )


def article_view(ix: SearchIndex, article_id: str, q: str = "") -> ArticleView | None:
    """The article with matches of ``q`` highlighted (none if ``q`` is bad),
    its punctuation and subheadings as the site shows them (display.py)."""
    article = get_article(ix, article_id)
    if article is None:
        return None
    try:
        needles = highlight_needles(parse_query(q)) if q else []
    except QueryError:  # a bad query only loses the highlighting
        needles = []
    # parts are marked only where the whole body lacks the whole
    body_key = key_text(article.body) if any(n.unless for n in needles) else None
    paragraphs = article.paragraphs
    return ArticleView(
        article=article,
        title_html=highlight(full_width(article.title), needles),
        paragraphs_html=[highlight(full_width(p), needles, body_key) for p in paragraphs],
        related=related(ix, article_id),
        subheadings=subheadings(paragraphs),
        attachment_links=attachment_links(article),
    )


def attachment_links(article: Article) -> dict[int, str]:
    """Paragraph index -> original address of each 附件 heading in the body."""
    links = {attachment_heading(name): url for name, url in article.attachments}
    return {i: links[p] for i, p in enumerate(article.paragraphs) if p in links}
