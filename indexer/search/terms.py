"""Small helpers over parsed query terms, shared by matching, ranking,
highlighting and the zero-results chain.

They live in one low module so the search path reads one way: engine ->
matching / fallback / highlight, each taking what it needs from here, and
nothing doubling back through matching for a helper.
"""

from __future__ import annotations

from indexer.normalize import query_key
from indexer.search.highlight import Needle
from indexer.search.query import ParsedQuery, Term


def long_words(term: Term) -> list[str]:
    """Words of two or more characters: single characters such as 在 or 的
    would match (and weigh) almost nothing."""
    return [w for w in term.words if len(w) > 1]


def whole_phrase(positives: list[Term]) -> str:
    """The group's input as one phrase (``勐海县 党建`` -> 勐海县党建)."""
    return query_key(" ".join(t.text for t in positives))


def ranking_words(term: Term) -> list[str]:
    """The term's words that rank: those of two or more characters and the
    parts of compounds (口岸 in 磨憨国际口岸 for 磨憨口岸); a lone
    single-character word only when it is the whole term (县), since 的 or 在
    inside a longer input carry no weight and cost a posting list each."""
    own = long_words(term) or (list(term.words) if len(term.words) == 1 else [])
    own += [p for p in term.parts if p not in own]
    return own + [w for alt in term.alternatives for w in long_words(alt)]


def highlight_needles(parsed: ParsedQuery) -> list[Needle]:
    """What to mark, best first: each group's whole input and each term as
    typed, then each term's words of two or more characters, units and parts
    (single characters would mark half the page) only where the term is not,
    then synonyms."""
    needles = [Needle(p) for p in _typed_phrases(parsed)]
    for t in parsed.positives:
        if not t.quoted:
            parts = [*long_words(t), *t.units, *t.parts]
            needles.extend(Needle(p, unless=t.key) for p in parts if p != t.key)
    needles.extend(Needle(a.key) for t in parsed.positives for a in t.alternatives)
    first: dict[str, Needle] = {}
    for n in needles:
        if n.text.strip():
            first.setdefault(n.text, n)
    return list(first.values())


def about_phrases(parsed: ParsedQuery) -> list[str]:
    """The phrases whose occurrences rank inside a tier (about.py): each
    group's whole input and each positive term, two characters or more."""
    return [p for p in dict.fromkeys(_typed_phrases(parsed)) if len(p.strip()) > 1]


def _typed_phrases(parsed: ParsedQuery) -> list[str]:
    """Each group's whole input (when it has several positive terms), then
    each of its positive terms as typed, group by group."""
    phrases: list[str] = []
    for group in parsed.groups:
        positives = [t for t in group if not t.negated]
        if len(positives) > 1:
            phrases.append(whole_phrase(positives))
        phrases.extend(t.key for t in positives)
    return phrases
