"""The query mix, drawn deterministically from a generated corpus, and its truth.

Four kinds, in fixed proportions and shuffled together:

- ``common``: the words people type first (党建, 乡村振兴, ...), many hits;
- ``two_words``: a site term and a frequent word separated by a space (AND);
- ``phrase``: 3-8 characters cut at a random offset from a random paragraph,
  so most of them start or end inside a jieba word (``crosses`` records
  which, by jieba's precise mode); this is where word-based engines miss;
- ``rare``: long-tail dictionary words found in 1-5 articles.

``truth`` is the number of articles whose normalised title + paragraphs
contain every space-separated part of the query as a substring: exact
search's definition of a match, found by brute force.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import asdict, dataclass
from pathlib import Path
from random import Random

from articles import iter_articles, normalise
from generate import SITE_TERMS, load_vocabulary

COMMON_QUERIES = """
    党建 乡村振兴 党支部 基层治理 强边固防 党员干部 驻村第一书记
    疫情防控 村两委 勐海县 组织建设 边疆党建长廊 发展 工作
""".split()
SHARE = {"common": 0.2, "two_words": 0.2, "rare": 0.2}  # the rest are phrases
PHRASE_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
RARE_MAX_DOCS = 5


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    truth: int
    crosses: bool | None = None  # phrases only: starts or ends inside a jieba word

    def as_dict(self) -> dict:
        return asdict(self)


class SubstringIndex:
    """All normalised article texts in one string, for fast "which articles contain x"."""

    def __init__(self, texts: list[str]):
        self.starts = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.blob = "\0".join(texts)

    def articles_with(self, part: str) -> set[int]:
        found: set[int] = set()
        at = self.blob.find(part)
        while at >= 0:
            article = bisect_right(self.starts, at) - 1
            found.add(article)
            following = article + 1
            if following == len(self.starts):
                break
            at = self.blob.find(part, self.starts[following])
        return found

    def count(self, query: str) -> int:
        parts = normalise(query).split()
        if not parts:
            return 0
        return len(set.intersection(*(self.articles_with(p) for p in parts)))


def sample_phrase(rng: Random, paragraphs: list[list[str]]) -> tuple[str, str]:
    """(phrase, the run of text it was cut from)."""
    while True:
        paras = paragraphs[rng.randrange(len(paragraphs))]
        length = rng.randint(3, 8)
        runs = [r for r in PHRASE_RUN.findall(rng.choice(paras)) if len(r) >= length]
        if runs:
            run = rng.choice(runs)
            start = rng.randrange(len(run) - length + 1)
            return run[start : start + length], run


def crosses_word(phrase: str, run: str) -> bool:
    """True when the phrase does not start and end on jieba word boundaries of its run."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    bounds = {0}
    for _, _, end in jieba.tokenize(run):
        bounds.add(end)
    start = run.find(phrase)
    return start not in bounds or start + len(phrase) not in bounds


def sample_rare(rng: Random, index: SubstringIndex, words: list[str]) -> tuple[str, int]:
    for _ in range(20000):
        word = rng.choice(words)
        hits = len(index.articles_with(word))
        if 1 <= hits <= RARE_MAX_DOCS:
            return word, hits
    raise RuntimeError("no rare word found; is the corpus too small?")


def build_queries(corpus_dir: Path, count: int, seed: int = 1) -> list[Query]:
    """``count`` queries for the corpus, the same list for the same corpus and seed."""
    rng = Random(seed * 7919 + count)
    articles = list(iter_articles(corpus_dir))
    index = SubstringIndex([normalise(title + "\n" + "\n".join(p)) for _, title, p in articles])
    paragraphs = [p for _, _, p in articles if p]
    vocab = load_vocabulary()
    sizes = {kind: round(count * share) for kind, share in SHARE.items()}
    queries = []
    for _ in range(sizes["common"]):
        text = rng.choice(COMMON_QUERIES)
        queries.append(Query(text, "common", index.count(text)))
    plain_terms = [t for t in SITE_TERMS if PHRASE_RUN.fullmatch(t)]
    for _ in range(sizes["two_words"]):
        text = f"{rng.choice(plain_terms)} {rng.choice(vocab.common[:300])}"
        queries.append(Query(text, "two_words", index.count(text)))
    for _ in range(sizes["rare"]):
        word, hits = sample_rare(rng, index, vocab.rare)
        queries.append(Query(word, "rare", hits))
    for _ in range(count - len(queries)):
        phrase, run = sample_phrase(rng, paragraphs)
        queries.append(Query(phrase, "phrase", index.count(phrase), crosses_word(phrase, run)))
    rng.shuffle(queries)
    return queries


def find_absent(index: SubstringIndex, candidates: list[str]) -> str:
    """The first candidate that occurs in no article (used to tag a fresh article)."""
    for text in candidates:
        if not index.articles_with(normalise(text)):
            return text
    raise RuntimeError("every candidate phrase already occurs in the corpus")
