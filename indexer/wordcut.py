"""jieba's precise mode without HMM, ``jieba.lcut(text, HMM=False)``, giving
the same words in about 60% of the time.

Segmenting is most of a build's work. jieba finds the words in two passes
over each run of Chinese and ASCII (``get_DAG`` lists the dictionary words
starting at each character, ``calc`` picks the most probable route from the
end) and keeps the candidates in a dict of lists and the route in a dict of
tuples, taking ``log`` again for every candidate. Here the two passes are
one, over lists, with each word's log probability computed once. The
arithmetic is jieba's, in its order (``log(freq) - log(total)``, then plus
the rest of the route, as doubles), and a tie between two routes goes to
the longer first word as ``max`` over jieba's ``(probability, end)`` tuples
does, so the words are the same: tests/test_wordcut.py checks it on the
tricky cases and random text, and ``bench/wordcut_identity.py`` on a whole
corpus. jieba_fast and jieba_fast_dat break such ties the other way
(不能等等等他们) and are not used for that reason.

The dictionary is jieba's own (``jieba.dt``: our pruned one and the user
dictionary, see analysis.setup_jieba), read as it is when called.
"""

from __future__ import annotations

import math

import jieba

# jieba's own expressions: runs it segments, and separators it keeps whole.
_HAN = jieba.re_han_default
_SKIP = jieba.re_skip_default


class _LogProbabilities(dict):
    """log(freq) - log(total) per dictionary word, computed as first asked
    for; emptied when the dictionary's total changes (a word was added)."""

    total: float = 0.0
    log_total: float = 0.0

    def current(self) -> _LogProbabilities:
        total = jieba.dt.total
        if total != self.total:
            self.clear()
            self.total, self.log_total = total, math.log(total)
        return self


_LOGP = _LogProbabilities()


def lcut(text: str) -> list[str]:
    """The words of ``text``, exactly as ``jieba.lcut(text, HMM=False)``."""
    jieba.dt.check_initialized()
    words: list[str] = []
    # split() keeps the runs (its one group) at odd places, what is between
    # them at even ones: jieba's re_han.match(block) without matching again
    for i, block in enumerate(_HAN.split(text)):
        if not block:
            continue
        if i % 2:
            words += _cut_block(block)
        else:
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    words.append(piece)
                else:
                    words.extend(piece)  # one character at a time, as jieba
    return words


def _cut_block(sentence: str) -> list[str]:
    """jieba's ``__cut_DAG_NO_HMM`` of one run: the most probable route
    through the dictionary words, single ASCII letters and digits joined."""
    return _join_ascii(sentence, _route(sentence))


def _route(sentence: str) -> list[int]:
    """Where the best route's word starting at each character ends
    (jieba's ``calc`` over ``get_DAG``, in one pass from the end)."""
    freq, logp = jieba.dt.FREQ, _LOGP.current()
    log_total, log = logp.log_total, math.log
    n = len(sentence)
    ends = [0] * n
    score: list[float] = [0.0] * (n + 1)
    for k in range(n - 1, -1, -1):
        best, end, found = 0.0, k, False
        i, frag = k, sentence[k]
        while i < n and frag in freq:
            if freq[frag]:
                p = logp.get(frag)
                if p is None:
                    p = logp[frag] = log(freq[frag]) - log_total
                value = p + score[i + 1]
                if not found or value >= best:  # a tie: the later end, as max() does
                    best, end, found = value, i, True
            i += 1
            frag = sentence[k : i + 1]
        if not found:  # no word starts here: the character alone, freq 0 as 1
            best = (log(freq.get(sentence[k]) or 1) - log_total) + score[k + 1]
        score[k], ends[k] = best, end
    return ends


def _join_ascii(sentence: str, ends: list[int]) -> list[str]:
    words: list[str] = []
    buf = ""
    x, n = 0, len(sentence)
    while x < n:
        y = ends[x] + 1
        word = sentence[x:y]
        if y - x == 1 and word.isascii() and word.isalnum():  # jieba's re_eng
            buf += word
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(word)
        x = y
    if buf:
        words.append(buf)
    return words
