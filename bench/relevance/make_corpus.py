"""Write the judged corpus and its relevance judgments (qrels).

The corpus is small (about 190 short articles) and in the site's scraped
format: each report is about one programme (topics.PROGRAMMES) in one place,
some mention another programme in passing, and there are commentaries that
name many programmes once, notices with attachment lists, near-duplicates
(a report republished in another column), traditional-character versions,
and the scraper's noise (ASCII ``,:()`` between Chinese, 编者按:, print links).
A few hand-written articles carry the numbers and words the issue's failure
classes need (100% against 100名, 1/4, COVID-19, 磨憨国际口岸 ...).

Judgments are graded by what an article is about, which the generator
knows: 3 about what the query asks (in the place it names), 2 the same
programme nearby (a notice, or the right programme's sibling in that place),
1 a passing mention or the programme in another place, 0 not listed.
Both files are committed; this script rewrites them identically (seeded)::

    .venv/bin/python bench/relevance/make_corpus.py
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relevance.judged import QUERIES, Query  # noqa: E402
from topics import GENERIC, PROGRAMMES, Place, Programme, fill, places  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
QRELS = HERE / "qrels.tsv"
SEED = 12
REPORTS_PER_PROGRAMME = 5
PASSING_SHARE = 0.3
TRADITIONAL_SHARE = 0.1
ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")"})


@dataclass
class Doc:
    id: str
    title: str
    date: dt.date
    column: str
    paragraphs: list[str]
    programme: str = ""
    place: Place | None = None
    kind: str = "report"  # report, commentary, notice, duplicate, special
    mentions: list[str] = field(default_factory=list)  # programmes named in passing
    traditional: bool = False

    def text(self) -> str:
        head = ["今天是:", self.column, "", self.title, ""]
        head.append(f"来源 :西双版纳先锋 访问次数 : 发布时间 :{self.date.isoformat()}")
        tail = ["\u00a0", "【打印本页】 【关闭窗口】", "来源:西双版纳先锋"]
        return "\n".join(head) + "\n\n" + "\n\n".join(self.paragraphs + tail) + "\n"


def report(n: int, prog: Programme, place: Place, rng: Random, others: list[Programme]) -> Doc:
    sentences = [fill(s, place, rng) for s in prog.sentences]
    rng.shuffle(sentences)
    lead = sentences[0] + fill(rng.choice(GENERIC), place, rng)
    body = [lead, "".join(sentences[1:])]
    if rng.random() < 0.4:  # a subheading, as the site's longer reports have
        body.insert(1, f"抓党建促{prog.name}工作落地见效")
    mentions = []
    if rng.random() < PASSING_SHARE:
        other = rng.choice([o for o in others if o is not prog])
        body.append(f"同时，{place.town}还将统筹推进{other.name}等工作。")
        mentions.append(other.name)
    body.append(fill(rng.choice(GENERIC), place, rng))
    if rng.random() < 0.15:
        body.insert(0, "编者按:")
    date = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
    return Doc(
        f"{date.year}/{n:03d}.txt",
        fill(rng.choice(prog.titles), place, rng),
        date,
        prog.column,
        [p.translate(ASCII_PUNCT) for p in body],
        prog.name,
        place,
        mentions=mentions,
    )


def commentary(n: int, rng: Random) -> Doc:
    """A long opinion piece that names many programmes once each."""
    named = rng.sample(PROGRAMMES, 8)
    paras = [
        "编者按:",
        "新时代边疆党建工作，关键在于把党的政治优势和组织优势转化为发展优势。",
        "".join(f"从{p.name}到" for p in named[:4]) + "各项工作，都体现基层党组织的战斗堡垒作用。",
        "".join(f"推进{p.name}，" for p in named[4:]) + "都需要党员干部走在前、作表率。",
        "只有坚持党建引领，才能让边疆更稳固、边民更富裕。",
    ]
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
    return Doc(
        f"{date.year}/{n:03d}.txt",
        rng.choice(["以高质量党建引领边疆高质量发展", "评论：把党建优势转化为发展优势"]),
        date,
        "评论",
        [p.translate(ASCII_PUNCT) for p in paras],
        kind="commentary",
        mentions=[p.name for p in named],
    )


def notice(n: int, prog: Programme, place: Place, rng: Random) -> Doc:
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
    paras = [
        f"各乡镇党委：为深入推进{prog.name}工作，经研究，决定开展专项工作，现将有关事项通知如下。",
        f"一、时间安排：{date.year}年{date.month}月{date.day}日至{date.month}月{date.day + 3}日。",
        "二、有关要求：请各单位高度重视，按时报送材料。",
        "附件：1.报名回执.docx 2.工作方案.pdf",
        f"中共{place.county}委组织部",
    ]
    return Doc(
        f"{date.year}/{n:03d}.txt",
        f"关于开展{prog.name}工作的通知",
        date,
        "通知公告",
        [p.translate(ASCII_PUNCT) for p in paras],
        prog.name,
        place,
        kind="notice",
    )


def duplicate(n: int, doc: Doc, rng: Random) -> Doc:
    """The same report republished in another column, lightly edited."""
    date = doc.date + dt.timedelta(days=rng.randint(1, 20))
    return Doc(
        f"{date.year}/{n:03d}.txt",
        doc.title,
        date,
        "县市动态",
        doc.paragraphs[:-1] + ["(转自" + (doc.place.county if doc.place else "") + "融媒体中心)"],
        doc.programme,
        doc.place,
        kind="duplicate",
        mentions=list(doc.mentions),
    )


def to_traditional(doc: Doc) -> None:
    import opencc

    s2t = opencc.OpenCC("s2t")
    doc.title = s2t.convert(doc.title)
    doc.paragraphs = [s2t.convert(p) for p in doc.paragraphs]
    doc.traditional = True


SPECIAL = [
    # (title, column, date, paragraphs, programme, county index): facts for exact queries
    (
        "勐海县贺开村古茶园保护成效明显",
        "乡村振兴",
        "2021-10-01",
        [
            "勐海县古茶园保护面积达3.5万亩，茶农人均收入增长100%。",
            "2021-10-01起施行的古茶园保护条例，把保护责任落实到户。",
        ],
        "普洱茶产业",
        1,
    ),
    (
        "勐腊县100名党员志愿者助力春耕",
        "工作动态",
        "2022-03-20",
        ["勐腊县组织100名党员志愿者深入田间地头，帮助群众春耕备耕。"],
        "",
        2,
    ),
    (
        "景洪市一季度经济运行情况",
        "县市动态",
        "2022-04-18",
        [
            "一季度，景洪市地区生产总值完成721.4亿元(按年化计算)，三次产业结构比为26.3:50.7:23.0。",
            "全市规模以上工业增加值增长8.5%。",
        ],
        "",
        0,
    ),
    (
        "磨憨：从边陲小镇到国际口岸城市",
        "强边固防",
        "2023-02-10",
        [
            "磨憨口岸是中国通往老挝的重要陆路口岸。",
            "随着中老铁路开通，磨憨口岸的旅客和货物吞吐量大幅增长。",
        ],
        "磨憨国际口岸",
        2,
    ),
    (
        "勐腊县关累镇边境疫情防控纪实",
        "工作动态",
        "2021-04-08",
        [
            "3月31日，瑞丽市宣布封城，勐腊县关累镇第一时间启动应急响应。",
            "为什么封城?瑞丽市发生COVID-19本土疫情，封城是阻断传播的有效措施。",
            "关累镇在G219国道沿线设置卡点3个，党员干部24小时值守。",
        ],
        "疫情防控",
        2,
    ),
    (
        "景洪市基层党组织建设综述",
        "基层党建",
        "2022-07-01",
        [
            "景洪市着力加强基层党组织建设，全市基层党组织覆盖率达100%。",
            "抓实基层，让每一个党组织都成为坚强战斗堡垒。",
        ],
        "基层党组织标准化规范化建设",
        0,
    ),
    (
        "勐海县基层治理与党组织建设同频共振",
        "基层党建",
        "2023-05-12",
        ["勐海县把基层治理和党组织建设结合起来，1/4的村达到示范标准。"],
        "基层党组织标准化规范化建设",
        1,
    ),
]


def special_docs(start: int) -> list[Doc]:
    from topics import GAZETTEER

    docs = []
    for i, (title, column, date, paras, prog, county_i) in enumerate(SPECIAL):
        county = list(GAZETTEER)[county_i]
        town, villages = GAZETTEER[county][0]
        day = dt.date.fromisoformat(date)
        docs.append(
            Doc(
                f"{day.year}/{start + i:03d}.txt",
                title,
                day,
                column,
                [p.translate(ASCII_PUNCT) for p in paras],
                prog,
                Place(county, town, villages[0]),
                kind="special",
            )
        )
    return docs


def build_corpus() -> list[Doc]:
    rng = Random(SEED)
    all_places = places()
    docs: list[Doc] = []
    progs = list(PROGRAMMES)
    for prog in progs:
        chosen = rng.sample(all_places, REPORTS_PER_PROGRAMME)
        for place in chosen:
            docs.append(report(len(docs) + 1, prog, place, rng, progs))
    for _ in range(8):
        docs.append(commentary(len(docs) + 1, rng))
    for prog in rng.sample(progs, 8):
        docs.append(notice(len(docs) + 1, prog, rng.choice(all_places), rng))
    reports = [d for d in docs if d.kind == "report"]
    for original in rng.sample(reports, 10):
        docs.append(duplicate(len(docs) + 1, original, rng))
    docs.extend(special_docs(len(docs) + 1))
    for doc in rng.sample([d for d in docs if d.kind == "report"], int(len(docs) * 0.1)):
        to_traditional(doc)
    return docs


def grade(query: Query, doc: Doc) -> int:
    """How well ``doc`` answers ``query`` (see the module docstring)."""
    if query.contains:
        text = doc.title + "".join(doc.paragraphs)
        return 2 if any(c in text for c in query.contains) else 0
    in_place = query.county is None or (doc.place is not None and doc.place.county == query.county)
    if doc.programme in query.about and doc.kind != "commentary":
        if not in_place:
            return 1
        return 2 if doc.kind == "notice" else 3
    if doc.programme in query.near and in_place and query.county is not None:
        return 2
    if any(m in query.about for m in doc.mentions):
        return 1
    return 0


def main() -> int:
    docs = build_corpus()
    for old in CORPUS.rglob("*.txt"):
        old.unlink()
    for doc in docs:
        path = CORPUS / doc.id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.text(), encoding="utf-8")
    lines = ["# query id\tarticle id\tgrade (3 about it, 2 close, 1 passing; others 0)"]
    for q in QUERIES:
        judged = sorted((doc.id, grade(q, doc)) for doc in docs)
        lines += [f"{q.qid}\t{doc_id}\t{g}" for doc_id, g in judged if g]
    QRELS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(docs)} articles in {CORPUS}, {len(QUERIES)} queries judged in {QRELS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
