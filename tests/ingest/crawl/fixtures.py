"""The fixture site with its articles, and a crawl of it at full speed
(pytest fixtures, loaded by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.ingest.crawl import Site, crawl
from tests.ingest.crawl.pdf import make_pdf
from tests.ingest.crawl.site import (
    FixtureSite,
    Post,
    Reply,
    article_html,
    docx_bytes,
    home_html,
    list_html,
)

G1 = Post(
    "gzdt",
    100001,
    "2021-10-01",
    "勐海县：筑牢党建根基推动三抓三促",
    (
        "勐海县坚持把“三抓三促”行动作为抓党建促发展的重要抓手，全县各级党组织迅速行动。",
        "全县建成党群服务中心86个。",
    ),
)
G2 = Post(
    "gzdt",
    100002,
    "2021-10-08",
    "景洪市嘎洒镇开展边境党建示范带建设",
    (
        "嘎洒镇围绕边境党建示范带建设，组织党员开展边境巡逻和政策宣讲。",
        "示范带沿线新建党员活动室5个。",
    ),
)
G3 = Post(
    "gzdt",
    100003,
    "2021-10-15",
    "勐腊县关累镇党员护边队巡逻纪实",
    ("关累镇党员护边队常年坚守在边境一线，守护着国门安全与群众平安。", "今年以来累计巡逻300余次。"),
)
G4 = Post(
    "gzdt",
    100004,
    "2021-10-22",
    "西双版纳州召开基层党建工作推进会",
    (
        "会议总结了今年以来全州基层党建工作，安排部署下一阶段重点任务。",
        "各县市委组织部负责同志参加会议。",
    ),
)
G5 = Post(
    "gzdt",
    100005,
    "2021-10-29",
    "打洛镇：党建引领强边固防",
    (
        "打洛镇以党建引领强边固防，把党组织建在边境一线，推动边境小镇焕发新活力。",
        "全镇组建护边队12支。",
    ),
)
G6 = Post(
    "gzdt",
    100006,
    "2021-11-10",
    "勐遮镇：党员带头发展高原特色农业",
    ("勐遮镇党委组织党员带头发展高原特色农业，带动群众增收致富。", "全镇建成示范基地3个。"),
)
NOINDEX = Post(
    "gzdt",
    100098,
    "2021-10-30",
    "内部征求意见稿请勿收录",
    ("本页面仅供内部征求意见使用，带有noindex标记，不应被保存为文章。",),
)
NOFOLLOW = Post(
    "gzdt",
    100099,
    "2021-10-31",
    "仅由nofollow链接指向的文章",
    ("这篇文章只有一个带有rel=nofollow的链接指向它，爬虫不应该抓取。",),
)
SITEMAP_ONLY = Post(
    "gzdt",
    100009,
    "2021-09-20",
    "勐仑镇开展主题党日活动",
    ("勐仑镇各党支部开展主题党日活动，组织党员学习党的创新理论。", "活动覆盖党员400余名。"),
)
J1 = Post(
    "jcdj",
    200001,
    "2021-11-02",
    "勐混镇班章村：党支部加合作社让古茶树成为致富树",
    (
        "班章村党支部领办茶叶专业合作社，带领村民保护古茶树、发展茶产业。",
        "合作社社员人均增收2万元。",
    ),
)
T1 = Post(
    "tzgg",
    300001,
    "2021-11-05",
    "关于印发边境党建示范带建设方案的通知",
    ("各县（市）委组织部：现将《边境党建示范带建设方案》印发给你们，请结合实际认真贯彻落实。",),
    (
        ("附件1：示范带建设方案.docx", "W020211105_1.docx"),
        ("附件2：橡胶林管护办法.pdf", "W020211105_2.pdf"),
        ("附件3：旧版申报表.doc", "W020211105_3.doc"),
    ),
)
INTERNAL = Post(
    "gzdt", 900001, "2021-10-01", "内部资料不公开", ("此文在robots.txt禁止的目录中，不应被抓取。",)
)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_TEXT = ["一、总体目标", "建成沿边境线的党建示范带，覆盖全部边境村寨。"]
PDF_TEXT = ["第一条 为加强橡胶林管护，制定本办法。", "第二条 本办法适用于示范带沿线村寨。"]
RSS_ONLY = Post(
    "jcdj",
    200009,
    "2021-11-15",
    "曼听社区开展党员志愿服务",
    (
        "曼听社区党委组织党员志愿者走进小区，为居民提供政策咨询和便民服务。",
        "参加志愿服务的党员有60余名。",
    ),
)
ARTICLES = [G1, G2, G3, G4, G5, SITEMAP_ONLY, RSS_ONLY, J1, T1]  # what a first crawl saves


def build(site: FixtureSite, gzdt: list[Post]) -> None:
    """Serve the site with ``gzdt`` (newest first) as the 工作动态 column."""
    site.pages.clear()
    site.pages["/robots.txt"] = Reply(
        body=f"User-agent: *\nDisallow: /internal/\nSitemap: {site.base}/sitemap.xml\n".encode(),
        headers={"Content-Type": "text/plain"},
    )
    locs = "".join(f"<url><loc>{site.base}{p.path}</loc></url>" for p in [SITEMAP_ONLY, G1])
    site.pages["/sitemap.xml"] = Reply(
        body=f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode(),
        headers={"Content-Type": "application/xml"},
    )
    site.html("/index.html", home_html([G1]))
    items = f"<item><title>{RSS_ONLY.title}</title><link>{site.base}{RSS_ONLY.path}</link></item>"
    site.pages["/rss.xml"] = Reply(
        body=f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode(),
        headers={"Content-Type": "application/rss+xml"},
    )
    site.html("/gzdt/index.html", list_html("gzdt", gzdt[:3], "/gzdt/index_1.html"))
    site.html("/gzdt/index_1.html", list_html("gzdt", [*gzdt[3:], NOINDEX]))
    site.html("/jcdj/index.html", list_html("jcdj", [J1], charset="gbk"), charset="gbk")
    site.html("/tzgg/index.html", list_html("tzgg", [T1]))
    site.html("/internal/index.html", list_html("gzdt", [INTERNAL]))
    for post in [*gzdt, SITEMAP_ONLY, RSS_ONLY, T1, NOFOLLOW, INTERNAL]:
        site.html(post.path, article_html(post))
    site.html(J1.path, article_html(J1, charset="gbk"), charset="gbk")
    noindex = article_html(NOINDEX).replace(
        "<head>", '<head><meta name="robots" content="noindex">'
    )
    site.html(NOINDEX.path, noindex)
    site.html(
        G5.path,
        article_html(G5).replace(
            "</p></div>",
            f'</p><a href="{NOFOLLOW.path}" rel="nofollow">{NOFOLLOW.title}</a></div>',
            1,
        ),
    )
    site.pages["/old-link.html"] = Reply(301, b"", {"Location": G1.path})
    site.pages["/tzgg/files/W020211105_1.docx"] = Reply(
        body=docx_bytes(tuple(DOCX_TEXT)),
        headers={"Content-Type": DOCX_TYPE},
    )
    site.pages["/tzgg/files/W020211105_2.pdf"] = Reply(
        body=make_pdf(PDF_TEXT), headers={"Content-Type": "application/pdf"}
    )
    site.pages["/tzgg/files/W020211105_3.doc"] = Reply(
        body=b"\xd0\xcf\x11\xe0 old word", headers={"Content-Type": "application/msword"}
    )


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    server = FixtureSite().start()
    build(server, [G5, G4, G3, G2, G1])
    yield server
    server.stop()


def fixture_site(site: FixtureSite, **settings) -> Site:
    """The crawl settings for the fixture site: no delay, small caps."""
    return Site("fixture", (site.base + "/",), delay=0, backoff=0, max_per_pattern=3, **settings)


@pytest.fixture
def run_crawl(site, tmp_path):
    """Crawl the fixture site into tmp_path/corpus; the waits asked for are recorded."""
    waits: list[float] = []

    def run(corpus: Path | None = None, **settings):
        return crawl(
            [fixture_site(site, **settings)], corpus or tmp_path / "corpus", sleep=waits.append
        )

    run.waits = waits
    return run
