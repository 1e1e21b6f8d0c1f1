"""The editors' article list (/admin/articles): list, search, sort and page
the indexed articles; delete and replace files; uploads that would be a
second copy are refused; files that fail are shown (in Chinese) and can be
removed."""

import io
import json
import re

import pytest
from conftest import close_app

import indexer
from search_app import create_app
from web import admin_articles

TOKEN = "articles-admin-token-0123"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
SANZHUA = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
BY_DATE = [
    "2023-06-30-banzhang-5g.txt",
    "2023-01-08-daluo-cunzhai-xinmao.txt",
    "2022-05-20-jinghong-jiceng-zhili.txt",
    "2022-03-15-mengla-changlang-shifandai.txt",
    SANZHUA,
    "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
]
RECORDS = [
    {
        "id": "a",
        "title": "勐腊县橡胶产业党建",
        "body": "勐腊县橡胶林下的党建新路",
        "url": "https://example.org/a",
    },
    {
        "id": "b",
        "title": "景洪市口岸党建",
        "body": "磨憨口岸的党员先锋岗",
        "url": "https://example.org/b",
    },
]


def jsonl(records: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode() + b"\n"


@pytest.fixture
def app(corpus_dir, tmp_path):
    index = tmp_path / "index"
    indexer.reindex(corpus_dir, index)
    config = {"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir), "ADMIN_TOKEN": TOKEN}
    app = create_app({"TESTING": True, **config})
    yield app
    close_app(app)


def listing(client, **args) -> dict:
    response = client.get("/admin/articles", query_string=args, headers=BEARER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def upload(client, name: str, data: bytes):
    files = {"files": (io.BytesIO(data), name), "reindex": "1"}
    return client.post("/admin/upload", data=files, headers=BEARER)


def test_list_shows_every_article_with_file_source_and_state(app):
    data = listing(app.test_client())
    assert [a["id"] for a in data["articles"]] == BY_DATE
    assert data["total"] == 6
    first = data["articles"][4]
    assert {k: first[k] for k in ("file", "date", "column", "source")} == {
        "file": SANZHUA,
        "date": "2021-10-01",
        "column": "工作动态",
        "source": "西双版纳先锋",
    }
    assert data["failed"] == [{"path": "broken-binary.txt", "reason": "二进制文件，不是文本"}]


def test_list_searches_text_and_file_names_and_sorts_by_when_added(app, monkeypatch):
    client = app.test_client()
    assert [a["id"] for a in listing(client, q="强边固防")["articles"]] == [
        SANZHUA,
        "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
    ]
    assert [a["id"] for a in listing(client, q="banzhang")["articles"]] == [BY_DATE[0]]
    added = [a["id"] for a in listing(client, sort="added")["articles"]]
    assert added == sorted(BY_DATE, reverse=True)  # indexed in file order: last first
    monkeypatch.setattr(admin_articles, "PER_PAGE", 4)
    second = listing(client, page=2)
    assert [a["id"] for a in second["articles"]] == BY_DATE[4:] and second["total"] == 6
    bad = client.get("/admin/articles", query_string={"sort": "title"}, headers=BEARER)
    assert bad.status_code == 400 and bad.get_json()["error"] == "排序方式只能是 date 或 added。"


def test_delete_removes_the_file_and_its_articles(app, corpus_dir):
    client = app.test_client()
    response = client.post("/admin/articles/delete", data={"file": SANZHUA}, headers=BEARER)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["saved"], body["report"]["deleted"]) == ([SANZHUA], [SANZHUA])
    assert not (corpus_dir / SANZHUA).exists()
    assert [a["id"] for a in listing(client)["articles"]] == [i for i in BY_DATE if i != SANZHUA]


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../outside.txt", "文件名无效"),
        ("/etc/passwd", "文件名无效"),
        ("no-such-file.txt", "语料目录中没有这个文件"),
        ("", "文件名无效"),
    ],
)
def test_delete_refuses_what_is_not_a_corpus_file(app, name, reason):
    response = app.test_client().post("/admin/articles/delete", data={"file": name}, headers=BEARER)
    assert response.status_code == 400
    assert response.get_json()["rejected"] == [{"name": name, "reason": reason}]


def test_replace_puts_a_corrected_version_in_place(app, corpus_dir):
    client = app.test_client()
    old = (corpus_dir / SANZHUA).read_text(encoding="utf-8")
    new = old.replace("筑牢党建根基", "筑牢党建根基（更正）", 1)
    form = {"file": SANZHUA, "upload": (io.BytesIO(new.encode()), "更正稿.txt")}
    response = client.post("/admin/articles/replace", data=form, headers=BEARER)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["report"]["updated"] == [SANZHUA]
    titles = {a["id"]: a["title"] for a in listing(client)["articles"]}
    assert "筑牢党建根基（更正）" in titles[SANZHUA]
    wrong = {"file": SANZHUA, "upload": (io.BytesIO(b'{"title": "x"}\n'), "x.jsonl")}
    refused = client.post("/admin/articles/replace", data=wrong, headers=BEARER)
    assert refused.status_code == 400
    assert refused.get_json()["rejected"] == [
        {"name": "x.jsonl", "reason": "替换文件须与原文件格式相同（.txt），不能是 .jsonl"}
    ]


