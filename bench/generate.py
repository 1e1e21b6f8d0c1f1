"""Generate a synthetic corpus that looks like the scraped 西双版纳先锋 articles.

The benchmark needs corpora of 1k–100k articles, far more than the site has,
and they must be identical on every machine so figures can be compared. So
every article is built from its own random stream, seeded from (seed, number):
article 17 is the same whether 1,000 or 100,000 are generated, and nothing
depends on ``PYTHONHASHSEED`` (no set or dict iteration order is used).

Text follows the scraper's file layout (date widget, column, title, meta line,
blank-separated paragraphs, trailing 来源 line, ASCII ``,`` ``:`` ``(`` ``)``).
Like a real report, each article is about one programme (topics.PROGRAMMES)
in one place (a village of a town of one county): its title and the
sentences that say what the programme does name them, so a programme's name
is in a few percent of the articles (its own, and a passing mention now and
then), and an article names one county, not all three. Between those
sentences, words come from a Zipf law over the most frequent
two-to-four-character words of jieba's own ``dict.txt``, mixed with the
site's general vocabulary (党建, 党员干部 ...), numbers and a thin long tail of
dictionary words so that genuinely rare words exist.

    python bench/generate.py --count 10000 --out bench/data/10000-1/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.util
import itertools
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by file path

from topics import PROGRAMMES, Place, Programme, fill, places  # noqa: E402

COMMON_WORDS = 5000  # Zipf vocabulary: jieba's most frequent 2-4 character words
RARE_WORDS = 40000  # the next words in jieba's frequency order, drawn uniformly and seldom

# The site's general vocabulary, Zipf too (earlier is more frequent): no
# programme and no place, those come from the article's own topic.
GENERAL_TERMS = """
    党建 党支部 乡村振兴 党员干部 基层治理 强边固防 抓党建促 党员 组织建设
    基层党组织 党组织书记 村两委 党风廉政 民族团结 党建引领 五位一体 不忘初心
    牢记使命 先锋模范 战斗堡垒 示范创建 州委组织部 村(社区) 支部+民警
""".split()
# What the query mix draws "a site term" from: the general words and the programmes.
SITE_TERMS = GENERAL_TERMS + [p.name for p in PROGRAMMES]
PASSING_MENTION = 0.1  # share of articles that name a second programme once

OTHER_COLUMNS = """
    基层党建 基层党建 乡村振兴 乡村振兴 强边固防 组织建设 党风廉政 干部工作
    人才工作 党员教育 县市动态 通知公告
""".split()
COLUMNS = ["工作动态"] * 6 + OTHER_COLUMNS  # by far the busiest column on the site

PARTICLES = ["的"] * 8 + ["和"] * 3 + ["在"] * 3 + "是 对 把 为 与 等 中 及".split()

HEADING_VERBS = "抓党建促 强化 聚焦 坚持 深化 推动 建强 夯实 突出".split()
TITLE_VERBS = "筑牢 推动 强化 夯实 激活 打造 建强 深化 助力 做实".split()
TITLE_EVENTS = """
    召开{t}工作推进会 扎实推进{t}工作 开展{t}专题培训 {t}取得实效
    多措并举推进{t} 以{t}引领高质量发展 召开{t}专题会议
""".split()
SERIES = ["奋进新征程 建功新时代", "党建引领乡村振兴", "基层党建进行时", "一线见闻"]
CHINESE_ORDINALS = "一二三四五六七八九十"

_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}\Z")


@dataclass(frozen=True)
class Vocabulary:
    """Words to draw from, with cumulative weights for ``Random.choices``."""

    common: list[str]
    common_cum: list[float]
    rare: list[str]
    site_cum: list[float]


def zipf_cum_weights(n: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def jieba_dict_path() -> Path:
    """Locate jieba's dictionary without importing jieba (its import is slow and noisy)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed in this environment")
    return Path(spec.origin).with_name("dict.txt")


@functools.lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Rank jieba's Han words of 2-4 characters by frequency, ties broken by the word."""
    rows = []
    with jieba_dict_path().open(encoding="utf-8") as f:
        for line in f:
            word, freq = line.split()[:2]
            if _HAN_WORD.match(word):
                rows.append((-int(freq), word))
    rows.sort()
    words = [word for _, word in rows]
    site = set(SITE_TERMS) | {p.county for p in places()} | {p.town for p in places()}
    common = [w for w in words[:COMMON_WORDS] if w not in site]
    rare = [w for w in words[COMMON_WORDS : COMMON_WORDS + RARE_WORDS] if w not in site]
    site_cum = zipf_cum_weights(len(GENERAL_TERMS))
    return Vocabulary(common, zipf_cum_weights(len(common)), rare, site_cum)


