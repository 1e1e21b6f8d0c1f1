"""Synonyms, abbreviations and everyday words for official terms.

A shipped, editable file (``indexer/data/synonyms.txt``) maps a query term to
other terms that mean the same (三抓三促 -> 抓党建促强边固防 ...). query.py
attaches the expansions to each unquoted term; matching.py lets a term match
through them, but only in a tier below every literal match, so what the user
typed always ranks first; the results page says what was also searched.

Format, one entry per line (``#`` starts a comment; ``,`` or ``，`` separate):

    甲, 乙, 丙        equivalent: each expands to the others
    甲 => 乙, 丙      one way: 甲 expands to 乙 and 丙, not back

The site keeps its own additions in a second file (``instance/synonyms.txt``
by default; editors add lines from the admin page, see :func:`append_entry`),
read after the shipped one, so an upgrade's new shipped entries still apply.
Both are re-read when they change, so editors need no reindex or restart.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer import data
from indexer.errors import SynonymError
from indexer.normalize import query_key

log = logging.getLogger(__name__)

SHIPPED = data.SYNONYMS
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
    entries: list[tuple[str, list[str]]] = []
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
        entries.extend((source, [t for t in targets if t != source]) for source in sources)
    return _combine(entries)


def merge(tables: list[Synonyms]) -> Synonyms:
    """One table from several, later ones adding to earlier ones' entries."""
    return _combine((key, alts) for table in tables for key, alts in table.table.items())


def _combine(entries: Iterable[tuple[str, Sequence[str]]]) -> Synonyms:
    """(term, alternatives) pairs in order -> a table: a term's alternatives
    from every pair, each once, at most MAX_EXPANSIONS."""
    table: dict[str, list[str]] = {}
    for key, alternatives in entries:
        known = table.setdefault(key, [])
        known.extend(a for a in alternatives if a not in known)
    return Synonyms({k: tuple(v[:MAX_EXPANSIONS]) for k, v in table.items() if v})


def _terms(text: str) -> list[str]:
    keys = (query_key(t).strip() for t in _SEPARATORS.split(text))
    return list(dict.fromkeys(k for k in keys if k))


Stamp = tuple[int, int] | None


class SynonymFile:
    """The synonyms file (``path``, default the shipped one) plus the site's
    own additions (``local``, optional, may not exist yet), re-read when
    either's size or mtime changes: two stats per query. A missing or
    unreadable main file means no synonyms from it, with a warning."""

    def __init__(self, path: str | Path | None = None, local: str | Path | None = None):
        self.path = Path(path) if path else SHIPPED
        self.local = Path(local) if local else None
        self._lock = threading.Lock()
        self._stamps: tuple[Stamp, Stamp] | None = None
        self._synonyms = Synonyms()

    def current(self) -> Synonyms:
        stamps = (_stamp(self.path), _stamp(self.local))
        if stamps != self._stamps:
            with self._lock:
                if stamps != self._stamps:
                    self._synonyms = self._load(stamps)
                    self._stamps = stamps
        return self._synonyms

    def _load(self, stamps: tuple[Stamp, Stamp]) -> Synonyms:
        if stamps[0] is None:
            log.warning("synonyms file %s not found", self.path)
        paths = (self.path, self.local)
        tables = [
            parse_synonyms(_read(p), str(p))
            for p, stamp in zip(paths, stamps, strict=True)
            if p and stamp
        ]
        return merge(tables)


def _stamp(path: Path | None) -> Stamp:
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if st else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        log.warning("cannot read synonyms file %s (%s): skipped", path, e)
        return ""


MAX_ENTRY_CHARS = 200


def append_entry(path: str | Path, term: str, synonyms: str, both_ways: bool = False) -> str:
    """Add one entry (``term => synonyms``, or a group when ``both_ways``) at
    the end of the file ``path``, creating it; return the line written.
    SynonymError with a message for an entry that would not parse."""
    term, synonyms = _clean(term), _clean(synonyms)
    if _SEPARATORS.search(term):
        raise SynonymError("左边只能是一个词。")
    line = f"{term}, {synonyms}" if both_ways else f"{term} => {synonyms}"
    if not term or not synonyms or len(line) > MAX_ENTRY_CHARS:
        raise SynonymError(f"请填写词和它的同义说法（合计不超过 {MAX_ENTRY_CHARS} 个字符）。")
    if not parse_synonyms(line).expand(query_key(term).strip()):
        raise SynonymError("同义说法与词本身相同，或只有标点。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:  # appends: one write, whole lines only
        text = (line + "\n").encode("utf-8")
        if f.seek(0, os.SEEK_END) > 0:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":  # the file was left without its last line break
                text = b"\n" + text
        f.write(text)
    return line


def _clean(text: str) -> str:
    """One line of plain text: no line breaks, comments or arrows that
    would change what the file says."""
    for bad in ("\r", "\n", "#", "=>"):
        text = text.replace(bad, " ")
    return " ".join(text.split())