def test_the_same_upload_twice_is_refused_not_listed_twice(app):
    client = app.test_client()
    first = upload(client, "records.jsonl", jsonl(RECORDS))
    assert first.status_code == 200 and first.get_json()["saved"] == ["uploads/records.jsonl"]
    again = upload(client, "records-copy.jsonl", jsonl(RECORDS))  # same content, other name
    assert again.status_code == 400
    assert again.get_json()["rejected"] == [
        {"name": "records-copy.jsonl", "reason": "与已收录的文件 uploads/records.jsonl 内容相同"}
    ]
    edited = [RECORDS[0] | {"body": "改过的正文，原文地址不变"}]
    same_url = upload(client, "edited.jsonl", jsonl(edited))
    assert same_url.get_json()["rejected"] == [
        {
            "name": "edited.jsonl",
            "reason": "原文地址 https://example.org/a 已收录（uploads/records.jsonl#a）；"
            "如需更正，请在文章列表中替换该文件",
        }
    ]
    ids = [a["id"] for a in listing(client, sort="added")["articles"]]
    assert ids[:2] == ["uploads/records.jsonl#b", "uploads/records.jsonl#a"] and len(ids) == 8


def test_a_failing_file_is_shown_in_chinese_and_can_be_removed(app, corpus_dir):
    client = app.test_client()
    bad = [RECORDS[0], {"id": "c", "body": "没有标题的一行"}]
    upload(client, "partly-bad.jsonl", jsonl(bad))
    upload(client, "all-bad.jsonl", jsonl([{"id": "d", "body": "也没有标题"}]))
    assert listing(client)["failed"] == [
        {"path": "broken-binary.txt", "reason": "二进制文件，不是文本"},
        {"path": "uploads/all-bad.jsonl", "reason": "没有可用的记录（第 1 行：缺少标题（title））"},
        {"path": "uploads/partly-bad.jsonl#2", "reason": "缺少标题（title）"},
    ]
    gone = client.post(
        "/admin/articles/delete", data={"file": "uploads/all-bad.jsonl"}, headers=BEARER
    )
    assert gone.status_code == 200
    assert [f["path"] for f in listing(client)["failed"]] == [
        "broken-binary.txt",
        "uploads/partly-bad.jsonl#2",
    ]


def test_the_page_for_editors(app):
    client = app.test_client()
    client.post("/admin/login", data={"token": TOKEN})
    page = client.get("/admin/articles").get_data(as_text=True)
    assert "已收录的文章（6）" in page and "未能收录的文件（1）" in page
    assert '<td data-label="原因" class="admin-state-failed">二进制文件，不是文本</td>' in page
    assert f'<td data-label="文件"><code>{SANZHUA}</code>' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/admin/articles/delete", data={"csrf_token": csrf, "file": SANZHUA})
    text = done.get_data(as_text=True)
    assert f'<p class="notice notice-ok" role="status">已删除：<code>{SANZHUA}</code></p>' in text
    assert "已收录的文章（5）" in text
    admin_home = client.get("/admin").get_data(as_text=True)
    assert '<a href="/admin/articles">文章列表：' in admin_home


def test_a_reindex_that_would_empty_the_index_says_why_in_chinese(app, corpus_dir):
    for path in corpus_dir.iterdir():
        path.unlink()
    response = app.test_client().post("/admin/reindex", headers=BEARER)
    assert response.status_code == 500
    assert response.get_json()["error"] == (
        f"重建索引失败：语料目录 {corpus_dir} 中已没有索引里的 7 个文件（目录是否已挂载？）；"
        "为免清空索引，没有更新"
    )


@pytest.mark.parametrize(
    "reason, shown",
    [
        ('missing or empty "title"', "缺少标题（title）"),
        ("invalid JSON: Expecting value (column 1)", "JSON 格式错误：Expecting value（第 1 列）"),
        ("duplicate id (first on line 3)", "编号（id）重复（第 3 行已用过）"),
        (
            "article too long: 250,000 characters, the limit is 200,000; split it",
            "内容太长：250,000 字，上限 200,000 字；请拆分成较小的文件",
        ),
        ("no title found", "找不到标题"),
        ("不支持的文件类型 .doc", "不支持的文件类型 .doc"),
        ("something new", "无法收录：something new"),
    ],
)
def test_every_reason_is_shown_in_chinese(reason, shown):
    from web.reasons import in_chinese

    assert in_chinese(reason) == shown
