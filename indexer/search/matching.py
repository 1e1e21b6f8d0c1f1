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

Which articles match never waits on a phrase that only decides tiers: an
unquoted term with units or parts matches through them (the phrase holds
them all), so its phrase, and the group's whole input, are taken as
unchecked candidates (chars.CharIndex.candidates). An article among them
has a provisional tier, never lower than its own (``Match.unsure``);
:meth:`Matcher.settle` decides the real one for the few that may reach a
page. Checking every candidate cost tens of milliseconds at 100,000
articles for a tier most of them never show.
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
    # True where the tier is provisional (an upper bound), for the group
    # whose tiers they are: see Matcher.settle
    unsure: np.ndarray | None = None
    group: list[Term] | None = None

    def subset(self, keep: np.ndarray) -> Match:
        unsure = None if self.unsure is None else self.unsure[keep]
        return Match(self.cids[keep], self.tiers[keep], self.exact, unsure, self.group)


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


# A phrase that only decides tiers is left unchecked from this many
# candidates, when LAZY_SAMPLE of them, evenly spread, all hold it.
LAZY_FROM = 1000
LAZY_SAMPLE = 32

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

    def __init__(self, gen: Generation, lazy: bool = True):
        self.gen = gen
        self.exact = True
        self.may_be_lazy = lazy
        self.lazy = False  # phrases that only decide tiers are left unchecked
        self._unsure: list[np.ndarray] = []  # candidate sets not checked

    def _find(self, needle: str, title_only: bool = False, exact: bool = False) -> np.ndarray:
        found = self.gen.chars.find(needle, title_only, exact)
        self.exact &= found.exact
        return found.ids

    def _tiers_only(self, needle: str, title_only: bool = False) -> np.ndarray:
        """The articles with ``needle``, for a tier: when lazy, its
        candidates unchecked, if they are many and an even sample of them all
        hold it (then few provisional tiers fall when settled)."""
        if not self.lazy:
            return self._find(needle, title_only)
        found = self.gen.chars.candidates(needle, title_only)
        if found.exact:
            return found.ids
        if len(found.ids) < LAZY_FROM or not self._all_hold(found.ids, needle, title_only):
            return self._find(needle, title_only)
        self._unsure.append(found.ids)
        return found.ids

    def _all_hold(self, cids: np.ndarray, needle: str, title_only: bool) -> bool:
        sample = cids[:: max(1, len(cids) // LAZY_SAMPLE)].tolist()
        return all(self.gen.chars.contains(c, needle, title_only) for c in sample)

    def match(self, parsed: ParsedQuery) -> Match:
        # one group: its tiers can be settled article by article (settle)
        self.lazy, self._unsure = self.may_be_lazy and len(parsed.groups) == 1, []
        cids, tiers = _EMPTY, np.zeros(0, dtype=np.int8)
        for group in parsed.groups:
            group_cids, group_tiers = self._match_group(group)
            merged = union(cids, group_cids)
            merged_tiers = np.full(len(merged), SYNONYM_TIER, dtype=np.int8)
            for part_cids, part_tiers in ((cids, tiers), (group_cids, group_tiers)):
                at = np.searchsorted(merged, part_cids)
                merged_tiers[at] = np.maximum(merged_tiers[at], part_tiers)
            cids, tiers = merged, merged_tiers
        if not self._unsure:
            return Match(cids, tiers, self.exact)
        unsure = member(cids, reduce(union, self._unsure))
        return Match(cids, tiers, self.exact, unsure, parsed.groups[0])

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
            tiers[member(cids, self._tiers_only(whole))] = 2
        else:
            tiers[member(cids, found[0].phrase)] = 2
        tiers[member(cids, self._find(whole, title_only=True))] = TITLE_TIER
        return cids, tiers

    def _all(self, needles: tuple[str, ...], title_only: bool) -> np.ndarray:
        return reduce(intersect, [self._find(n, title_only) for n in needles])

    def _match_term(self, term: Term) -> TermMatch:
        scope = term.title_only
        pieces = (*term.units, *term.parts)
        if pieces and all(p in term.key for p in pieces):  # the phrase holds them all:
            phrase = self._tiers_only(term.key, scope)  # it only decides tiers
            units = self._all(term.units, scope) if term.units else phrase
            literal = self._all(term.parts, scope) if term.parts else units
            if term.units and term.parts:
                literal = union(units, literal)
        else:
            phrase = units = literal = self._find(term.key, scope)
        matched = literal
        for alt in term.alternatives:
            matched = union(matched, self._find(alt.key, alt.title_only))
        return TermMatch(matched, phrase, units, literal)

    def settle(self, match: Match, indices: list[int], tiers: np.ndarray) -> int:
        """Decide the tier of each of ``indices`` (into match.cids) whose tier
        is provisional, writing it into ``tiers``; how many went down (an
        order built on the provisional ones is then out of date)."""
        if match.unsure is None or match.group is None:
            return 0
        lowered = 0
        whole = whole_phrase([t for t in match.group if not t.negated])
        for i in indices:
            if match.unsure[i]:
                tier = self.tier_of(int(match.cids[i]), match.group, whole)
                lowered += tier != tiers[i]
                tiers[i] = tier
                match.unsure[i] = False
        return lowered

    def settle_all(self, match: Match) -> None:
        """Decide every provisional tier of ``match`` at once, from checked
        sets: cheaper than one article at a time when many of them fall."""
        if match.unsure is None or match.group is None or not match.unsure.any():
            return
        cids, tiers = Matcher(self.gen, lazy=False)._match_group(match.group)
        at = np.searchsorted(cids, match.cids[match.unsure])
        match.tiers[match.unsure] = tiers[at]
        match.unsure[:] = False

    def tier_of(self, cid: int, group: list[Term], whole: str) -> int:
        """The tier of one matching article for ``group`` (``whole``: its
        whole_phrase), checked in its key text: what _match_group gives it
        from whole sets."""
        has = self.gen.chars.contains
        positives = [t for t in group if not t.negated]
        if has(cid, whole, True):
            return TITLE_TIER
        if len(positives) > 1:
            if has(cid, whole):
                return 2
            if all(has(cid, t.key, t.title_only) for t in positives):
                return 1
        elif has(cid, positives[0].key, positives[0].title_only):
            return 2

        def units(t: Term) -> bool:
            return (
                has(cid, t.key, t.title_only)
                or bool(t.units)
                and all(has(cid, u, t.title_only) for u in t.units)
            )

        def literal(t: Term) -> bool:
            return units(t) or bool(t.parts) and all(has(cid, p, t.title_only) for p in t.parts)

        if not all(literal(t) for t in positives):
            return SYNONYM_TIER
        return 0 if all(units(t) for t in positives) else PARTS_TIER

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
