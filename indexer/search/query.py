"""The user's query language, parsed into plain data.

Plain words are searched as a phrase first and, failing that, as all of their
jieba words (a run of single characters jieba left, such as 封城 in 瑞丽封城,
counts as one word: the reader typed it), then as the parts of dictionary
compounds (磨憨口岸 -> 磨憨, 口岸); ``"..."`` is an exact phrase only; ``-x`` excludes; ``OR``
between parts means either; ``title:x`` looks in titles only. Spaces between
parts mean AND. There is nothing a user can type that fails to parse: an
unbalanced quote is searched as plain text, with a notice saying so. Only
limits (length, number of parts) raise QueryError.

With a synonyms table (synonyms.py), each unquoted positive term carries the
terms it also searches (``alternatives``); they match below literal matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from indexer.analysis import segment, sub_words
from indexer.errors import QueryError
from indexer.normalize import is_cjk, query_key
from indexer.search.synonyms import Synonyms

MAX_QUERY_CHARS = 200
MAX_TERMS = 16

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"'})
_TOKEN = re.compile(r'(-?)((?:title|标题)[:：])?(?:"([^"]*)"|(\S+))', re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One part of a query."""

    text: str  # as typed, for messages
    key: str  # key form (normalize.key_text), what is matched
    words: tuple[str, ...]  # jieba words of the key, for ranking and the words fallback
    quoted: bool = False
    negated: bool = False
    title_only: bool = False
    alternatives: tuple[Term, ...] = ()  # synonyms it also matches, ranked lower
    # All of these must occur when the phrase does not (none: one word, its
    # phrase is the rule): words of two or more characters, runs of single ones.
    units: tuple[str, ...] = ()
    # The units with dictionary compounds split (磨憨口岸 -> 磨憨, 口岸), all of
    # which must occur, ranked below the units; none when nothing splits.
    parts: tuple[str, ...] = ()


@dataclass
class ParsedQuery:
    """A query in disjunctive form: any group may match; within a group every
    positive term must match and no negated one may."""

    groups: list[list[Term]]
    notices: list[str] = field(default_factory=list)

    @property
    def positives(self) -> list[Term]:
        return [t for g in self.groups for t in g if not t.negated]

    @property
    def expansions(self) -> list[tuple[str, list[str]]]:
        """(term as typed, what it also searched) for each expanded term."""
        return [
            (t.text, [a.text for a in t.alternatives]) for t in self.positives if t.alternatives
        ]

    def is_empty(self) -> bool:
        return not self.positives


def parse_query(q: str, synonyms: Synonyms | None = None) -> ParsedQuery:
    """Parse ``q``; raise QueryError only for limits a user can fix."""
    q = _clean(q)
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"查询太长：最多 {MAX_QUERY_CHARS} 个字符，当前 {len(q)} 个。")
    notices: list[str] = []
    if q.count('"') % 2:
        q = q.replace('"', " ")
        notices.append("引号没有成对出现，已按普通文字搜索。")
    groups: list[list[Term]] = [[]]
    count = 0
    for m in _TOKEN.finditer(q):
        neg, prefix, quoted, bare = m.groups()
        if quoted is None and bare == "OR" and not neg and not prefix:
            groups.append([])
            continue
        term = _term(
            quoted if quoted is not None else bare, quoted is not None, bool(neg), bool(prefix)
        )
        if term is None:
            continue
        if synonyms and not (term.quoted or term.negated):
            term = _expand(term, synonyms)
        count += 1
        if count > MAX_TERMS:
            raise QueryError(f"查询的词太多：最多 {MAX_TERMS} 个。")
        groups[-1].append(term)
    kept = [g for g in groups if any(not t.negated for t in g)]
    if len(kept) < len([g for g in groups if g]):
        notices.append("只有排除词（-词）的部分已忽略：请同时给出要找的词。")
    return ParsedQuery(kept, notices)


def is_plain(q: str) -> bool:
    """Whether ``q`` is words only: no ``OR``, no ``-`` exclusion, no quotes
    and no ``title:``. Only such a query may become a hot search: with
    ``党建 OR <any text>`` the other part finds the articles, so what it
    would show on the home page is whatever text came with it."""
    q = _clean(q)
    if '"' in q:
        return False
    for m in _TOKEN.finditer(q):
        neg, prefix, quoted, bare = m.groups()
        if neg or prefix or quoted is not None or bare == "OR":
            return False
    return True


def _clean(q: str) -> str:
    """NFKC, curly quotes to ASCII, and no control characters or lone
    surrogates (which cannot be encoded and would fail later)."""
    q = q.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(q) else q
    q = unicodedata.normalize("NFKC", q).translate(_QUOTES)
    return "".join(c if c.isprintable() else " " for c in q).strip()


def _has_surrogates(q: str) -> bool:
    try:
        q.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _term(text: str, quoted: bool, negated: bool, title_only: bool) -> Term | None:
    key = query_key(text)
    if not key.strip():
        return None
    segmented = segment(key)
    words = tuple(dict.fromkeys(segmented))
    if quoted or negated:  # exactly the phrase
        return Term(text, key, words, quoted, negated, title_only)
    found = _units(segmented)
    units = tuple(dict.fromkeys(found)) if len(found) > 1 else ()
    split = {u: sub_words(u) if _compound(u) else () for u in found}
    parts = tuple(dict.fromkeys(p for u, s in split.items() for p in s or (u,)))
    parts = parts if any(split.values()) else ()
    return Term(text, key, words, quoted, negated, title_only, units=units, parts=parts)


def _units(words: list[str]) -> list[str]:
    """Words of two or more characters, and each run of two or more single
    Chinese characters joined (瑞丽 封 城 -> 瑞丽, 封城), in order, repeats
    kept (基诺族基诺族 has two units)."""
    units: list[str] = []
    run = ""
    for w in [*words, ""]:
        if len(w) == 1 and is_cjk(ord(w)):
            run += w
            continue
        if len(run) > 1:
            units.append(run)
        run = ""
        if len(w) > 1:
            units.append(w)
    return units


def _compound(word: str) -> bool:
    """A dictionary word that may have parts: Chinese, 3 to 16 characters."""
    return 3 <= len(word) <= 16 and all(is_cjk(ord(c)) for c in word)


def _expand(term: Term, synonyms: Synonyms) -> Term:
    """The term with its synonyms attached (searched as phrases, same scope)."""
    alternatives = [_term(alt, True, False, term.title_only) for alt in synonyms.expand(term.key)]
    kept = tuple(a for a in alternatives if a is not None and a.key != term.key)
    return replace(term, alternatives=kept) if kept else term


def compose_query(
    all_words: str, phrase: str = "", none: str = "", title_only: bool = False
) -> str:
    """The query an advanced-search form means, in the syntax above: every
    word of ``all_words``, the exact ``phrase``, none of the words of
    ``none``; ``title_only`` looks for the first two in titles only. Quotes
    typed into the fields are dropped, so no field can change another's meaning."""
    scope = "title:" if title_only else ""

    def words(text: str) -> list[str]:
        return _clean(text).replace('"', " ").split()

    parts = [f"{scope}{w.lstrip('-')}" for w in words(all_words) if w.lstrip("-")]
    parts = [f'{scope}"{w}"' if w == "OR" else w for w in parts]
    exact = " ".join(words(phrase))
    if exact:
        parts.append(f'{scope}"{exact}"')
    parts += [f"-{w.lstrip('-')}" for w in words(none) if w.lstrip("-")]
    return " ".join(parts)
