"""Keeping Python's cyclic garbage collector off the index's many objects:
an open generation's (:func:`settle`) and a reindex's (:func:`collector_paused`).

A full pass of the collector walks every tracked object. At 100,000 articles
the objects of an open generation (Whoosh's readers, the character index's
per-segment tables, the caches) make one pass cost ~16 ms, and it lands on
whichever search happens to allocate the object that triggers it (one of
the twenty slowest of the benchmark's 200 at that size). So once a
generation is opened, :func:`settle` frees what the previous one left and
moves every survivor to the permanent generation, which the collector
skips. Reference counting still frees frozen objects as usual; only cycles
among them wait for the next settle, at the next generation switch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle() -> None:
    """Collect once, then freeze what is left (process-wide, and cheap to
    repeat: the previous freeze is undone first, so nothing stays frozen
    for longer than one generation)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many small, acyclic
    objects are made: each of its full passes walks every live object, and
    a reindex at 100,000 articles holds files.json's 100,000 entries (half
    the time of reading it and of listing the corpus went to those passes).
    Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
