"""Which 县市 of the prefecture an article is about, from a shipped gazetteer.

An article belongs to every county whose name, short name or town (乡镇,
街道, well-known villages) occurs in its title or body. The result is a bit
mask (bit i = the i-th county of the gazetteer), kept per document in the
index so the place facet and filter are numpy operations like year and
column. The gazetteer is a plain text file editors can extend
(``indexer/data/places.txt``); its fingerprint is recorded in each
generation, and a changed gazetteer makes the next reindex a full one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from indexer import data
from indexer.normalize import key_text

GAZETTEER = data.PLACES
MAX_PLACES = 31  # the mask is a positive 32-bit integer


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[str, ...]  # county names, in bit order
    pattern: re.Pattern | None  # any name, longest first
    owner: dict[str, int]  # name (key form) -> bit of its county
    fingerprint: str  # changes whenever the file does

    def mask(self, text: str) -> int:
        """Bit mask of the counties named in ``text`` (key form)."""
        if self.pattern is None:
            return 0
        bits = 0
        for name in set(self.pattern.findall(text)):
            bits |= 1 << self.owner[name]
        return bits

    def names(self, mask: int) -> list[str]:
        return [p for i, p in enumerate(self.places) if mask >> i & 1]


def parse_gazetteer(text: str) -> Gazetteer:
    """Parse the gazetteer format: ``county alias alias ...`` per line,
    ``#`` comments. A name listed under two counties is an error."""
    places: list[str] = []
    owner: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(places) == MAX_PLACES:
            raise ValueError(f"gazetteer line {number}: more than {MAX_PLACES} places")
        bit = len(places)
        places.append(words[0])
        for name in words:
            key = key_text(name).strip()
            if key in owner and owner[key] != bit:
                raise ValueError(f"gazetteer line {number}: {name} is listed under two places")
            owner[key] = bit
    names = sorted(owner, key=lambda n: (-len(n), n))
    pattern = re.compile("|".join(map(re.escape, names))) if names else None
    return Gazetteer(tuple(places), pattern, owner, hashlib.sha256(text.encode()).hexdigest()[:16])


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, read once per process."""
    return parse_gazetteer(GAZETTEER.read_text(encoding="utf-8"))


def place_mask(title_key: str, body_key: str) -> int:
    """The counties an article (title and body in key form) is about."""
    return gazetteer().mask(title_key + "\n" + body_key)
