"""The engines under comparison, one module each, all with the same interface.

Each module defines:

- ``UNAVAILABLE``: ``None``, or the reason the engine cannot run here;
- ``build(corpus_dir, work_dir)``: index every article of the corpus;
- ``Searcher(work_dir)`` with ``search(query, with_snippets) -> (total, ids)``:
  the total number of matching articles and the ids of the top 10, whose
  highlighted snippets are produced (and kept in ``last_snippets``) when
  ``with_snippets`` is true, because rendering them is part of a real request.

An article id is its path relative to the corpus folder, POSIX style.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("ours", "naive", "fts5")
TOP = 10


def load(name: str) -> ModuleType:
    """Import ``engines.<name>``; the import itself is part of what cold start measures."""
    if name not in NAMES:
        raise ValueError(f"unknown engine {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"engines.{name}")
