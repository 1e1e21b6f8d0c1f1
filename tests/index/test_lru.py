"""The per-generation caches stay within their entry and byte budgets."""

import numpy as np

from indexer.index.lru import LRU


def test_evicts_least_recently_used_by_count_and_bytes():
    computed = []
    cache = LRU(max_items=3, max_bytes=100, size=lambda a: a.nbytes)

    def make(n):
        def compute():
            computed.append(n)
            return np.zeros(n, dtype=np.uint8)

        return compute

    cache.get("a", make(40))
    cache.get("b", make(40))
    cache.get("a", make(40))  # hit: "a" is now the most recent
    assert computed == [40, 40]
    cache.get("c", make(40))  # 120 bytes > 100: "b", the least recent, goes
    assert (len(cache), cache.nbytes) == (2, 80)
    cache.get("b", make(40))
    assert computed == [40, 40, 40, 40]
    cache.get("big", make(500))  # alone over budget: kept, everything else goes
    assert (len(cache), cache.nbytes) == (1, 500)
