"""jieba word segmentation behind Whoosh's tokenizer contract.

The word field exists for *ranking* (BM25F); whether an article matches is
decided on the character level (see chars.py), so segmentation quirks never
lose a hit. jieba runs in precise mode for documents and queries alike, so the
same text always yields the same terms, and tokens carry ordinal positions
(``jieba.analyse.ChineseAnalyzer`` gives character offsets as positions and
overlapping words, and importing ``jieba.analyse`` loads ~80 MB of tables).

The tokenizer is pickled into the Whoosh schema: moving or renaming this class
breaks existing indexes, so bump ``schema.SCHEMA_VERSION`` if you do.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import jieba
from whoosh.analysis import Token, Tokenizer

from indexer.data import USER_DICT
from indexer.normalize import display_normalize, query_key
from indexer.wordcut import lcut

_setup_lock = threading.Lock()
_ready = False

# jieba's dictionary without its rarest words (frequency below this): 39% of
# the words, a third of the load time and memory. Query words also decide the
# all-words rule and compound parts, so this was measured (bench/README.md,
# "Relevance"): on 977 queries over 3,000 articles the full dictionary finds
# no article the pruned one misses, and judged recall is the same.
MIN_WORD_FREQ = 5


def setup_jieba(cache_dir: str | Path | None = None) -> None:
    """Initialise jieba once per process: quiet logging, our dictionary and
    its cache in a folder we control, and the site's user dictionary
    (三抓三促, 强边固防, place names...).

    Without this jieba logs to stderr, writes its cache to the system temp
    folder, and pays its dictionary load on the first query.
    """
    global _ready
    with _setup_lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        folder = Path(cache_dir) if cache_dir is not None else Path(tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(folder)
        jieba.set_dictionary(str(_dictionary(folder)))
        jieba.initialize()
        with USER_DICT.open("rb") as f:  # jieba leaves a path it opens unclosed
            jieba.load_userdict(f)
        _ready = True


def _dictionary(folder: Path) -> Path:
    """jieba's own dictionary with words of frequency >= MIN_WORD_FREQ,
    written once into ``folder`` (atomically: several processes may race)."""
    target = folder / f"jieba-dict-min{MIN_WORD_FREQ}.txt"
    if target.exists():
        return target
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    with open(source, encoding="utf-8") as f:
        kept = [line for line in f if int(line.split()[1]) >= MIN_WORD_FREQ]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".dict-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(kept)
    os.replace(tmp, target)
    return target


# A number or Latin token with the punctuation the key form keeps inside it
# (normalize.INSIDE_TOKEN): 3.5, 1/4, 2021-10-01, covid-19, pm2.5, 100%.
_INNER_TOKEN = re.compile(r"[a-z0-9]+(?:[./:+-][a-z0-9]+)+(?:(?<=[0-9])%)?|[0-9]+%")


def segment(text: str) -> list[str]:
    """Words of ``text`` in key form (see normalize.key_text), in order.

    Punctuation-only tokens are dropped. A number or Latin token with inner
    punctuation (``3.5``, ``covid-19``) is one word, as the key form keeps
    it: jieba would cut it into ``covid`` and ``19``, and 19 then matches
    1998 and 197万. jieba's HMM guessing of unknown words is off: it costs a
    third of the segmentation time, and words only rank, they never decide a
    match.
    """
    return _keys(jieba_tokens(text))


def segment_with_lead(text: str, lead_chars: int) -> tuple[list[str], int]:
    """``segment(text)`` and how many of its words lie within the first
    ``lead_chars`` characters: an article is segmented once, and its key
    terms (keyterms.py) are counted from the words of its lead."""
    pieces = jieba_tokens(text)
    in_lead = bisect_right(list(accumulate(map(len, pieces))), lead_chars)
    return _keys(pieces), len(_keys(pieces[:in_lead]))


def jieba_tokens(text: str, cut: Callable[[str], list[str]] = lcut) -> list[str]:
    """jieba's tokens of ``text`` after display normalisation, punctuation
    included: joined, they are that text. ``cut`` is wordcut.lcut, which is
    ``jieba.lcut(text, HMM=False)`` made faster (bench/wordcut_identity.py
    compares the two on a corpus)."""
    setup_jieba()
    normal = display_normalize(text)
    pieces: list[str] = []
    pos = 0
    for m in _INNER_TOKEN.finditer(normal):
        pieces += cut(normal[pos : m.start()]) if m.start() > pos else []
        pieces.append(m.group())
        pos = m.end()
    pieces += cut(normal[pos:]) if pos < len(normal) else []
    return pieces


def _keys(pieces: list[str]) -> list[str]:
    return [w for w in map(_token_key, pieces) if w]


@lru_cache(maxsize=4096)
def sub_words(word: str) -> tuple[str, ...]:
    """The dictionary words inside ``word`` (jieba's search mode, for every
    length), keeping only those not inside a longer one, plus any run of two
    or more characters they leave uncovered: 磨憨口岸 -> 磨憨, 口岸;
    基层党组织 -> 基层, 党组织. Empty unless there are two parts or more: 勐海县
    is not a compound of 勐海."""
    setup_jieba()
    n, freq = len(word), jieba.dt.FREQ
    found = [
        (i, i + size)
        for size in range(n - 1, 1, -1)
        for i in range(n - size + 1)
        if freq.get(word[i : i + size])
    ]
    kept = [
        (a, b) for a, b in found if not any(c <= a and b <= d for c, d in found if (c, d) != (a, b))
    ]
    if not kept:
        return ()
    covered = [any(a <= i < b for a, b in kept) for i in range(n)]
    gaps = re.finditer(r"0{2,}", "".join("1" if c else "0" for c in covered))
    spans = sorted(kept + [(m.start(), m.end()) for m in gaps])
    parts = tuple(dict.fromkeys(word[a:b] for a, b in spans))
    return parts if len(parts) > 1 else ()


@lru_cache(maxsize=200_000)
def _token_key(token: str) -> str:
    """Key form of one jieba token (cached: a corpus reuses few tokens)."""
    return query_key(token).strip()


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer over jieba, following ``RegexTokenizer.__call__``:
    one reused Token, ordinal ``pos``, ``tokenize=False`` honoured.

    Character offsets are not recorded: highlighting locates matches in the
    stored text itself (see highlight.py) instead of re-running jieba.
    """

    def __eq__(self, other: object) -> bool:
        return self.__class__ is other.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        assert isinstance(value, str), f"{value!r} is not unicode"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = segment(value) if tokenize else [value]
        for pos, word in enumerate(words):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word  # type: ignore[attr-defined]  # Token takes any attribute
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def chinese_analyzer() -> JiebaTokenizer:
    """The analyzer of the title and body word fields."""
    return JiebaTokenizer()
