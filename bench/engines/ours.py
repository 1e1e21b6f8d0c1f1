"""Our engine, driven only through the public API of ``indexer``.

Going through ``reindex`` / ``open_index`` / ``search`` (and not through
Whoosh directly) means the figures include everything a user pays for:
normalisation, query parsing, highlighting, and the per-request
``SearchIndex.refresh()`` the web app makes. ``search`` always renders
snippets (``Hit.snippet_html``), so ``with_snippets=False`` changes nothing here.

While the package is still being written this module imports cleanly and sets
``UNAVAILABLE`` instead, so the other engines can still be measured.
"""

from __future__ import annotations

from pathlib import Path

from engines import TOP

API = ("reindex", "open_index", "search")


def _load_api():
    try:
        import indexer
    except Exception as exc:  # a half-written package may raise anything on import
        return None, f"'import indexer' failed: {type(exc).__name__}: {exc}"
    missing = [name for name in API if not hasattr(indexer, name)]
    if missing:
        return None, f"indexer does not export {', '.join(missing)} yet"
    return indexer, None


_indexer, UNAVAILABLE = _load_api()


def refresh_index(ix) -> None:
    """Pick up a newer published index, as the web app does before every request."""
    refresh = getattr(ix, "refresh", None)
    if refresh is not None:
        refresh()


def build(corpus_dir: Path, work_dir: Path) -> None:
    work_dir.mkdir(parents=True, exist_ok=True)
    _indexer.reindex(corpus_dir, work_dir, full=True)


class Searcher:
    def __init__(self, work_dir: Path):
        self._ix = _indexer.open_index(work_dir)
        self.last_snippets: list[str] = []

    def search(self, query: str, with_snippets: bool) -> tuple[int, list[str]]:
        refresh_index(self._ix)
        page = _indexer.search(self._ix, query, page=1, per_page=TOP)
        if with_snippets:
            self.last_snippets = [str(hit.snippet_html) for hit in page.hits]
        return page.total, [hit.id for hit in page.hits]
