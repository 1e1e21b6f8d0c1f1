"""A pasted article reads back as exactly what was entered, whatever its
title or column says (the attack run found titles such as 来源：… indexed
with the wrong title and date, or not at all)."""

from __future__ import annotations

import pytest

from indexer.errors import UploadError
from indexer.ingest.load import load_file
from indexer.ingest.uploads import save_pasted, save_upload

HOSTILE = [
    ("来源：新华社 边疆党建长廊建设", "工作动态"),
    ("日期：2020-01-01 全州组织工作会议召开", "工作动态"),
    ("发布时间：2021-10-01", "组工要闻"),
    ("今天是:星期一", "工作动态"),
    ("工作动态", "县市动态"),  # a title that looks like a column
    ("编辑：张三 访问次数：100", "工作动态"),
    ("勐海县：筑牢党建根基", "来源：西双版纳先锋"),  # a column that looks like the meta line
    ("  多个   空格  ", "工作动态"),
    ("来源:西双版纳先锋", "工作动态"),  # the trailing source line itself
]


@pytest.mark.parametrize(("title", "column"), HOSTILE)
def test_pasted_articles_read_back_exactly(tmp_path, title, column):
    body = "来源：新华社\n\n第一段。\n第二段 \n来源:西双版纳先锋"
    saved = save_pasted(tmp_path, title, body, column, "2021年10月1日")
    (article,), failures = load_file(tmp_path / saved.split("#")[0], tmp_path)
    shown = " ".join(title.split())
    expected = (shown, column, "2021-10-01", "来源：新华社\n第一段。\n第二段\n来源:西双版纳先锋")
    assert (article.title, article.column, article.date, article.body) == expected
    assert (article.source, failures) == ("西双版纳先锋", [])


def test_an_ordinary_paste_stays_a_scraped_text_file(tmp_path):
    saved = save_pasted(tmp_path, "勐海县：筑牢党建根基", "正文。", "工作动态", "2021-10-01")
    assert saved == "uploads/2021-10-01-勐海县：筑牢党建根基.txt"


def test_a_title_the_text_layout_cannot_hold_is_saved_as_json_lines(tmp_path):
    saved = save_pasted(tmp_path, "来源：新华社", "正文。", "工作动态", "2021-10-01")
    assert saved == "uploads/2021-10-01-来源：新华社.jsonl"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, "binary file (not text)"),
        ("b.jsonl", "\ufeff".encode() + b"\x00" * 64, "binary file (not text)"),
        ("c.html", ("\x01" * 64).encode("utf-16"), "binary file (not text)"),
        (
            "d.txt",
            f"工作动态\n标题\n来源：x\n{'党' * 200_001}\n".encode(),
            "article too long: 200,003 characters, the limit is 200,000; "
            "split it into smaller files",
        ),
        (
            "f.html",
            ("<html><body>" + "<div>" * 40_000 + "x" + "</div>" * 40_000).encode(),
            "elements nested more than 256 deep",
        ),
        (
            "e.jsonl",
            b"x\n" * 100_001,
            "too many lines: 100,001, the limit is 100,000; split it into smaller files",
        ),
    ],
)
def test_uploads_the_indexer_cannot_use_are_refused_with_the_reason(tmp_path, name, data, reason):
    with pytest.raises(UploadError) as e:
        save_upload(tmp_path, name, data)
    assert e.value.reason == f"不是可用的文章文件：{reason}"
    assert not (tmp_path / "uploads" / name).exists()
