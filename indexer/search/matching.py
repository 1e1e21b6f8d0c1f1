"""Which articles a parsed query matches, and in which ranking tier.

Matching is decided by the character index alone (exact: a phrase matches
iff it occurs in the key form of the article):

- an unquoted term matches articles containing it as a phrase, or all of its
  units (query.Term.units: words of two or more characters, runs of single
  characters), or all of its parts (dictionary compounds split); a quoted
  term only the phrase;
- terms of a group must all match, negated ones must not; groups are ORed.

Tiers (higher ranks first): 3 the group's whole input as one phrase in the
title, 2 ... in the body, 1 every term as a phrase, 0 every term as a phrase
or its units, -1 some term only by its parts (磨憨国际口岸 for 磨憨口岸), -2
matched only through a synonym (query.Term.alternatives): what the user
typed comes first.

For speed, a phrase found in a very large share of the articles may come
back as a sampled superset (see chars.Segment.find); the match then says so
(``exact`` False), and :meth:`Matcher.matches` checks single articles, which
is how the search layer makes sure every hit it shows really matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np

from indexer.index.reader import Generation
from indexer.search.query import ParsedQuery, Term
from indexer.search.terms import whole_phrase

_EMPTY = np.zeros(0, dtype=np.int64)
TITLE_TIER = 3
PARTS_TIER = -1
SYNONYM_TIER = -2


@dataclass
class Match:
    cids: np.ndarray  # every matching article, ascending
    tiers: np.ndarray  # tier of each
    exact: bool  # False: cids may hold a few articles that do not match


@dataclass
class TermMatch:
    """The articles one term matches, by how: ``phrase`` holds it as a
    phrase, ``units`` as a phrase or all its units, ``literal`` also by its
    parts, ``matched`` also through a synonym."""

    matched: np.ndarray
    phrase: np.ndarray
    units: np.ndarray
    literal: np.ndarray


# Set operations on sorted arrays of unique cids. numpy's intersect1d and
# union1d re-derive uniqueness by hashing or sorting, which dominated queries
# matching most of 100,000 articles; these use searchsorted or a bit mask.


MASK_FROM = 4096  # both arrays at least this long: a bit mask beats binary search


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    return a[member(a, b)]


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if not len(a) or not len(b):
        return b if not len(a) else a
    mask = np.zeros(int(max(a[-1], b[-1])) + 1, dtype=bool)
    mask[a] = True
    mask[b] = True
    return np.flatnonzero(mask)


def member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each element of ``a``, whether it is in ``b``."""
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    if min(len(a), len(b)) >= MASK_FROM:
        mask = np.zeros(int(max(a[-1], b[-1])) + 1, dtype=bool)
        mask[b] = True
        return mask[a]
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[at] == a


class Matcher:
    """Evaluates queries on one generation's character index."""

    def __init__(self, gen: Generation):
        self.gen = gen
        self.exact = True

    def _find(self, needle: str, title_only: bool = False, exact: bool = False) -> np.ndarray:
        found = self.gen.chars.find(needle, title_only, exact)
        self.exact &= found.exact
        return found.ids

    def match(self, parsed: ParsedQuery) -> Match:
        cids, tiers = _EMPTY, np.zeros(0, dtype=np.int8)
        for group in parsed.groups:
            group_cids, group_tiers = self._match_group(group)
            merged = union(cids, group_cids)
            merged_tiers = np.full(len(merged), SYNONYM_TIER, dtype=np.int8)
            for part_cids, part_tiers in ((cids, tiers), (group_cids, group_tiers)):
                at = np.searchsorted(merged, part_cids)
                merged_tiers[at] = np.maximum(merged_tiers[at], part_tiers)
            cids, tiers = merged, merged_tiers
        return Match(cids, tiers, self.exact)

    def _match_group(self, group: list[Term]) -> tuple[np.ndarray, np.ndarray]:
        positives = [t for t in group if not t.negated]
        found = [self._match_term(t) for t in positives]
        cids = reduce(intersect, [m.matched for m in found])
        for t in group:
            if t.negated and len(cids):
                # exact: an unchecked superset would exclude articles that match
                excluded = self._find(t.key, t.title_only, exact=True)
                cids = cids[~member(cids, excluded)]
        tiers = np.zeros(len(cids), dtype=np.int8)
        if not len(cids):
            return cids, tiers
        literal = reduce(intersect, [m.literal for m in found])
        tiers[~member(cids, literal)] = SYNONYM_TIER
        tiers[
            member(cids, literal) & ~member(cids, reduce(intersect, [m.units for m in found]))
        ] = PARTS_TIER
        whole = whole_phrase(positives)
        if len(positives) > 1:
            every_phrase = reduce(intersect, [m.phrase for m in found])
            tiers[member(cids, every_phrase)] = 1
            tiers[member(cids, self._find(whole))] = 2
        else:
            tiers[member(cids, found[0].phrase)] = 2
        tiers[member(cids, self._find(whole, title_only=True))] = TITLE_TIER
        return cids, tiers

    def _all(self, needles: tuple[str, ...], title_only: bool) -> np.ndarray:
        return reduce(intersect, [self._find(n, title_only) for n in needles])

    def _match_term(self, term: Term) -> TermMatch:
        phrase = units = self._find(term.key, term.title_only)
        if term.units:
            units = union(phrase, self._all(term.units, term.title_only))
        literal = union(units, self._all(term.parts, term.title_only)) if term.parts else units
        matched = literal
        for alt in term.alternatives:
            matched = union(matched, self._find(alt.key, alt.title_only))
        return TermMatch(matched, phrase, units, literal)

    def matches(self, cid: int, parsed: ParsedQuery) -> bool:
        """Whether one article really matches (checked in its key text)."""
        return any(self._group_matches(cid, group) for group in parsed.groups)

    def _group_matches(self, cid: int, group: list[Term]) -> bool:
        contains = self.gen.chars.contains
        for t in group:
            hit = contains(cid, t.key, t.title_only)
            for needles in (t.units, t.parts):
                if not hit and needles:
                    hit = all(contains(cid, n, t.title_only) for n in needles)
            if not hit and t.alternatives:
                hit = any(contains(cid, a.key, a.title_only) for a in t.alternatives)
            if hit == t.negated:
                return False
        return True
