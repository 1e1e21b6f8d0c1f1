"""Filters (date range, column, place), sort order and facet counts over matches.

Everything here works on the per-document arrays of a generation (dates.npy,
columns.npy, places.npy), so filtering and counting 100,000 matches is a few numpy
operations, not a read of each article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from indexer.errors import QueryError
from indexer.index.reader import Generation, SearchIndex
from indexer.search.matching import Match

SORTS = ("relevance", "date")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NO_YEAR = "未注明"


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the results to. Dates are YYYYMMDD numbers,
    0 for an open end."""

    date_from: int = 0
    date_to: int = 0
    column: str = ""
    sort: str = "relevance"
    place: str = ""  # a 县市 of the gazetteer (places.py)

    @property
    def narrows(self) -> bool:
        return bool(self.date_from or self.date_to or self.column or self.place)


def parse_filters(
    date_from: str | None = None,
    date_to: str | None = None,
    column: str | None = None,
    sort: str | None = None,
    place: str | None = None,
) -> Filters:
    """Filters from request parameters; QueryError with a message otherwise."""
    start, end = _date(date_from, "from"), _date(date_to, "to")
    if start and end and start > end:
        raise QueryError("起始日期（from）晚于结束日期（to）。")
    sort = (sort or "relevance").strip()
    if sort not in SORTS:
        raise QueryError(f"排序方式（sort）只能是 {' 或 '.join(SORTS)}。")
    return Filters(start, end, (column or "").strip(), sort, (place or "").strip())


def _date(value: str | None, name: str) -> int:
    if not value or not value.strip():
        return 0
    m = _DATE.match(value.strip())
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return y * 10000 + mo * 100 + d
    raise QueryError(f"日期（{name}）格式应为 YYYY-MM-DD，例如 2021-10-01。")


def narrow(gen: Generation, match: Match, filters: Filters) -> Match:
    """The matches inside the filters (the tiers follow)."""
    if not filters.narrows or not len(match.cids):
        return match
    docnums = np.asarray(gen.docmap)[match.cids]
    keep = np.ones(len(docnums), dtype=bool)
    dates = np.asarray(gen.dates)[docnums]
    if filters.date_from:
        keep &= dates >= filters.date_from
    if filters.date_to:
        keep &= (dates <= filters.date_to) & (dates > 0)
    if filters.column:
        names = gen.column_names
        code = names.index(filters.column) if filters.column in names else -1
        keep &= np.asarray(gen.columns)[docnums] == code
    if filters.place:
        names = gen.place_names
        bit = 1 << names.index(filters.place) if filters.place in names else 0
        keep &= (np.asarray(gen.places)[docnums] & bit) != 0
    return match.subset(keep)


def facet_counts(gen: Generation, docnums: np.ndarray) -> dict[str, list[tuple[str, int]]]:
    """Counts by year (newest first), by column and by place (largest
    first) over the matched articles' Whoosh document numbers."""
    if not len(docnums):
        return {"year": [], "column": [], "place": []}
    # bincount, not unique: one pass, no sort, over up to every article
    years = np.asarray(gen.dates)[docnums] // 10000
    year_counts = np.bincount(years)
    by_year = [
        (str(y) if y else NO_YEAR, int(year_counts[y]))
        for y in np.flatnonzero(year_counts)[::-1].tolist()
    ]
    col_counts = np.bincount(np.asarray(gen.columns)[docnums])
    names = gen.column_names
    by_column = sorted(
        ((names[c], int(col_counts[c])) for c in np.flatnonzero(col_counts).tolist() if names[c]),
        key=lambda item: (-item[1], item[0]),
    )
    return {"year": by_year, "column": by_column, "place": _place_counts(gen, docnums)}


def _place_counts(gen: Generation, docnums: np.ndarray) -> list[tuple[str, int]]:
    """An article may name several counties: one count per bit."""
    masks = np.asarray(gen.places)[docnums]
    counts = [
        (name, int(np.count_nonzero(masks & (1 << i)))) for i, name in enumerate(gen.place_names)
    ]
    return sorted((c for c in counts if c[1]), key=lambda item: (-item[1], item[0]))


def filter_choices(ix: SearchIndex) -> dict[str, list[str]]:
    """The columns and places the index's articles have: the choices of an
    advanced-search form."""
    with ix.searcher() as (gen, _searcher):
        return {"column": sorted(n for n in gen.column_names if n), "place": list(gen.place_names)}
