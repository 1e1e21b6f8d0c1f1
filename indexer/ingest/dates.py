"""Publication dates as the corpus writes them -> ISO ``YYYY-MM-DD``.

Scraped pages, HTML meta tags and JSON records spell dates many ways
(``2021-10-1``, ``2021/10/01``, ``2021年10月1日 10:20``, full-width digits,
``2021-10-01T08:30:00+08:00``). The index stores one form so dates sort and
filter as plain strings; anything we cannot read with confidence becomes
``None`` rather than a guess.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

# Years outside this range are typos or ids, not publication dates.
MIN_YEAR = 1900
MAX_YEAR = 2100

# Year, month, day with one separator used twice (2021-10-01, 2021/10/1,
# 2021.10.01) or the Chinese 年/月/日 form. Digit look-arounds stop a match
# inside a longer number such as a phone number or an article id.
_DATE = (
    r"(?<!\d)(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?)(?!\d)"
)
# An optional time of day and time zone, as in meta tags and database dumps.
_TIME = r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?"

_WHOLE_DATE_RE = re.compile(rf"\s*{_DATE}{_TIME}\s*")
_ANY_DATE_RE = re.compile(_DATE)


def parse_date(s: str) -> str | None:
    """Return ``s`` as ISO ``YYYY-MM-DD``, or None when it is not a real date.

    The whole string must be a date (optionally with a time of day), so a field
    holding nonsense is reported as missing instead of yielding a stray number.
    NFKC runs first because scraped text often carries full-width digits and
    colons (``２０２１－１０－０１``).
    """
    match = _WHOLE_DATE_RE.fullmatch(unicodedata.normalize("NFKC", s))
    return _to_iso(match) if match else None


def find_date(text: str) -> str | None:
    """Return the first valid date found anywhere in ``text``, or None.

    For free text such as ``发布时间：2021年10月1日 10:20 来源：…`` where the
    date sits among other words.
    """
    for match in _ANY_DATE_RE.finditer(unicodedata.normalize("NFKC", text)):
        iso = _to_iso(match)
        if iso:
            return iso
    return None


def _to_iso(match: re.Match[str]) -> str | None:
    """Check the matched parts form a real calendar date (no 2021-02-30)."""
    year = int(match["y"])
    month = int(match["m"] or match["m2"])
    day = int(match["d"] or match["d2"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
