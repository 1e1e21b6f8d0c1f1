"""Writing a generation's vocabulary, at indexing time only.

Each generation gets one vocabulary file (table.py), written after Whoosh's
commit from the jieba words of the title and body fields
(:func:`write_vocabulary`): the words with their document frequency, their
toneless pinyin and initials, and the toneless readings of every character
pypinyin knows. pypinyin runs only here, at indexing time, and only for words
the previous generation did not have: a reindex of one article does not
convert 100,000 words again. It is imported inside the functions that use it,
so a searching process never loads it (~40 MB, 0.3 s), even though
``indexer`` re-exports ``reindex``. Likewise each Whoosh segment's term counts
are kept beside it (``vocab-seg-<id>.npz``, immutable like the segment), so
only new segments' term lists are walked.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from indexer.vocab.table import (
    CJK,
    CJK_RUN,
    MAX_CHARS,
    MIN_CHARS,
    SEGMENT_TERMS,
    VOCAB_FILE,
    Table,
)

log = logging.getLogger(__name__)

MAX_WORDS = 300_000  # the most frequent words kept
MIN_BODY_DF = 2  # body words seen in fewer articles are noise; title words always count

_WORD = re.compile(f"[{CJK}0-9a-z]{{{MIN_CHARS},{MAX_CHARS}}}")
_PARTS = re.compile(f"[{CJK}]+|[0-9a-z]+")


def write_vocabulary(reader: Any, folder: Path, previous: Path | None = None) -> int:
    """Write the vocabulary file of the generation in ``folder`` from its
    Whoosh ``reader``; return the number of words written.

    ``previous`` is the previous generation's folder: the pinyin it computed
    is reused for words still there (pypinyin costs ~65 µs a word), and its
    character readings (0.5 s to compute; a full reindex renews them). The file
    is written under a temporary name and renamed, so a vocabulary hard-linked
    from the previous generation is replaced, never written through.
    """
    folder = Path(folder)
    chosen = _choose(*_doc_frequencies(reader, folder))
    words = sorted(chosen)
    old = _previous_table(Path(previous) / VOCAB_FILE) if previous else None
    known = dict(zip(old.words, old.spoken(), strict=True)) if old else {}
    spoken = [known.get(w) or _word_pinyin(w) for w in words]
    readings = dict(zip(old.chars, old.readings, strict=True)) if old else {}
    table = Table.build(words, [chosen[w] for w in words], spoken, readings or _char_readings())
    tmp = folder / f"{VOCAB_FILE}.tmp"
    tmp.write_bytes(table.dump().encode("utf-8"))
    os.replace(tmp, folder / VOCAB_FILE)
    return len(words)


def _doc_frequencies(reader: Any, folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Document frequencies of the vocabulary-worthy terms of the body and
    the title field, summed over the index's segments.

    Whoosh's term lists cost ~7 µs a term to walk, and a segment never
    changes once written, so each segment's counts are kept beside the
    generation (``vocab-seg-<id>.npz``, carried to the next generation like
    the other per-segment files): an incremental reindex walks only its new
    segment. Whoosh counts a segment's deleted documents until it merges the
    segment, so a word of a deleted article can linger that long; it only
    ever suggests."""
    body: dict[str, int] = {}
    title: dict[str, int] = {}
    used = set()
    for leaf, _base in reader.leaf_readers():
        path = _segment_cache(leaf, folder)
        cached = _cached_terms(path) if path else None
        if cached is None:
            cached = _field_terms(leaf, "body"), _field_terms(leaf, "title")
            if path:
                _save_terms(path, *cached)
        seg_body, seg_title = cached
        for counts, seg in ((body, seg_body), (title, seg_title)):
            for word, n in seg.items():
                counts[word] = counts.get(word, 0) + n
        used.add(path)
    for stale in set(folder.glob(SEGMENT_TERMS.format("*"))) - used:
        stale.unlink()  # a segment Whoosh merged away
    return body, title


def _segment_cache(leaf: Any, folder: Path) -> Path | None:
    """Where a segment's counts are kept; None for a reader without segment."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return folder / SEGMENT_TERMS.format(segment.segment_id()) if segment else None


def _cached_terms(path: Path) -> tuple[dict[str, int], dict[str, int]] | None:
    """A segment's (body, title) counts as _save_terms kept them, or None."""
    try:
        with np.load(path) as data:
            return _unpack(data["body_words"], data["body_df"]), _unpack(
                data["title_words"], data["title_df"]
            )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        log.warning("recounting the terms of %s: %s", path, e)
        return None


