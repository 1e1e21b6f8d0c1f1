"""Queries that find nothing, or little: never a dead end.

The zero-results chain: when the query as typed finds nothing (as phrases,
nor as all of their words: the normal match), search for any of its words;
failing that, for the query corrected (a miswritten character: 党见长廊 ->
党建长廊) or, for Latin letters, converted from pinyin (dangjian -> 党建;
pinyin typed with spaces goes straight to the conversion).
Each step is reported (models.Step) so the page can say what was searched
instead of what was typed.

When a query finds a few results, :func:`did_you_mean` offers the corrected
or converted query if that finds more; it is offered, never applied.
Corrections and conversions come from the index's own vocabulary (vocab.py);
:func:`candidate` asks it once per search, and both use the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.errors import QueryError
from indexer.index.reader import Generation
from indexer.models import Step
from indexer.search.facets import Filters, narrow
from indexer.search.matching import Match, Matcher
from indexer.search.query import ParsedQuery, Term, parse_query
from indexer.search.synonyms import Synonyms
from indexer.search.terms import long_words
from indexer.vocab.lookup import typed_letters

FEW_RESULTS = 2  # up to this many results, a likelier query is offered


@dataclass(frozen=True)
class Candidate:
    """A likelier query: ``kind`` is "pinyin" or "corrected"."""

    kind: str
    query: str


def candidate(gen: Generation, parsed: ParsedQuery) -> Candidate | None:
    """The query read as pinyin (Latin letters only) or corrected from the
    index's words, or None. Only plain queries are corrected: quotes,
    exclusions, OR and title: say the user knows what they want."""
    if len(parsed.groups) != 1 or any(
        t.quoted or t.negated or t.title_only for t in parsed.groups[0]
    ):
        return None
    key = " ".join(t.key for t in parsed.groups[0])
    vocabulary = gen.vocabulary
    if typed_letters(key) is not None:
        converted = vocabulary.from_pinyin(key, limit=1)
        return Candidate("pinyin", converted[0]) if converted else None
    corrected = vocabulary.correct(key)
    return Candidate("corrected", corrected) if corrected and corrected != key else None


def fallback(
    gen: Generation,
    q: str,
    parsed: ParsedQuery,
    filters: Filters,
    synonyms: Synonyms | None,
    likelier: Candidate | None,
) -> tuple[ParsedQuery, Match, list[Step]]:
    """The chain after ``parsed`` (the query ``q``) found nothing: the query
    and match of the first step that finds something (or the last tried),
    and every step with its count."""
    steps = [Step("phrase", q, 0)]
    words = _words(gen, parsed)
    # pinyin typed with spaces (dang jian) is one query, not words to OR
    if len(words) > 1 and not (likelier and likelier.kind == "pinyin"):
        steps.append(Step("all_words", " ".join(dict.fromkeys(w for w, _, _ in words)), 0))
        any_word = _any_word(parsed, words)
        match = _run(gen, any_word, filters)
        steps.append(
            Step("any_word", " OR ".join(dict.fromkeys(w for w, _, _ in words)), len(match.cids))
        )
        if len(match.cids):
            return any_word, match, steps
    corrected = _parse(likelier.query, synonyms) if likelier else None
    if likelier and corrected is not None:
        match = _run(gen, corrected, filters)
        steps.append(Step(likelier.kind, likelier.query, len(match.cids)))
        if len(match.cids):
            return corrected, match, steps
    nothing = np.zeros(0, dtype=np.int64)
    return parsed, Match(nothing, nothing.astype(np.int8), True), steps


def did_you_mean(
    gen: Generation,
    likelier: Candidate | None,
    total: int,
    steps: list[Step],
    filters: Filters,
    synonyms: Synonyms | None,
) -> str | None:
    """The whole did-you-mean decision: ``likelier``'s query, offered when
    the query as typed found few articles (``total``; none when the
    zero-results chain ran, ``steps``) and the offer finds more, unless the
    chain already searched that correction or pinyin reading (and said what
    it found)."""
    if likelier is None or (steps and steps[-1].kind == likelier.kind):
        return None
    corrected = _parse(likelier.query, synonyms)
    if corrected is None:
        return None
    found = len(_run(gen, corrected, filters).cids)
    return likelier.query if found > (0 if steps else total) else None


def _parse(q: str, synonyms: Synonyms | None) -> ParsedQuery | None:
    try:
        return parse_query(q, synonyms)
    except QueryError:  # a conversion past the query limits: nothing to offer
        return None


def _run(gen: Generation, parsed: ParsedQuery, filters: Filters) -> Match:
    return narrow(gen, Matcher(gen).match(parsed), filters)


def _words(gen: Generation, parsed: ParsedQuery) -> list[tuple[str, bool, int]]:
    """What the any-word step tries, as (word, title only, group): the units
    of unquoted terms (words of two or more characters, runs of single
    characters; a Latin or number token such as covid-19 is one word, never
    cut into covid and 19; a run of single characters only when some article
    has it: 党见 in 党见长廊 is a slip for the correction step to mend), and
    quoted phrases whole,
    each keeping the scope of its term and the exclusions of its group."""
    words: list[tuple[str, bool, int]] = []
    for g, group in enumerate(parsed.groups):
        for t in group:
            if not t.negated:
                units = [u for u in t.units if u in t.words or len(gen.chars.find(u).ids)]
                pieces = [t.key] if t.quoted else units or long_words(t) or [t.key]
                words.extend((w.strip(), t.title_only, g) for w in pieces if w.strip())
    return list(dict.fromkeys(words))


def _any_word(parsed: ParsedQuery, words: list[tuple[str, bool, int]]) -> ParsedQuery:
    """One group per word, each with the exclusions of the group it came from."""
    groups = [
        [_word_term(w, title_only), *(t for t in parsed.groups[g] if t.negated)]
        for w, title_only, g in words
    ]
    return ParsedQuery(groups, list(parsed.notices))


def _word_term(word: str, title_only: bool) -> Term:
    return Term(word, word, (word,), quoted=True, title_only=title_only)
