"""How an article reads on its page: the scraper's punctuation and its
section subheadings. Display only: the stored text and its key form (what
matches) are never changed.

The scraper writes ASCII ``,:;!?()`` where the site has full-width ``，：；！？（）``
between Chinese characters; shown as they are they read as typos. Each such
character is replaced by its full-width form, one character for one, so the
highlighter's offsets hold and its key form (NFKC folds both forms alike) is
the same. A number or Latin token keeps its ASCII (``26.3:50.7``, ``12:30``,
``Hello, world``).

A subheading is a short line without final punctuation (抓党建促中心工作建强制度
机制): the site sets them apart, the scraper flattens them into paragraphs.
"""

from __future__ import annotations

import re

from indexer.normalize import is_ascii_alnum, is_cjk

_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
# Punctuation of Chinese text: next to it, an ASCII mark belongs to Chinese too.
_CHINESE_MARKS = frozenset("“”‘’（）【】《》〈〉「」、。，：；！？…—")
_PARENS = re.compile(r"\(([^()\n]*)\)")
SUBHEADING_CHARS = (4, 30)  # shortest and longest subheading
# A line with any of these is prose, not a heading.
_PROSE = frozenset("。！？；：，,.!?;:")


def _chinese(c: str) -> bool:
    return is_cjk(ord(c)) or c in _CHINESE_MARKS


def full_width(text: str) -> str:
    """``text`` with the scraper's ASCII punctuation between or beside
    Chinese text in full-width form (same length)."""
    text = _PARENS.sub(lambda m: f"（{m[1]}）" if any(map(_chinese, m[1])) else m[0], text)
    if not any(c in _FULL for c in text):
        return text
    out = list(text)
    for i, c in enumerate(text):
        if c not in _FULL:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        inside_token = is_ascii_alnum(before) and is_ascii_alnum(after)
        if not inside_token and ((before and _chinese(before)) or (after and _chinese(after))):
            out[i] = _FULL[c]
    return "".join(out)


def is_subheading(paragraph: str) -> bool:
    """A short line of mostly Chinese with no sentence punctuation."""
    line = paragraph.strip()
    shortest, longest = SUBHEADING_CHARS
    if not shortest <= len(line) <= longest or any(c in _PROSE for c in line):
        return False
    return sum(is_cjk(ord(c)) for c in line) * 2 >= len(line)


def subheadings(paragraphs: list[str]) -> frozenset[int]:
    """Indices of the subheadings among ``paragraphs``: never the last one
    (an article ends with text, a signature or a date, not a heading)."""
    return frozenset(i for i, p in enumerate(paragraphs[:-1]) if is_subheading(p))