def _save_terms(path: Path, body: dict[str, int], title: dict[str, int]) -> None:
    """Keep a segment's counts: words as tab-joined UTF-8 (a third of the
    size of a numpy string array), frequencies as integers."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        # numpy's stub matches **arrays against savez's allow_pickle: bool too
        np.savez(f, **_pack("body", body), **_pack("title", title))  # type: ignore[arg-type]
    os.replace(tmp, path)


def _pack(field: str, counts: dict[str, int]) -> dict[str, np.ndarray]:
    words = "\t".join(counts).encode("utf-8")
    return {
        f"{field}_words": np.frombuffer(words, dtype=np.uint8),
        f"{field}_df": np.fromiter(counts.values(), dtype=np.int64, count=len(counts)),
    }


def _unpack(words: np.ndarray, df: np.ndarray) -> dict[str, int]:
    text = words.tobytes().decode("utf-8")
    return dict(zip(text.split("\t") if text else [], df.tolist(), strict=True))


def _field_terms(leaf: Any, field: str) -> dict[str, int]:
    """Vocabulary-worthy terms of ``field`` in one segment -> doc frequency."""
    counts = {}
    for term, info in leaf.iter_field(field):
        word = term.decode("utf-8", "replace") if isinstance(term, bytes) else term
        if _is_word(word):
            counts[word] = info.doc_frequency()
    return counts


def _is_word(term: str) -> bool:
    """2..12 characters, key-form letters and digits, at least one CJK."""
    return _WORD.fullmatch(term) is not None and CJK_RUN.search(term) is not None


def _choose(body: dict[str, int], title: dict[str, int]) -> dict[str, int]:
    """Words worth keeping -> document frequency (the larger of the two
    fields'): body words of at least MIN_BODY_DF articles and every title word,
    since titles are what people search for. The MAX_WORDS most frequent."""
    chosen = {w: max(n, title.get(w, 0)) for w, n in body.items() if n >= MIN_BODY_DF}
    for word, n in title.items():
        chosen.setdefault(word, max(n, body.get(word, 0)))
    if len(chosen) > MAX_WORDS:
        kept = sorted(chosen, key=lambda w: (-chosen[w], len(w), w))[:MAX_WORDS]
        chosen = {w: chosen[w] for w in kept}
    return chosen


def _previous_table(path: Path) -> Table | None:
    """The previous generation's vocabulary, whose pinyin and character
    readings are reused; None when there is none or it cannot be read
    (everything is then computed, as by a full reindex)."""
    try:
        return Table.parse(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:
        log.info("not reusing the pinyin of %s: %s", path, e)
        return None


def _word_pinyin(word: str) -> tuple[str, str]:
    """(toneless pinyin, initials) of a word: 党建 -> (dangjian, dj).

    pypinyin reads each CJK run phrase-aware (长廊 chang lang, 行长 hang
    zhang); ASCII letters and digits stay as they are in both. A character
    pypinyin cannot read leaves the word without pinyin ("", ""): it can still
    be completed and corrected in characters."""
    from pypinyin import lazy_pinyin

    full: list[str] = []
    initials: list[str] = []
    for part in _PARTS.findall(word):
        if part.isascii():
            full.append(part)
            initials.append(part)
            continue
        syllables = lazy_pinyin(part)
        if not all(s.isascii() and s.isalpha() for s in syllables):
            return "", ""
        full.extend(syllables)
        initials.extend(s[0] for s in syllables)
    return "".join(full), "".join(initials)


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, str]:
    """Toneless readings of every CJK character pypinyin knows, most common
    first and comma-separated (长 -> chang,zhang; 绿 -> lv,lu): what a
    searching process needs to hear a wrongly typed character."""
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for cp, readings in pinyin_dict.items():
        ch = chr(cp)
        if CJK_RUN.fullmatch(ch):
            plain = dict.fromkeys(_toneless(r) for r in readings.split(","))
            kept = [r for r in plain if r.isascii() and r.isalpha()]
            if kept:
                table[ch] = ",".join(kept)
    return table


def _toneless(reading: str) -> str:
    """zhǎng -> zhang, lǜ -> lv: pypinyin's NORMAL style, 6x faster."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))
