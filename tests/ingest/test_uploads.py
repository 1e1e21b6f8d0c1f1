"""Saving uploaded and pasted articles into <corpus>/uploads/ (indexer/uploads.py)."""

import os

import pytest

from indexer.errors import UploadError
from indexer.ingest.formats.scraped import parse_text
from indexer.ingest.load import load_file
from indexer.ingest.uploads import pasted_name, safe_name, save_pasted, save_upload, scraped_text
from indexer.models import Article


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("勐海县新闻.txt", "勐海县新闻.txt"),
        ("勐海 县  新闻.TXT", "勐海 县 新闻.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\x.txt", "x.txt"),
        ("/abs/path.txt", "path.txt"),
        ("C:\\Users\\me\\文章.html", "文章.html"),
        ("%2e%2e%2fx.txt", "%2e%2e%2fx.txt"),  # literal characters: no separator in it
        ("a\x00b.txt", "ab.txt"),
        ("a\u202etxt.exe.txt", "atxt.exe.txt"),  # a bidi override would disguise the suffix
        (".hidden.txt", "hidden.txt"),
        ("...x.jsonl", "x.jsonl"),
        ("a..b.htm", "a.b.htm"),
        ("x.txt. ", "x.txt"),
        ('a<b>:c"d|e?f*.txt', "a_b__c_d_e_f_.txt"),
        ("README.txt", "_README.txt"),  # the indexer skips README* files
    ],
)
def test_safe_name(given, stored):
    assert safe_name(given) == stored


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("x.pdf", "不支持的文件类型 .pdf，只接受 .txt .html .htm .jsonl"),
        ("notes", "不支持的文件类型 （无扩展名），只接受 .txt .html .htm .jsonl"),
        (".txt", "不支持的文件类型 （无扩展名），只接受 .txt .html .htm .jsonl"),
        ("../..", "文件名为空或无效"),
        ("\x00\x01", "文件名为空或无效"),
    ],
)
def test_safe_name_refuses(given, reason):
    with pytest.raises(UploadError) as e:
        safe_name(given)
    assert (e.value.name, e.value.reason) == (given, reason)


def test_long_names_are_cut_to_whole_characters():
    name = safe_name("党" * 100 + ".txt")
    assert name == "党" * 65 + ".txt"  # 195 bytes of UTF-8 + suffix <= 200


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_save_upload_never_overwrites(tmp_path):
    corpus = tmp_path / "corpus"
    ids = [save_upload(corpus, "a.txt", f"第{n}篇".encode()) for n in range(3)]
    assert ids == ["uploads/a.txt", "uploads/a-1.txt", "uploads/a-2.txt"]
    assert [(corpus / i).read_text(encoding="utf-8") for i in ids] == ["第0篇", "第1篇", "第2篇"]
    assert tree(tmp_path) == [
        "corpus",
        "corpus/uploads",
        "corpus/uploads/a-1.txt",
        "corpus/uploads/a-2.txt",
        "corpus/uploads/a.txt",
    ]  # no temp files left behind


def test_save_upload_stays_inside_uploads(tmp_path):
    corpus = tmp_path / "site" / "corpus"
    for name in ("../../etc/passwd.txt", "..\\..\\x.txt", "/abs/path.txt", "uploads/../../y.txt"):
        save_upload(corpus, name, b"text")
    assert tree(tmp_path) == [
        "site",
        "site/corpus",
        "site/corpus/uploads",
        "site/corpus/uploads/passwd.txt",
        "site/corpus/uploads/path.txt",
        "site/corpus/uploads/x.txt",
        "site/corpus/uploads/y.txt",
    ]


@pytest.mark.parametrize("data", [b"", b" \n\r\n\t"])
def test_save_upload_refuses_empty_files(tmp_path, data):
    with pytest.raises(UploadError, match="空文件"):
        save_upload(tmp_path, "a.txt", data)
    assert not (tmp_path / "uploads" / "a.txt").exists()


def test_save_upload_refuses_an_uploads_link_leading_out(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    os.symlink(outside, corpus / "uploads")
    with pytest.raises(UploadError, match="指向语料目录之外"):
        save_upload(corpus, "a.txt", b"text")
    assert list(outside.iterdir()) == []


TITLE = "勐腊县：边疆党建长廊示范带建设取得新进展"
BODY = "  第一段，勐腊县推进示范带建设。\n\n\n第二段：\u3000群众满意。\n第三段。  "


def test_scraped_text_has_the_sites_layout():
    assert scraped_text(TITLE, BODY, "工作动态", "2024年3月5日") == (
        "今天是:\n"
        "工作动态\n"
        "\n"
        f"{TITLE}\n"
        "\n"
        "来源 :西双版纳先锋 访问次数 : 发布时间 :2024-03-05\n"
        "\n"
        "第一段，勐腊县推进示范带建设。\n"
        "\n"
        "第二段：\u3000群众满意。\n"
        "\n"
        "第三段。\n"
        "\n"
        "来源:西双版纳先锋\n"
    )


@pytest.mark.parametrize("date", ["2024-03-05", ""])
def test_scraped_text_reads_back_as_the_article(date):
    article = parse_text(scraped_text(TITLE, BODY, "组工要闻", date), "uploads/x.txt")
    assert article == Article(
        id="uploads/x.txt",
        title=TITLE,
        body="第一段，勐腊县推进示范带建设。\n第二段：\u3000群众满意。\n第三段。",
        date=date or None,
        column="组工要闻",
        source="西双版纳先锋",
        file="uploads/x.txt",
    )


@pytest.mark.parametrize(
    ("title", "body", "column", "date", "reason"),
    [
        ("", BODY, "工作动态", "", "标题不能为空"),
        ("  \n ", BODY, "工作动态", "", "标题不能为空"),
        (TITLE, " \n ", "工作动态", "", "正文不能为空"),
        (TITLE, BODY, "", "", "栏目不能为空"),
        (TITLE, BODY, "工作动态", "2024-02-30", "日期无效：2024-02-30"),
    ],
)
def test_scraped_text_refuses(title, body, column, date, reason):
    with pytest.raises(UploadError) as e:
        scraped_text(title, body, column, date)
    assert e.value.reason == reason


def test_pasted_name_keeps_chinese_and_drops_separators():
    assert pasted_name("勐海县/打洛镇：新闻", "2024/3/5") == "2024-03-05-勐海县_打洛镇：新闻.txt"
    assert pasted_name("勐海县新闻") == "勐海县新闻.txt"


def test_save_pasted_writes_an_indexable_file(tmp_path):
    article_id = save_pasted(tmp_path, TITLE, BODY, "工作动态", "2024-03-05")
    assert article_id == f"uploads/2024-03-05-{TITLE}.txt"
    [article], failures = load_file(tmp_path / article_id, tmp_path)
    assert failures == []
    assert (article.id, article.title, article.date) == (article_id, TITLE, "2024-03-05")
