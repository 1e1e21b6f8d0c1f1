"""Matching on its own, including the sampled path for very common phrases."""

import sys

import numpy as np
import pytest

import indexer.index.chars as chars
from indexer import search
from indexer.search.matching import Matcher
from indexer.search.query import parse_query

QUERIES = [
    "边疆党建长廊",
    "边疆党建",
    "党建 -打洛",
    "茶叶电商 OR 深度融合",
    '"推进会"',
    "title:勐海县",
    "勐海县 党建",
    "中缅边境",
    "gdp 2021",
]


@pytest.mark.parametrize("q", QUERIES)
def test_matches_agrees_with_match(search_index, q):
    """The per-article check used for shown hits says what match() says."""
    parsed = parse_query(q)
    with search_index.searcher() as (gen, _):
        matcher = Matcher(gen)
        match = matcher.match(parsed)
        assert match.exact
        found = set(match.cids.tolist())
        for cid in gen.chars.live_cids().tolist():
            assert matcher.matches(cid, parsed) == (cid in found), cid


def test_sampled_superset_is_flagged_and_hits_are_checked(search_index, monkeypatch):
    """Force the sampled path (as for a phrase in most of 100,000 articles):
    the total becomes an estimate, but every hit shown really matches."""
    monkeypatch.setattr(chars, "SAMPLE_ABOVE", 0)
    monkeypatch.setattr(chars, "SAMPLE_SIZE", 1)
    search_index.generation.chars.cache.clear()
    search_index.generation.answers.clear()  # answers of earlier tests, unsampled
    try:
        page = search(search_index, "边疆党建长廊")
        assert page.total_is_estimate
        assert page.total >= 3
        with search_index.searcher() as (gen, _):
            for hit in page.hits:
                assert "<mark>边疆党建长廊</mark>" in str(hit.title_html) + str(hit.snippet_html)
    finally:
        search_index.generation.chars.cache.clear()
        search_index.generation.answers.clear()


@pytest.mark.parametrize("mask_from", [1, 10**9])  # bit mask / binary search
def test_set_operations_agree_with_numpy(monkeypatch, mask_from):
    from indexer.search import matching

    monkeypatch.setattr(matching, "MASK_FROM", mask_from)
    rng = np.random.default_rng(7)
    for _ in range(20):
        a = np.unique(rng.integers(0, 300, rng.integers(0, 200)))
        b = np.unique(rng.integers(0, 300, rng.integers(0, 200)))
        assert matching.member(a, b).tolist() == np.isin(a, b).tolist()
        assert matching.intersect(a, b).tolist() == np.intersect1d(a, b).tolist()
        assert matching.union(a, b).tolist() == np.union1d(a, b).tolist()


TIER_QUERIES = [
    "边疆党建长廊",
    "党建长廊 边疆",
    "边疆 党建",
    "乡村振兴",
    "千里边疆党建长廊",
    "边疆党建长廊 建设",
]


@pytest.mark.parametrize("q", TIER_QUERIES)
def test_tiers_settled_one_by_one_give_the_checked_order(search_index, monkeypatch, q):
    """A phrase that only decides tiers may be left unchecked (as for one in
    most of 100,000 articles): the pages, their tiers and the total are those
    of checking it in every article, and the total is then not an estimate."""

    def pages():
        search_index.generation.answers.clear()
        found = [search(search_index, q, page=p, per_page=2) for p in (1, 2, 3)]
        return [(r.total, r.total_is_estimate, [(h.id, h.tier) for h in r.hits]) for r in found]

    matching = sys.modules[Matcher.__module__]
    monkeypatch.setattr(matching, "LAZY_FROM", 10**9)  # every phrase checked
    checked = pages()
    monkeypatch.setattr(matching, "LAZY_FROM", 0)
    monkeypatch.setattr(matching, "LAZY_SAMPLE", 1)  # so some provisional tiers fall
    lazy = pages()
    search_index.generation.answers.clear()
    assert lazy == checked
    assert not lazy[0][1]
    with search_index.searcher() as (gen, _):
        assert Matcher(gen).match(parse_query(q)).unsure is not None  # it was left unchecked
