"""Saved HTML pages and JSON Lines exports, through the same load_file the indexer calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.errors import ArticleError
from indexer.ingest.formats.html import decode_html, parse_html
from indexer.ingest.formats.jsonl import parse_jsonl
from indexer.ingest.load import load_file
from indexer.models import Article, FileFailure

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

DALUO = Article(
    id="daluo-dangjian.html",
    title="勐海县打洛镇：党建引领边境小镇焕发新活力",
    body="\n".join(
        [
            "今年以来，勐海县打洛镇坚持以党建引领边境治理，围绕“抓党建促强边固防、促乡村振兴、"
            "促基层治理”目标，把党组织建在边境一线，把党员作用发挥在群众身边，推动边境小镇焕发新活力。",
            "一、建强边境一线战斗堡垒",
            # The source breaks this <p> over two lines; between Chinese characters
            # that line break is no space at all.
            "打洛镇与缅甸接壤，边境线长35.5公里。镇党委在8个边境村委会全面推行“党支部+护边队”模式，"
            "组建党员护边队12支，开展边境巡逻1200余次，做到人员到岗、责任到人。",
            "打洛镇党员护边队开展边境巡逻",
            "二、推动特色产业提质增效",
            "（一）党员带头，示范引领。",
            "（二）组织推动，整村提升。",
            "依托国家级口岸优势，打洛镇发展茶叶、橡胶、热带水果等特色产业，"
            "2021年全镇农村常住居民人均可支配收入达16850元，同比增长10.2%。",
            "下一步，打洛镇将持续深化“三抓三促”，以高质量党建引领边境地区高质量发展，"
            "努力建设民族团结进步、边疆繁荣稳定的示范镇。",
        ]
    ),
    date="2022-03-15",
    column="工作动态",
    source="勐海县委组织部",
    source_url="https://www.xsbnxf.gov.cn/gzdt/202203/t20220315_12345.html",
    file="daluo-dangjian.html",
)

BANZHANG = Article(
    id="banzhang-gbk.html",
    title="勐海县勐混镇班章村：“党支部+合作社”让古茶树成为致富树",
    body="\n".join(
        [
            "班章村位于勐海县勐混镇东南部，是全国闻名的普洱茶产地。近年来，班章村党总支坚持"
            "“党支部+合作社+农户”发展模式，带领群众保护古茶园、发展茶产业，走出了一条生态美、"
            "产业兴、百姓富的发展路子。",
            "一是强化组织引领。村党总支把党小组建在茶叶合作社上，推行党员联系农户制度，"
            "每名党员联系5至10户茶农，帮助解决采摘、加工、销售中的难题。",
            "二是规范古茶园管护。制定《班章村古茶树保护公约》，严禁在古茶园内使用化肥农药，"
            "组织党员示范户开展生态管护，全村古茶园面积稳定在4800余亩。",
            "三是拓宽增收渠道。合作社统一品牌、统一标准、统一销售，2020年全村茶叶收入达1.2亿元，"
            "户均收入超过30万元，班章村成为远近闻名的“致富村”。",
        ]
    ),
    date="2021-11-05",
    column="基层党建",
    source="勐海县勐混镇党委",
    file="banzhang-gbk.html",
)

# Site chrome in the fixtures that must never reach an article body.
CHROME = [
    "首页",
    "组工要闻",
    "请输入关键词",
    "当前位置",
    "您现在的位置",
    "访问次数",
    "点击数",
    "字体",
    "分享到",
    "打印",
    "关闭",
    "相关文章",
    "版权所有",
    "ICP备",
    "公网安备",
    "document.write",
    "_hmt",
    "setFont",
    "float: left",
    "来源：",
]


def test_fixture_pages_do_carry_the_chrome():
    """Otherwise the absence checks below would prove nothing."""
    pages = (FORMATS / DALUO.file).read_text(encoding="utf-8")
    pages += (FORMATS / BANZHANG.file).read_bytes().decode("gbk")

    assert [chrome for chrome in CHROME if chrome not in pages] == []


@pytest.mark.parametrize("expected", [DALUO, BANZHANG], ids=["utf8", "gbk"])
def test_saved_page_gives_the_article(expected):
    articles, failures = load_file(FORMATS / expected.file, FORMATS)

    assert (articles, failures) == ([expected], [])
    for chrome in CHROME:
        assert chrome not in articles[0].body


def test_gbk_page_is_decoded_by_its_declared_charset():
    data = (FORMATS / "banzhang-gbk.html").read_bytes()

    assert b'<meta charset="gbk" />' in data
    assert parse_html(data, "banzhang-gbk.html") == BANZHANG


@pytest.mark.parametrize(
    "head, encoding, title, text",
    [
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
            "big5",
            "西雙版納黨建工作",
            "會議強調邊境黨建。",
        ),
        ('<meta charset="BIG5">', "big5", "西雙版納黨建工作", "會議強調邊境黨建。"),
        (
            "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=GBK'>",
            "gbk",
            "勐腊县党建",
            "勐腊县推进边境党建。",
        ),
        ('<meta charset="gb2312">', "gbk", "勐腊县党建", "勐腊县推进边境党建。"),
        ("", "gbk", "勐腊县党建", "勐腊县推进边境党建。"),  # undeclared: GB18030 after UTF-8
    ],
)
def test_page_charset_declarations(head, encoding, title, text):
    page = f"<html><head>{head}<title>{title}</title></head><body>"
    page += f"<div id='zoom'><p>{text}</p></div></body></html>"

    article = parse_html(page.encode(encoding), "a.html")

    assert (article.title, article.body) == (title, text)


def test_utf8_page_mislabelled_gbk_is_still_read():
    # Runs of an even number of Chinese characters in UTF-8 are also valid GB18030.
    page = '<meta charset="gbk"><title>景洪党建</title><div class="content">嘎洒镇党员中心户</div>'

    assert decode_html(page.encode("utf-8")) == page


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_page_with_byte_order_mark(encoding):
    page = '<meta charset="gbk"><title>景洪党建</title><div class="content">嘎洒镇党员中心户</div>'

    assert decode_html(page.encode(encoding)) == page


def test_chrome_inside_the_content_block_is_dropped():
    page = """<html><head><title>勐海县：党员先锋岗 - 西双版纳先锋</title></head><body>
      <div class="content">
        <ul class="main-nav"><li>首页</li><li>工作动态</li></ul>
        <p>勐海县设立党员先锋岗86个。</p>
        <form><input name="q"><button>搜索</button></form>
        <p>党员亮身份、作表率。</p>
        <div class="bdsharebuttonbox">分享到：微信 微博</div>
        <div class="print">【打印本页】【关闭窗口】</div>
        <footer>版权所有：中共西双版纳州委组织部</footer>
      </div></body></html>"""

    article = parse_html(page, "c.html")

    assert (article.title, article.body) == (
        "勐海县：党员先锋岗",
        "勐海县设立党员先锋岗86个。\n党员亮身份、作表率。",
    )


def test_html5_article_with_its_own_header():
    page = """<!doctype html><html><head><meta charset="utf-8">
      <title>边境党建新气象 | 景洪市人民政府</title></head><body>
      <header><a href="/">景洪市人民政府</a><nav><a>首页</a><a>政务公开</a></nav></header>
      <main><article>
        <header><h1>景洪市：边境党建新气象</h1>
          <p class="meta">发布日期：2022-05-06　来源：景洪市委组织部</p></header>
        <p>景洪市推进
          边境党建。</p>
        <p>（责任编辑：岩温）</p>
      </article><aside>热点新闻</aside></main>
      <footer>版权所有 © 景洪市人民政府</footer></body></html>"""

    assert parse_html(page, "d.html") == Article(
        id="d.html",
        title="景洪市：边境党建新气象",
        body="景洪市推进边境党建。\n（责任编辑：岩温）",
        date="2022-05-06",
        source="景洪市委组织部",
        file="d.html",
    )


def test_page_column_from_meta_and_title_from_title_tag():
    page = """<html><head><meta charset="utf-8">
      <meta name="ColumnName" content="组工要闻">
      <meta name="PubDate" content="2021-12-03 08:00">
      <title>州委组织部召开专题会议_西双版纳先锋</title></head>
      <body><div class="header"><h1>党建引领 边疆先锋</h1></div>
      <div class="wrap"><p>会议强调，要扎实推进基层党建。</p><p>会议要求，各级党组织抓好落实。</p>
      </div></body></html>"""

    article = parse_html(page, "b.html")

    assert article == Article(
        id="b.html",
        title="州委组织部召开专题会议",
        body="会议强调，要扎实推进基层党建。\n会议要求，各级党组织抓好落实。",
        date="2021-12-03",
        column="组工要闻",
        file="b.html",
    )


@pytest.mark.parametrize(
    "page, reason",
    [
        (
            "<html><head></head><body><div><p>只有正文没有标题。</p></div></body></html>",
            "no title found",
        ),
        (
            "<html><head><title>勐海县新闻</title></head><body></body></html>",
            "no article text found",
        ),
    ],
)
def test_page_without_title_or_text_is_reported(tmp_path, page, reason):
    path = tmp_path / "x.htm"
    path.write_text(page, encoding="utf-8")

    with pytest.raises(ArticleError) as excinfo:
        load_file(path, tmp_path)

    assert (excinfo.value.path, excinfo.value.reason) == ("x.htm", reason)


def test_jsonl_loads_good_lines_and_reports_the_bad_one():
    articles, failures = load_file(FORMATS / "articles.jsonl", FORMATS)

    assert [a.id for a in articles] == [
        "articles.jsonl#xsbn-2021-0412",
        "articles.jsonl#2",
        "articles.jsonl#4",
        "articles.jsonl#xsbn-2022-0007",
    ]
    assert failures == [
        FileFailure(
            path="articles.jsonl#3",
            reason="invalid JSON: Unterminated string starting at (column 40)",
        )
    ]
    assert articles[0] == Article(
        id="articles.jsonl#xsbn-2021-0412",
        title="景洪市：党建引领“美丽边境村”建设",
        body="今年以来，景洪市把党建引领“美丽边境村”建设作为抓党建促乡村振兴的重要抓手。\n"
        "全市11个边境村全部建成党群服务中心，村容村貌明显改善。",
        date="2021-10-08",
        column="组工要闻",
        source="西双版纳先锋",
        source_url="https://www.xsbnxf.gov.cn/zgyw/202110/t20211008_10412.html",
        file="articles.jsonl",
    )
    assert [(a.date, a.column, a.source, len(a.paragraphs)) for a in articles[1:]] == [
        ("2021-11-02", "基层党建", "勐腊县委组织部", 3),
        ("2021-12-01", "干部工作", "", 2),
        ("2022-01-15", "工作动态", "景洪市委组织部", 2),
    ]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("[1, 2]", "not a JSON object but list"),
        ('{"body": "正文"}', 'missing or empty "title"'),
        ('{"title": "  ", "body": "正文"}', 'missing or empty "title"'),
        ('{"title": "标题"}', '"body" must be a string or a list of strings'),
        ('{"title": "标题", "body": ["段落", 3]}', '"body" must be a string or a list of strings'),
        ('{"title": "标题", "body": "\\u00a0\\n "}', 'missing or empty "body"'),
        ('{"id": "a1", "title": "标题", "body": "正文"}', "duplicate id (first on line 1)"),
    ],
)
def test_jsonl_bad_record_reasons(line, reason):
    good = json.dumps({"id": "a1", "title": "勐海县", "body": "正文", "date": "昨天"})

    articles, failures = parse_jsonl(f"{good}\n\n{line}\n", "x.jsonl")

    assert [(a.id, a.date) for a in articles] == [("x.jsonl#a1", None)]
    assert failures == [FileFailure(path="x.jsonl#3", reason=reason)]


def test_jsonl_with_no_good_line_is_unusable(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text('[{"title": "勐海县", "body": "正文"}]\n{"title": ""}\n', encoding="utf-8")

    with pytest.raises(ArticleError) as excinfo:
        load_file(path, tmp_path)

    assert excinfo.value.reason == "no valid records (line 1: not a JSON object but list)"