class ArticleWriter:
    """Builds one article from one random stream; see ``make_article``."""

    def __init__(self, rng: Random, vocab: Vocabulary):
        self.rng = rng
        self.vocab = vocab
        self.programme: Programme = rng.choice(PROGRAMMES)
        self.place: Place = rng.choice(places())

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.13:
            return self.rng.choice(PARTICLES)
        if r < 0.35:
            return self.site_term()
        if r < 0.38:
            return self.number()
        if r < 0.383:
            return self.rng.choice(self.vocab.rare)
        return self.common_word()

    def common_word(self) -> str:
        return self.rng.choices(self.vocab.common, cum_weights=self.vocab.common_cum)[0]

    def site_term(self) -> str:
        return self.rng.choices(GENERAL_TERMS, cum_weights=self.vocab.site_cum)[0]

    def topic_sentence(self) -> str:
        """A sentence on the article's programme in its place."""
        return fill(self.rng.choice(self.programme.sentences), self.place, self.rng)

    def number(self) -> str:
        rng = self.rng
        kind = rng.randrange(10)
        if kind == 0:
            return f"{rng.randint(2012, 2024)}年"
        if kind == 1:
            return rng.choice(["5G", "GDP", "APP", "4A级"])
        if kind == 2:
            return str(rng.randint(1000, 9_999_999))
        if kind == 3:
            return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        if kind == 4:
            return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}%"
        unit = rng.choice(["名", "个", "万元", "户", "人次", "亿元", "家", "期"])
        return f"{rng.randint(2, 999)}{unit}"

    def clause(self) -> str:
        target = self.rng.randint(4, 14)
        words = [self.word()]
        while words[0] in PARTICLES:
            words[0] = self.word()
        while sum(map(len, words)) < target:
            word = self.word()
            words.append(word if word != words[-1] else self.word())
        return "".join(words)

    def sentence(self) -> str:
        target = self.rng.randint(10, 40)
        clauses = [self.clause()]
        while sum(map(len, clauses)) + len(clauses) < target:
            clauses.append(self.clause())
        return ",".join(clauses) + "。"

    def paragraph(self, target: int) -> str:
        """Sentences up to ``target`` characters, one in four on the topic
        (the first one always, so each paragraph stays on it)."""
        text = self.topic_sentence()
        while len(text) < target:
            text += self.topic_sentence() if self.rng.random() < 0.25 else self.sentence()
        return text.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")

    def heading(self) -> str:
        if self.rng.random() < 0.5:
            return f"抓党建促{self.programme.name}{self.common_word()}{self.common_word()}"
        parts = [self.rng.choice(HEADING_VERBS), self.site_term(), self.common_word()]
        parts.append(self.common_word() + self.common_word())
        return "".join(parts)

    def title(self) -> str:
        rng, place, name = self.rng, self.place, self.programme.name
        own = fill(rng.choice(self.programme.titles), place, rng).replace("：", ":")
        style = rng.randrange(5)
        if style == 0:  # a title that names the place, not the programme
            first = rng.choice(TITLE_VERBS) + self.site_term()
            second = rng.choice(TITLE_VERBS) + self.common_word()
            return f"{place.county}:{first} {second}"
        if style == 1:
            ordinal = CHINESE_ORDINALS[rng.randrange(len(CHINESE_ORDINALS))]
            return f"【{rng.choice(SERIES)}】(之{ordinal}){own}"
        if style == 2:
            return place.town + rng.choice(TITLE_EVENTS).format(t=name)
        return own

    def date(self) -> dt.date:
        start = dt.date(2016, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange(9 * 365))

    def length(self) -> int:
        """Characters of body text: log-normal, so whole files average about 2,300
        characters and stay within 800-5,000."""
        return int(min(4700, max(760, self.rng.lognormvariate(math.log(2000), 0.42))))

    def body(self) -> list[str]:
        rng = self.rng
        target = self.length()
        paragraphs: list[str] = []
        if rng.random() < 0.1:
            paragraphs += ["编者按:", self.paragraph(rng.randint(80, 200))]
        with_headings = rng.random() < 0.35
        written = 0
        while written < target:
            if with_headings and rng.random() < 0.3:
                paragraphs.append(self.heading())
                written += len(paragraphs[-1])
            paragraph = self.paragraph(min(target - written, rng.randint(120, 900)))
            paragraphs.append(paragraph)
            written += len(paragraph)
        return paragraphs

    def article(self) -> tuple[dt.date, str]:
        rng = self.rng
        column = self.programme.column if rng.random() < 0.7 else rng.choice(COLUMNS)
        title = self.title()
        date = self.date()
        paragraphs = self.body()
        if rng.random() < PASSING_MENTION:
            other = rng.choice([p for p in PROGRAMMES if p is not self.programme])
            paragraphs.insert(-1, f"同时,{self.place.town}还将统筹推进{other.name}等工作。")
        head = ["今天是:", column, "", title, ""]
        head.append(f"来源 :西双版纳先锋 访问次数 : 发布时间 :{date.isoformat()}")
        tail = ["\u00a0", "来源:西双版纳先锋"]
        return date, "\n".join(head) + "\n\n" + "\n\n".join(paragraphs + tail)


def make_article(number: int, seed: int = 1) -> tuple[str, str]:
    """Article ``number`` (1-based) of corpus ``seed``: (relative path, text)."""
    rng = Random(seed * 1_000_003 + number)
    date, text = ArticleWriter(rng, load_vocabulary()).article()
    return f"{date.year}/{number:05d}.txt", text


def generate(count: int, out_dir: Path | str, seed: int = 1) -> int:
    """Write articles 1..count under ``out_dir``; return the bytes written."""
    out_dir = Path(out_dir)
    total = 0
    for number in range(1, count + 1):
        relpath, text = make_article(number, seed)
        path = out_dir / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    args = parser.parse_args(argv)
    total = generate(args.count, args.out, args.seed)
    print(f"{args.count} articles, {total} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
