"""The first few of a ranking, without sorting every match.

A page shows 10 of possibly 100,000 matches; ``np.lexsort`` over all of them
with four keys costs tens of milliseconds at that size, the largest single
cost of a common query. :func:`top_order` selects a small superset of the
first ``count`` with ``np.partition`` one key at a time (every match above
the count-th value of a key is in; those equal to it are decided by the next
key), then sorts only that superset, so the result is exactly the first
``count`` of the full sort.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SORT_ALL_BELOW = 2_000  # matches: a full sort is as cheap as selecting


def top_order(keys: Sequence[np.ndarray], count: int) -> np.ndarray:
    """Indices of the first ``count`` items ordered by ``keys``, the first
    key most significant, larger values first; equal in every key: lower
    index first (what a stable sort gives)."""
    n = len(keys[0]) if keys else 0
    if n <= max(count, SORT_ALL_BELOW):
        chosen = np.arange(n)
    else:
        chosen = np.sort(_superset(np.arange(n), list(keys), count))
    # lexsort: last key most significant; ties keep index order (stable)
    order = np.lexsort([-k[chosen] for k in reversed(keys)])
    return chosen[order[:count]]


def _superset(idx: np.ndarray, keys: list[np.ndarray], count: int) -> np.ndarray:
    """Members of ``idx`` that may be among its first ``count``."""
    if len(idx) <= count or not keys:
        return idx
    values = keys[0][idx]
    kth = np.partition(values, len(values) - count)[len(values) - count]  # count-th largest
    above, equal = idx[values > kth], idx[values == kth]
    return np.concatenate([above, _superset(equal, keys[1:], count - len(above))])
