"""How much an article is about what the reader typed, for ranking inside a tier.

BM25F over jieba words cannot tell an article about 边境幸福村 from one that
says 边境 twenty times and 边境幸福村 once in passing: the words score, not the
phrase. Here the phrase itself is counted in the article's key stream (the
character index's text, so no jieba and no stored fields for the body):

- in the title proper (2), or only in a 【…】 column or series tag (0.5;
  and an article in the title tier only through its tag moves down to the
  body tier: 【智慧党建】… is a column's label, not what this article is called);
- in the opening (the first LEAD_CHARS characters of the body: 0.5);
- how often in the body, saturated and length-normalised as BM25 does (1).

Only the best RERANK matches by tier and BM25F are read: a fixed number, so
every page of one query is cut from the same order. A tag is found in the
stored title (the key form has no brackets), which costs ~0.3 ms to read, so
only the first TAG_CHECKS articles of the title tier are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from indexer.index.reader import Generation
from indexer.normalize import FIELD_SEP, key_text

RERANK = 100
TAG_CHECKS = 10
WEIGHT = 10.0  # one unit of aboutness against BM25F's scale (a few units a word)
TITLE, TAG, LEAD, BODY = 2.0, 0.5, 0.5, 1.0
LEAD_CHARS = 100
K1, B = 1.2, 0.75
_SEP = FIELD_SEP.encode()
_TAG = re.compile(r"\s*【[^】]*】")


def rerank(
    gen: Generation,
    reader,
    cids: np.ndarray,
    docnums: np.ndarray,
    order: np.ndarray,
    tiers: np.ndarray,
    bm25: np.ndarray,
    phrases: Sequence[str],
    title_tier: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(tiers, scores): ``bm25`` with WEIGHT x aboutness added for the first
    RERANK of ``order``, and those in ``title_tier`` only through a title tag
    one tier down. The rest keep their place below them: aboutness is never
    negative, so the window stays on top of its tier."""
    window = order[:RERANK]
    scores = np.array(bm25, dtype=np.float64)
    tiers = np.array(tiers)
    if phrases and len(window):
        checked = window[tiers[window] == title_tier][:TAG_CHECKS]
        tagged = [i for i in checked.tolist() if _tag_only(reader, int(docnums[i]), phrases)]
        about = about_scores(gen, cids[window], phrases)
        about[np.isin(window, tagged)] -= TITLE - TAG
        scores[window] += WEIGHT * about
        tiers[tagged] = title_tier - 1
    return tiers, scores


def about_scores(gen: Generation, cids: np.ndarray, phrases: Sequence[str]) -> np.ndarray:
    """Aboutness of each article ``cids[i]`` for the key-form ``phrases``:
    the sum over phrases of the features above, a title counted as proper."""
    streams = _streams(gen, cids)
    split = [(s[: s.find(_SEP)], s[s.find(_SEP) + 1 : -1]) for s in streams]
    avg = max(1.0, sum(len(body) for _, body in split) / max(1, len(split)))
    scores = np.zeros(len(cids))
    for phrase in phrases:
        needle = phrase.encode()
        for i, (title, body) in enumerate(split):
            score = TITLE if needle in title else 0.0
            if needle in body[: LEAD_CHARS * 3]:  # UTF-8: 3 bytes a Chinese character
                score += LEAD
            tf = body.count(needle)
            if tf:
                score += BODY * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(body) / avg))
            scores[i] += score
    return scores


def _tag_only(reader, docnum: int, phrases: Sequence[str]) -> bool:
    """Whether the stored title has a 【…】 tag and none of ``phrases``
    outside it."""
    title = reader.stored_fields(docnum).get("title", "")
    tag = _TAG.match(title)
    if tag is None:
        return False
    proper = key_text(title[tag.end() :])
    return not any(p in proper for p in phrases)


def _streams(gen: Generation, cids: np.ndarray) -> list[bytes]:
    """The key streams of articles ``cids`` from the character index."""
    found = [_SEP] * len(cids)
    for seg in gen.chars.segments:
        seg_cids = np.asarray(seg.cids)
        if not len(seg_cids):
            continue
        at = np.minimum(np.searchsorted(seg_cids, cids), len(seg_cids) - 1)
        for i in np.flatnonzero(seg_cids[at] == cids).tolist():
            found[i] = seg.stream(int(at[i]))
    return found
