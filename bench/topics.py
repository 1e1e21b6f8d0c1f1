"""What the site writes about: its programmes and its places.

Both generators use this: ``generate.py`` (the large random corpora of the
speed benchmark and the demo) and ``relevance/make_corpus.py`` (the small
judged corpus). A real article of 西双版纳先锋 is about one programme in one
place, so each generated article picks one of each; a programme's name then
occurs in a few percent of the articles, as on the site, instead of in all.

Sentences are templates: ``{county}``, ``{town}``, ``{village}`` name the
article's place, ``{n}`` / ``{m}`` are small numbers, ``{big}`` a larger one,
``{pct}`` a percentage, ``{year}`` a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True)
class Place:
    county: str
    town: str
    village: str


# county -> [(town, [villages])]
GAZETTEER = {
    "景洪市": [
        ("嘎洒镇", ["曼景罕村", "曼迈村"]),
        ("勐罕镇", ["曼听村", "曼远村"]),
        ("基诺山基诺族乡", ["巴卡村", "巴亚村"]),
        ("勐龙镇", ["曼飞龙村", "勐宋村"]),
    ],
    "勐海县": [
        ("打洛镇", ["曼夕村", "勐景来村"]),
        ("布朗山布朗族乡", ["班章村", "曼囡村"]),
        ("勐遮镇", ["曼恩村", "曼令村"]),
        ("勐混镇", ["曼扫村", "贺开村"]),
    ],
    "勐腊县": [
        ("磨憨镇", ["磨憨村", "尚岗村"]),
        ("关累镇", ["曼岗村", "芒果树村"]),
        ("勐仑镇", ["曼仑村", "城子村"]),
        ("易武镇", ["易武村", "麻黑村"]),
    ],
}
COUNTIES = list(GAZETTEER)


def places() -> list[Place]:
    return [
        Place(county, town, village)
        for county, towns in GAZETTEER.items()
        for town, villages in towns
        for village in villages
    ]


@dataclass(frozen=True)
class Programme:
    """A programme the site reports on: its name, the column it runs in,
    title templates and sentences that say what it does."""

    name: str
    column: str
    titles: tuple[str, ...]
    sentences: tuple[str, ...]


PROGRAMMES = (
    Programme(
        "边疆党建长廊",
        "基层党建",
        ("{county}：建强边疆党建长廊 筑牢边境红色堡垒", "{town}推进边疆党建长廊建设见实效"),
        (
            "{county}把边疆党建长廊建设作为抓党建促强边固防的重要抓手，在{town}沿边村寨建成党建示范点{n}个。",
            "边疆党建长廊沿边境线串起{m}个抵边村，形成组织强、边民富、边防固的边境屏障。",
            "{village}党支部依托边疆党建长廊，组织党员开展边境巡逻{big}人次。",
        ),
    ),
    Programme(
        "三抓三促",
        "工作动态",
        ("{county}扎实推进“三抓三促”行动", "{town}以“三抓三促”行动推动工作落实"),
        (
            "{county}深入开展“三抓三促”行动，即抓学习促提升、抓执行促落实、抓效能促发展。",
            "{town}把“三抓三促”行动与年度重点工作结合，梳理问题清单{n}项，已整改{m}项。",
            "通过“三抓三促”行动，{village}干部作风明显转变，群众满意度达{pct}。",
        ),
    ),
    Programme(
        "边境幸福村",
        "强边固防",
        ("{county}{town}：边境幸福村里的新生活", "{county}加快建设现代化边境幸福村"),
        (
            "{town}{village}是{county}首批现代化边境幸福村建设试点村，全村{big}人。",
            "边境幸福村建设实施基础设施、产业发展、公共服务等{n}大工程，总投资{m}千万元。",
            "建成后的边境幸福村道路硬化率达{pct}，家家户户用上了自来水。",
        ),
    ),
    Programme(
        "乡村振兴示范村",
        "乡村振兴",
        ("{county}打造乡村振兴示范村", "{village}：乡村振兴示范村建设的做法与成效"),
        (
            "{county}按照“一村一品”的思路，在{town}{village}打造乡村振兴示范村。",
            "示范村发展特色种植{big}亩，村集体经济收入突破{m}万元。",
            "{village}的主要做法是党支部领办合作社，带动{n}户农户增收。",
        ),
    ),
    Programme(
        "智慧党建",
        "组织建设",
        ("【智慧党建】{county}党员教育管理搬上“云端”", "{county}建成智慧党建平台"),
        (
            "{county}智慧党建平台上线以来，全县{big}名党员实现线上学习、线上交纳党费。",
            "{town}党委通过智慧党建平台发布学习任务{n}期，党员参学率达{pct}。",
            "智慧党建平台把组织生活、党员积分和为民服务集中到一部手机上。",
        ),
    ),
    Programme(
        "驻村第一书记",
        "干部工作",
        ("{county}选派驻村第一书记扎根边疆", "驻村第一书记：{village}的“领头雁”"),
        (
            "{county}向边境村选派驻村第一书记{n}名、工作队员{big}名。",
            "驻村第一书记进村入户走访群众{big}户，帮助{village}理清发展思路。",
            "{town}建立驻村第一书记季度述职制度，对履职不力的及时召回调整。",
        ),
    ),
    Programme(
        "村党支部书记培训",
        "党员教育",
        ("{county}举办村党支部书记示范培训班", "{county}村党支部书记轮训全覆盖"),
        (
            "{county}举办村党支部书记示范培训班，{big}名村党支部书记参加为期{n}天的学习。",
            "培训采取专题授课、现场教学和交流研讨相结合的方式，到{town}{village}实地观摩。",
            "村党支部书记纷纷表示，要把所学用到带领群众增收致富上。",
        ),
    ),
    Programme(
        "基层党组织标准化规范化建设",
        "基层党建",
        ("{county}推进基层党组织标准化规范化建设", "{town}基层党组织达标创建全覆盖"),
        (
            "{county}对照基层党组织标准化规范化建设的{n}项标准，逐个支部开展达标创建。",
            "{town}{m}个基层党组织全部达标，其中{n}个被评为示范党支部。",
            "通过标准化规范化建设，基层党组织的组织力和政治功能进一步增强。",
        ),
    ),
    Programme(
        "党群服务中心",
        "基层党建",
        ("{town}党群服务中心成为群众“连心桥”", "{county}党群服务中心提质增效"),
        (
            "{town}党群服务中心设置便民服务、党员活动、调解等{n}个功能室，年服务群众{big}人次。",
            "{county}投入资金{m}百万元，对{n}个村级党群服务中心进行提升改造。",
            "党群服务中心推行“一站式”服务，群众办事不出村。",
        ),
    ),
    Programme(
        "橡胶产业",
        "乡村振兴",
        ("{county}党建引领橡胶产业提质增效", "{town}胶农割胶技术培训进村寨"),
        (
            "{county}橡胶种植面积{big}亩，是{n}万胶农增收的主要来源。",
            "{town}党委组织技术员为胶农开展割胶技术培训{n}场，培训胶农{big}人次。",
            "受胶价下跌影响，{village}引导胶农发展林下种植，亩均增收{m}百元。",
        ),
    ),
    Programme(
        "普洱茶产业",
        "乡村振兴",
        ("{county}：一片叶子富了一方百姓", "{village}古茶山里的党建故事"),
        (
            "{county}有古茶园{big}亩，{village}的普洱茶远销海内外。",
            "{town}党委推行“党支部+合作社+茶农”模式，带动茶农{n}百户增收。",
            "{year}年，{village}茶叶收入达{m}千万元，户均增收{pct}。",
        ),
    ),
    Programme(
        "磨憨国际口岸",
        "强边固防",
        ("磨憨国际口岸党建联盟助力口岸通关", "磨憨国际口岸联检单位党组织联建共建"),
        (
            "磨憨国际口岸是中老铁路和昆曼国际大通道上的重要口岸，年出入境人员{big}人次。",
            "口岸联检单位成立党建联盟，{n}个党组织一起建、口岸事项一起议。",
            "磨憨国际口岸货运通关时间压缩至{m}小时以内。",
        ),
    ),
    Programme(
        "疫情防控",
        "工作动态",
        ("{county}党员干部坚守抗疫一线", "{town}筑牢边境疫情防控防线"),
        (
            "面对COVID-19疫情，{county}组织党员突击队{n}支、党员{big}名下沉边境卡点。",
            "邻近的瑞丽市封城后，{town}严格落实边境管控措施，守住了“外防输入”的防线。",
            "{village}设立疫情防控卡点{n}个，党员干部24小时轮班值守。",
        ),
    ),
    Programme(
        "民族团结进步示范",
        "工作动态",
        ("{county}创建民族团结进步示范村", "基诺山寨的民族团结之花"),
        (
            "{county}有基诺族、傣族、哈尼族等{n}个世居民族，各民族像石榴籽一样紧紧抱在一起。",
            "{town}{village}是基诺族聚居村，通过民族团结进步示范创建，村容村貌焕然一新。",
            "基诺族群众自编自演的民族团结节目在全县巡演{m}场。",
        ),
    ),
    Programme(
        "易地扶贫搬迁",
        "乡村振兴",
        ("{county}易地扶贫搬迁群众稳得住能致富", "{town}搬迁新村里的新生活"),
        (
            "{county}建成易地扶贫搬迁安置点{n}个，搬迁群众{big}人。",
            "安置点成立党支部，落实就业帮扶，搬迁家庭{pct}实现一户一人以上就业。",
            "{village}搬迁户在家门口的扶贫车间务工，月收入{m}千元。",
        ),
    ),
    Programme(
        "沪滇协作",
        "县市动态",
        ("沪滇协作助力{county}产业发展", "{county}沪滇协作项目落地见效"),
        (
            "{year}年，上海市投入{county}沪滇协作资金{m}千万元，实施项目{n}个。",
            "沪滇协作消费帮扶馆销售{county}农特产品{big}万元。",
            "{town}通过沪滇协作引进企业{n}家，吸纳当地群众就业{big}人。",
        ),
    ),
    Programme(
        "党史学习教育",
        "党员教育",
        ("{county}党史学习教育走深走实", "{town}党史学习教育进村寨"),
        (
            "{county}党史学习教育开展专题宣讲{big}场，覆盖党员群众{big}人次。",
            "{town}组建双语宣讲队，用傣语、哈尼语讲党史，走进{n}个村寨。",
            "党史学习教育中，{county}为群众办实事{big}件。",
        ),
    ),
    Programme(
        "农村人居环境整治",
        "乡村振兴",
        ("{county}农村人居环境整治提升见成效", "{village}：村容村貌大变样"),
        (
            "{county}开展农村人居环境整治，拆除违建{big}平方米，新建公厕{n}座。",
            "{village}党员带头清理房前屋后，垃圾收集处理率达{pct}。",
            "{town}把农村人居环境整治纳入村规民约，每月评比“最美庭院”。",
        ),
    ),
    Programme(
        "护边员队伍建设",
        "强边固防",
        ("{county}护边员队伍守好边境线", "{town}护边员：边境线上的“活界碑”"),
        (
            "{county}有护边员{big}名，负责{m}公里边境线的日常巡护。",
            "{town}护边员队伍中党员占{pct}，编成巡边小组{n}个。",
            "护边员每月巡边{n}次，发现问题及时报告边防派出所。",
        ),
    ),
    Programme(
        "四级联创",
        "基层党建",
        ("{county}扎实开展“四级联创”", "{town}“四级联创”创出新气象"),
        (
            "{county}开展县乡村组“四级联创”，创建先锋模范村{n}个、战斗堡垒村{m}个。",
            "“四级联创”以党支部为核心，{village}获评州级“四级联创”示范村。",
            "{town}通过“四级联创”评星定级，带动后进村转化{n}个。",
        ),
    ),
    Programme(
        "网格化管理",
        "工作动态",
        ("{county}网格化管理让基层治理更精细", "{town}“党建+网格”解群众难题"),
        (
            "{county}划分网格{big}个，配备网格员{big}名，实现网格化管理全覆盖。",
            "{town}推行“党建+网格”模式，网格员月均走访群众{n}百户。",
            "通过网格化管理，{village}矛盾纠纷化解率达{pct}。",
        ),
    ),
    Programme(
        "数字乡村",
        "乡村振兴",
        ("{county}数字乡村建设提速 5G信号覆盖边境村", "{town}：G219国道边的数字村寨"),
        (
            "{county}建成5G基站{n}百个，{pct}的行政村通了5G。",
            "{town}沿G219国道的{n}个村寨开通直播带货，网络销售额{m}百万元。",
            "{village}的空气质量常年优良，PM2.5年均浓度{n}微克每立方米。",
        ),
    ),
    Programme(
        "村集体经济",
        "乡村振兴",
        ("{county}发展壮大村级集体经济", "{village}村集体经济“破零”之路"),
        (
            "{county}村级集体经济收入全部超过{n}万元，{m}个村超过50万元。",
            "{village}党支部领办合作社，村集体经济收入从零增至{m}万元。",
            "{town}实施扶持壮大村级集体经济项目{n}个，项目收益的1/4用于公益事业。",
        ),
    ),
    Programme(
        "清廉村居建设",
        "党风廉政",
        ("{county}推进清廉村居建设", "{town}清廉村居建设让村务更透明"),
        (
            "{county}开展清廉村居建设，公开村级财务{big}项。",
            "{town}纪委监督村级小微权力清单{n}项，查处群众身边腐败问题{m}件。",
            "清廉村居建设中，{village}每月召开村务监督委员会会议。",
        ),
    ),
)

# Sentences any report may carry: meetings, requirements, next steps.
GENERIC = (
    "会议强调，要坚持以习近平新时代中国特色社会主义思想为指导，把各项任务落到实处。",
    "下一步，{county}将继续总结经验，推动工作常态化长效化。",
    "{county}委组织部有关负责同志参加活动。",
    "与会人员结合工作实际进行了交流发言。",
    "各级党组织要切实担负起主体责任，层层压实工作责任。",
    "群众纷纷表示，党的好政策让日子越过越红火。",
    "{year}年以来，{county}共召开专题会议{n}次，研究解决问题{m}个。",
)


def fill(template: str, place: Place, rng: Random) -> str:
    """``template`` with the place's names and fresh numbers."""
    return template.format(
        county=place.county,
        town=place.town,
        village=place.village,
        n=rng.randint(2, 12),
        m=rng.randint(3, 60),
        big=rng.randint(120, 9800),
        pct=f"{rng.randint(60, 99)}%",
        year=rng.randint(2018, 2024),
    )
