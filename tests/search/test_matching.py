"""Matching on its own, including the sampled path for very common phrases."""

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
