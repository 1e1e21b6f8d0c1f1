"""The first hits of a ranking, selected without a full sort, are exactly
the first hits of the full sort."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search import topk
from indexer.search.topk import top_order


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(1, 60))
def test_top_order_is_the_start_of_the_full_sort(data, n):
    small = st.lists(st.integers(-2, 3), min_size=n, max_size=n)  # many ties
    tiers = np.array(data.draw(small), dtype=np.int8)
    scores = np.array(data.draw(small), dtype=np.float64) / 4
    dates = np.array(data.draw(small), dtype=np.int32)
    cids = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    count = data.draw(st.integers(1, n + 2))
    full = np.lexsort((cids, -dates, -scores, -tiers))  # the ranking, last key first
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(topk, "SORT_ALL_BELOW", 0)  # select even for a handful
        got = top_order([tiers, scores, dates, -cids], count)
    assert got.tolist() == full[:count].tolist()


def test_ties_in_every_key_keep_index_order():
    same = np.zeros(5)
    assert top_order([same, same], 3).tolist() == [0, 1, 2]
