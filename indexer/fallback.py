"""Queries that find nothing, or little: never a dead end.

The zero-results chain: when the query as typed finds nothing (as phrases,
nor as all of their words: the normal match), search for any of its words;
failing that, for the query corrected (a miswritten character: 党见长廊 ->
党建长廊) or, for Latin letters, converted from pinyin (dangjian -> 党建;
pinyin typed with spaces goes straight to the conversion).
Each step is reported (models.Step) so the page can say what was searched
instead of what was typed.

When a query finds a few results, ``did_you_mean`` offers the corrected or
converted query if that finds more; it is offered, never applied.
Corrections and conversions come from the index's own vocabulary (vocab.py).
"""

from __future__ import annotations

import re

import numpy as np

from indexer.errors import QueryError
from indexer.facets import Filters, narrow
from indexer.matching import Match, Matcher, long_words
from indexer.models import Step
from indexer.query import ParsedQuery, Term, parse_query
from indexer.reader import Generation
from indexer.synonyms import Synonyms

FEW_RESULTS = 2  # up to this many results, a likelier query is offered
_LATIN = re.compile(r"[A-Za-z][A-Za-z' ]*")


def fallback(
    gen: Generation, q: str, parsed: ParsedQuery, filters: Filters, synonyms: Synonyms | None
) -> tuple[ParsedQuery, Match, list[Step]]:
    """The chain after ``parsed`` (the query ``q``) found nothing: the query
    and match of the first step that finds something (or the last tried),
    and every step with its count."""
    words = _words(parsed)
    steps = [Step("phrase", q, 0)]
    kind, candidate = _candidate(gen, q)
    # pinyin typed with spaces (dang jian) is one query, not words to OR
    if len(words) > 1 and not (kind == "pinyin" and candidate):
        steps.append(Step("all_words", " ".join(words), 0))
        any_word = _any_word(parsed, words)
        match = _run(gen, any_word, filters)
        steps.append(Step("any_word", " OR ".join(words), len(match.cids)))
        if len(match.cids):
            return any_word, match, steps
    try:
        corrected = parse_query(candidate, synonyms) if candidate else None
    except QueryError:
        corrected = None
    if corrected is not None:
        match = _run(gen, corrected, filters)
        steps.append(Step(kind, str(candidate), len(match.cids)))
        if len(match.cids):
            return corrected, match, steps
    nothing = np.zeros(0, dtype=np.int64)
    return parsed, Match(nothing, nothing.astype(np.int8), True), steps


def did_you_mean(gen: Generation, q: str, total: int, filters: Filters) -> str | None:
    """A corrected or pinyin-converted query that finds more than ``total``."""
    _, candidate = _candidate(gen, q)
    try:
        found = len(_run(gen, parse_query(candidate), filters).cids) if candidate else 0
    except QueryError:  # a conversion past the query limits: nothing to offer
        return None
    return candidate if found > total else None


def _run(gen: Generation, parsed: ParsedQuery, filters: Filters) -> Match:
    return narrow(gen, Matcher(gen).match(parsed), filters)


def _words(parsed: ParsedQuery) -> list[str]:
    """The words the any-word step tries: the words of two or more
    characters of unquoted terms, and quoted phrases whole."""
    words: list[str] = []
    for t in parsed.positives:
        words.extend([t.key] if t.quoted else long_words(t) or [t.key])
    return list(dict.fromkeys(w.strip() for w in words if w.strip()))


def _any_word(parsed: ParsedQuery, words: list[str]) -> ParsedQuery:
    """One group per word, each keeping the query's exclusions."""
    negated = [t for t in parsed.groups[0] if t.negated] if parsed.groups else []
    scope = any(t.title_only for t in parsed.positives)
    groups = [[_word_term(w, scope), *negated] for w in words]
    return ParsedQuery(groups, list(parsed.notices))


def _word_term(word: str, title_only: bool) -> Term:
    return Term(word, word, (word,), quoted=True, title_only=title_only)


def _candidate(gen: Generation, q: str) -> tuple[str, str | None]:
    """("pinyin" or "corrected", the converted or corrected query or None).
    Only plain queries are corrected: quotes, exclusions, OR and title: say
    the user knows what they want."""
    vocabulary = gen.vocabulary
    text = q.strip()
    if _LATIN.fullmatch(text):
        converted = vocabulary.from_pinyin(text, limit=1)
        return "pinyin", converted[0] if converted else None
    try:
        parsed = parse_query(text)
    except QueryError:
        return "corrected", None
    if len(parsed.groups) != 1 or any(
        t.quoted or t.negated or t.title_only for t in parsed.groups[0]
    ):
        return "corrected", None
    key = " ".join(t.key for t in parsed.groups[0])
    corrected = vocabulary.correct(key)
    return "corrected", corrected if corrected and corrected != key else None
