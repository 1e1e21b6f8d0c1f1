"""The judged queries: what a reader types, and what they want.

``about``: programmes whose reports answer the query (grade 3 in the place
it names, 1 elsewhere); ``near``: programmes that answer it partly when they
are in that place (grade 2); ``county``: the place the query names, if any;
``contains``: for number queries, the exact strings an answer must hold
(grade 2). make_corpus.py turns these into qrels.tsv.
"""

from __future__ import annotations

from dataclasses import dataclass

RURAL = frozenset(
    {"乡村振兴示范村", "村集体经济", "农村人居环境整治", "普洱茶产业", "橡胶产业", "数字乡村"}
)


@dataclass(frozen=True)
class Query:
    qid: str
    text: str
    kind: str
    about: frozenset[str] = frozenset()
    near: frozenset[str] = frozenset()
    county: str | None = None
    contains: tuple[str, ...] = ()


def q(qid: str, text: str, kind: str, about=(), near=(), county=None, contains=()) -> Query:
    return Query(qid, text, kind, frozenset(about), frozenset(near), county, tuple(contains))


QUERIES = [
    # programmes and keywords as typed into the box
    q("k01", "边疆党建长廊", "keyword", ["边疆党建长廊"]),
    q("k02", "三抓三促", "keyword", ["三抓三促"]),
    q("k03", "边境幸福村", "keyword", ["边境幸福村"]),
    q("k04", "智慧党建", "keyword", ["智慧党建"]),
    q("k05", "驻村第一书记", "keyword", ["驻村第一书记"]),
    q("k06", "党群服务中心", "keyword", ["党群服务中心"]),
    q("k07", "普洱茶", "keyword", ["普洱茶产业"]),
    q("k08", "疫情防控", "keyword", ["疫情防控"]),
    q("k09", "易地扶贫搬迁", "keyword", ["易地扶贫搬迁"]),
    q("k10", "沪滇协作", "keyword", ["沪滇协作"]),
    q("k11", "党史学习教育", "keyword", ["党史学习教育"]),
    q("k12", "人居环境整治", "keyword", ["农村人居环境整治"]),
    q("k13", "护边员", "keyword", ["护边员队伍建设"]),
    q("k14", "四级联创", "keyword", ["四级联创"]),
    q("k15", "网格化管理", "keyword", ["网格化管理"]),
    q("k16", "村集体经济", "keyword", ["村集体经济"]),
    q("k17", "清廉村居", "keyword", ["清廉村居建设"]),
    q("k18", "民族团结", "keyword", ["民族团结进步示范"]),
    q("k19", "乡村振兴示范村", "keyword", ["乡村振兴示范村"]),
    # compounds of the site dictionary, and words repeated
    q("c01", "磨憨口岸", "compound", ["磨憨国际口岸"]),
    q("c02", "基层党组织", "compound", ["基层党组织标准化规范化建设"]),
    q("c03", "基诺族", "compound", ["民族团结进步示范"]),
    q("c04", "基诺族基诺族", "repeated", ["民族团结进步示范"]),
    # unspaced input with words jieba does not know
    q("u01", "瑞丽封城", "unspaced", ["疫情防控"]),
    q("u02", "橡胶胶农", "unspaced", ["橡胶产业"]),
    q("u03", "胶农割胶", "unspaced", ["橡胶产业"]),
    q("u04", "勐海县乡村振兴", "unspaced", ["乡村振兴示范村"], RURAL, "勐海县"),
    q("u05", "景洪市党群服务中心", "unspaced", ["党群服务中心"], (), "景洪市"),
    # roles
    q("r01", "村党支部书记", "role", ["村党支部书记培训"]),
    q("r02", "网格员", "role", ["网格化管理"]),
    q("r03", "胶农", "role", ["橡胶产业"]),
    # places with a programme, and questions
    q("p01", "勐海县 乡村振兴 做法", "question", ["乡村振兴示范村"], RURAL, "勐海县"),
    q("p02", "景洪市 驻村第一书记", "place", ["驻村第一书记"], (), "景洪市"),
    q("p03", "勐腊县 边境幸福村", "place", ["边境幸福村"], (), "勐腊县"),
    q("p04", "勐海县 普洱茶", "place", ["普洱茶产业"], (), "勐海县"),
    q("p05", "为什么封城", "question", ["疫情防控"]),
    q("p06", "如何建设边境幸福村", "question", ["边境幸福村"]),
    q("p07", "勐腊县 党建 口岸", "place", ["磨憨国际口岸"], (), "勐腊县"),
    # numbers and Latin tokens, as typed and quoted
    q("n01", '"100%"', "number", contains=["100%"]),
    q("n02", "100%", "number", contains=["100%"]),
    q("n03", '"1/4"', "number", contains=["1/4"]),
    q("n04", "COVID-19", "number", contains=["COVID-19"]),
    q("n05", "G219", "number", contains=["G219"]),
    q("n06", "PM2.5", "number", contains=["PM2.5"]),
    q("n07", '"3.5"', "number", contains=["3.5"]),
    q("n08", "5G", "number", contains=["5G"]),
    q("n09", "721.4亿", "number", contains=["721.4亿"]),
    # traditional characters typed
    q("t01", "邊境幸福村", "traditional", ["边境幸福村"]),
    q("t02", "黨群服務中心", "traditional", ["党群服务中心"]),
]
