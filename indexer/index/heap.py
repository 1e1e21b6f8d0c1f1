"""Keeping Python's cyclic garbage collector off an open generation.

A full pass of the collector walks every tracked object. At 100,000 articles
the objects of an open generation (Whoosh's readers, the character index's
per-segment tables, the caches) make one pass cost ~16 ms, and it lands on
whichever search happens to allocate the object that triggers it: a tenth
of the slowest searches at that size were such a pass. So once a
generation is opened, :func:`settle` frees what the previous one left and
moves every survivor to the permanent generation, which the collector
skips. Reference counting still frees frozen objects as usual; only cycles
among them wait for the next settle, at the next generation switch.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then freeze what is left (process-wide, and cheap to
    repeat: the previous freeze is undone first, so nothing stays frozen
    for longer than one generation)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
