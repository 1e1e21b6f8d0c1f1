"""Saved pages carry their original address and their attachments' text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from indexer.ingest.formats.saved import SavedAttachment, SavedPage, unwrap_page, wrap_page
from indexer.ingest.load import load_bytes
from indexer.models import attachment_heading

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
URL = "http://www.example.gov.cn/jcdj/202111/t20211105_2222.html"
NOTICE = SavedAttachment(
    name="附件1：班章村古茶树保护办法.pdf",
    url="http://www.example.gov.cn/jcdj/202111/W020211105.pdf",
    text="第一条 为保护古茶树资源，制定本办法。\n\n第二条 本办法适用于班章村。</script>",
)


def load_one(data: bytes, relpath: str = "sites/x/page.html"):
    articles, failures = load_bytes(data, relpath)
    assert failures == []
    return articles[0]


def test_a_saved_gbk_page_keeps_its_text_and_gains_its_address_and_attachments():
    page = (FORMATS / "banzhang-gbk.html").read_bytes()
    plain = load_one(page)
    saved = load_one(wrap_page(page, URL, [NOTICE]))
    assert wrap_page(page, URL, [NOTICE]).count(page) == 1  # the page as fetched, inside
    body = [
        plain.body,
        attachment_heading(NOTICE.name),
        "第一条 为保护古茶树资源，制定本办法。",
        "第二条 本办法适用于班章村。</script>",
    ]
    assert saved == replace(
        plain,
        source_url=URL,
        body="\n".join(body),
        attachments=((NOTICE.name, NOTICE.url),),
    )


def test_unwrap_gives_back_the_page_as_fetched():
    page = "<html><body><p>正文</p></body></html>"
    fields = {"title": "标题", "column": "", "other": "x"}
    saved = wrap_page(page.encode(), "https://例子.cn/a b.html", [NOTICE], fields).decode()
    url = "https://%E4%BE%8B%E5%AD%90.cn/a%20b.html"
    assert unwrap_page(saved) == SavedPage(page, url, (NOTICE,), {"title": "标题"})
    assert unwrap_page(page) == SavedPage(page)


def test_a_utf8_page_with_a_byte_order_mark_stays_readable():
    page = "\ufeff<html><head><title>标题</title></head><body><p>正文内容</p></body></html>"
    article = load_one(wrap_page(page.encode("utf-8"), URL))
    assert (article.title, article.body, article.source_url) == ("标题", "正文内容", URL)


def test_a_browser_saved_page_and_a_canonical_link_give_the_address():
    body = "<body><h1>标题</h1><div class='TRS_Editor'><p>正文内容</p></div></body>"
    canonical = f"<html><head><link rel='canonical' href='{URL}'></head>{body}</html>"
    relative = "<html><head><link rel='canonical' href='/a.html'></head>" + body + "</html>"
    browser = f"<!-- saved from url=(0056){URL} -->\n<html>{body}</html>"
    script = "<!-- saved from url=(0019)javascript:alert(1) -->\n<html>" + body + "</html>"
    found = [load_one(p.encode()).source_url for p in (canonical, relative, browser, script)]
    assert found == [URL, "", URL, ""]


def test_a_malformed_attachments_block_is_ignored():
    page = b"<html><body><h1>T</h1><p>text</p></body></html>"
    saved = wrap_page(page, URL, [NOTICE]).replace(b'"text":', b'"txet":')
    article = load_one(saved)
    assert (article.body, article.attachments) == ("text", ())


def test_fields_picked_by_a_sites_selectors_replace_what_the_importer_finds():
    page = b"<html><body><h1>T</h1><div class=TRS_Editor><p>text</p></div></body></html>"
    fields = {"title": "真标题", "date": "2021年10月1日", "column": "工作动态", "body": "甲\n\n乙"}
    article = load_one(wrap_page(page, URL, fields=fields))
    assert (article.title, article.date, article.column, article.body) == (
        "真标题",
        "2021-10-01",
        "工作动态",
        "甲\n乙",
    )
