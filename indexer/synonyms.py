"""Synonyms, abbreviations and everyday words for official terms.

A shipped, editable file (``indexer/data/synonyms.txt``) maps a query term to
other terms that mean the same (三抓三促 -> 抓党建促强边固防 ...). query.py
attaches the expansions to each unquoted term; matching.py lets a term match
through them, but only in a tier below every literal match, so what the user
typed always ranks first; the results page says what was also searched.

Format, one entry per line (``#`` starts a comment; ``,`` or ``，`` separate):

    甲, 乙, 丙        equivalent: each expands to the others
    甲 => 乙, 丙      one way: 甲 expands to 乙 and 丙, not back

The file is re-read when it changes, so editors need no reindex or restart.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from indexer.normalize import query_key

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).parent / "data" / "synonyms.txt"
MAX_EXPANSIONS = 6  # per term: each costs a phrase lookup
_SEPARATORS = re.compile(r"[,，]")


@dataclass(frozen=True)
class Synonyms:
    """Term key -> the keys it also searches, in file order."""

    table: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expand(self, key: str) -> tuple[str, ...]:
        return self.table.get(key.strip(), ())

    def __len__(self) -> int:
        return len(self.table)


def parse_synonyms(text: str, name: str = "synonyms") -> Synonyms:
    """Parse the format above; a malformed line is logged by number and skipped."""
    table: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        one_way = "=>" in line
        left, _, right = line.partition("=>") if one_way else (line, "", "")
        sources = _terms(left)
        targets = _terms(right) if one_way else sources
        if not sources or not targets or (not one_way and len(sources) < 2):
            log.warning("%s line %d ignored: needs two or more terms: %r", name, number, raw)
            continue
        for source in sources:
            extra = [t for t in targets if t != source]
            table.setdefault(source, [])
            table[source].extend(t for t in extra if t not in table[source])
    return Synonyms({k: tuple(v[:MAX_EXPANSIONS]) for k, v in table.items() if v})


def _terms(text: str) -> list[str]:
    keys = (query_key(t).strip() for t in _SEPARATORS.split(text))
    return list(dict.fromkeys(k for k in keys if k))


class SynonymFile:
    """A synonyms file, re-read when its size or mtime changes (one stat per
    query). A missing or unreadable file means no synonyms, with a warning."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else SHIPPED
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._synonyms = Synonyms()

    def current(self) -> Synonyms:
        try:
            st = os.stat(self.path)
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._synonyms = self._load(stamp)
                    self._stamp = stamp
        return self._synonyms

    def _load(self, stamp: tuple[int, int] | None) -> Synonyms:
        if stamp is None:
            log.warning("synonyms file %s not found: no synonyms", self.path)
            return Synonyms()
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            log.warning("cannot read synonyms file %s (%s): no synonyms", self.path, e)
            return Synonyms()
        return parse_synonyms(text, str(self.path))
