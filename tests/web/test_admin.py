"""The admin pages (search_admin.py) on the real app, over a real index of a
private copy of the fixture corpus."""

import io
import logging
import re
import time
import types
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from conftest import close_app, without_own_scripts

import indexer
from indexer.index.store import writer_lock
from search_app import create_app
from web import auth as admin_auth

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/json"}
SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
# Words no fixture article contains, so a hit can only be the upload.
GBK_WORD = "曼听公园孔雀湖"
HTML_WORD = "勐仑植物园热带雨林"
PASTE_WORD = "傣族泼水节志愿服务队"


def article_text(title: str, word: str) -> str:
    return (
        f"今天是:\n工作动态\n\n{title}\n\n来源 :西双版纳先锋 访问次数 : 发布时间 :2024-04-13\n\n"
        f"近日，{word}开展党建活动，群众积极参与。\n\n来源:西双版纳先锋\n"
    )


HTML_PAGE = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>勐腊县雨林党建 - 西双版纳先锋</title></head><body>
<div class="article"><h1>勐腊县雨林党建</h1><p>发布时间：2024-04-14 来源：西双版纳先锋</p>
<div class="TRS_Editor"><p>{HTML_WORD}里的党员先锋岗持续发挥作用。</p></div></div>
</body></html>""".encode()


@pytest.fixture
def make_app(corpus_dir, tmp_path):
    """create_app over ``corpus_dir`` and a fresh index of it, with the admin
    token unless overridden; closes the apps' indexes afterwards."""
    index = tmp_path / "index"
    indexer.reindex(corpus_dir, index)
    apps = []

    def make(token: str | None = TOKEN, **config):
        base = {"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir)}
        if token is not None:
            base["ADMIN_TOKEN"] = token
        app = create_app(base | config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def admin_app(make_app):
    return make_app()


@pytest.fixture
def admin(admin_app):
    return admin_app.test_client()


def login(client) -> str:
    """Log ``client`` in through the form; return the page's CSRF token."""
    response = client.post("/admin/login", data={"token": TOKEN})
    assert (response.status_code, response.location) == (303, "/admin")
    return csrf_of(client.get("/admin").text)


def csrf_of(page: str) -> str:
    tokens = set(re.findall(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def multipart(files: list[tuple[str, bytes]], **fields: str) -> dict:
    """A multipart body written by hand: werkzeug's test client would mangle
    file names holding backslashes or quotes before they reach the server."""
    boundary = "----admin-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, data in files:
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def tree(folder) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def hit_ids(index_dir, q: str) -> list[str]:
    with indexer.open_index(index_dir) as ix:
        return [h.id for h in indexer.search(ix, q).hits]


# Switched off without a token


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin"),
        ("get", "/admin/login"),
        ("post", "/admin/upload"),
        ("post", "/admin/reindex"),
    ],
)
def test_admin_is_a_404_without_a_token(make_app, monkeypatch, method, path):
    monkeypatch.delenv("SEARCH_ADMIN_TOKEN", raising=False)
    client = make_app(token=None).test_client()
    response = getattr(client, method)(path, headers=BEARER)
    assert response.status_code == 404
    assert "页面不存在" in response.text  # the site's normal 404 page
    assert "Set-Cookie" not in response.headers


def test_the_token_comes_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SEARCH_ADMIN_TOKEN", "token-from-env")
    client = make_app(token=None).test_client()
    assert (
        client.get("/admin", headers={"Authorization": "Bearer token-from-env"}).status_code == 200
    )
    assert client.get("/admin", headers=BEARER).status_code == 403


# Logging in


def test_pages_redirect_to_the_login_form(admin):
    for response in (admin.get("/admin"), admin.post("/admin/reindex")):
        assert (response.status_code, response.location) == (303, "/admin/login")
    page = admin.get("/admin/login")
    assert page.status_code == 200
    assert '<input id="token" class="form-input" type="password" name="token"' in page.text


def test_scripts_without_a_token_get_401_json(admin):
    response = admin.post("/admin/reindex", headers=JSON)
    assert response.status_code == 401
    assert response.json == {"error": "需要登录：请提供 Authorization: Bearer <令牌>。"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_shows_the_admin_page_and_logout_ends_it(admin):
    csrf = login(admin)
    page = admin.get("/admin")
    assert "索引中共有 <strong>6</strong> 篇文章。" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    rest = without_own_scripts(page.text)
    assert "<script" not in rest and "style=" not in rest  # nothing the CSP blocks
    response = admin.post("/admin/logout", data={"csrf_token": csrf})
    assert (response.status_code, response.location) == (303, "/admin/login")
    assert admin.get("/admin").status_code == 303


def test_a_wrong_token_is_403_and_repeated_failures_are_429(admin):
    for _ in range(5):
        response = admin.post("/admin/login", data={"token": "guess"})
        assert response.status_code == 403
        assert "令牌不正确。" in response.text
    response = admin.post("/admin/login", data={"token": TOKEN})  # even the right one, now
    assert response.status_code == 429
    assert "失败次数过多，请 5 分钟后再试。" in response.text
    assert 290 <= int(response.headers["Retry-After"]) <= 300
    response = admin.get("/admin", headers=BEARER)
    assert response.status_code == 429
    assert response.json == {"error": "失败次数过多，请 5 分钟后再试。"}
    other = admin.get("/admin", headers=BEARER, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200  # counted per client address


def test_wrong_bearer_tokens_count_too(admin):
    wrong = {"Authorization": "Bearer s3cret-tokem"}
    for _ in range(5):
        response = admin.post("/admin/reindex", headers=wrong)
        assert (response.status_code, response.json) == (403, {"error": "令牌不正确。"})
    assert admin.post("/admin/reindex", headers=wrong).status_code == 429


def test_the_limit_forgets_failures_after_the_window():
    now = [1000.0]
    limiter = admin_auth.FailureLimiter(limit=2, window=300, clock=lambda: now[0])
    limiter.fail("a")
    now[0] += 100
    limiter.fail("a")
    assert (limiter.retry_after("a"), limiter.retry_after("b")) == (200, 0)
    now[0] += 200
    assert limiter.retry_after("a") == 0  # the first failure has left the window
    limiter.fail("a")
    assert limiter.retry_after("a") == 100
    limiter.clear("a")
    assert limiter.retry_after("a") == 0


def test_the_session_cookie_is_locked_down(admin):
    response = admin.post("/admin/login", data={"token": TOKEN})
    cookie = response.headers["Set-Cookie"]
    flags = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
    assert flags == {"Expires", "HttpOnly", "Path", "SameSite"}  # no Secure over http
    assert "; Path=/admin" in cookie and "; SameSite=Strict" in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie)[1])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=8))) < timedelta(minutes=1)


def test_the_session_cookie_is_secure_over_https(admin_app):
    client = admin_app.test_client()
    response = client.post("/admin/login", data={"token": TOKEN}, base_url="https://localhost")
    assert "; Secure" in response.headers["Set-Cookie"]


def test_sessions_expire(admin, monkeypatch):
    login(admin)
    later = time.time() + 8 * 3600 + 1
    monkeypatch.setattr(admin_auth, "time", types.SimpleNamespace(time=lambda: later))
    assert admin.get("/admin").status_code == 303


def test_workers_with_the_same_token_share_sessions(make_app):
    first, second = make_app().test_client(), make_app().test_client()
    login(first)
    cookie = first.get_cookie("session", path="/admin")
    second.set_cookie("session", cookie.value, path="/admin")
    assert second.get("/admin").status_code == 200
    assert make_app().config["SECRET_KEY"] == admin_auth.session_key(TOKEN) != TOKEN
    assert make_app(SECRET_KEY="configured").config["SECRET_KEY"] == "configured"


# CSRF


@pytest.mark.parametrize(
    "path", ["/admin/reindex", "/admin/upload", "/admin/paste", "/admin/logout"]
)
@pytest.mark.parametrize("given", [None, "", "forged"])
def test_session_posts_need_the_csrf_token(admin, path, given):
    login(admin)
    data = {} if given is None else {"csrf_token": given}
    response = admin.post(path, data=data)
    assert response.status_code == 400
    assert "表单已失效（CSRF 校验未通过），请刷新管理页后重试。" in response.text
    assert admin.get("/admin").status_code == 200  # still logged in


def test_bearer_requests_need_no_csrf_token(admin):
    response = admin.post("/admin/reindex", headers=BEARER)
    assert response.status_code == 200
    report = response.json
    assert (report["added"], report["deleted"], report["unchanged"]) == ([], [], 6)
    assert report["failed"] == [{"path": "broken-binary.txt", "reason": "binary file (not text)"}]
    assert admin.get("/admin", headers=BEARER).json["documents"] == 6


# Uploading and pasting


def test_uploaded_gbk_text_and_html_are_searchable_after_reindex(admin, corpus_dir, tmp_path):
    gbk = article_text("景洪市曼听社区党建", GBK_WORD).encode("gbk")
    files = [(io.BytesIO(gbk), "景洪新闻.txt"), (io.BytesIO(HTML_PAGE), "雨林.html")]
    response = admin.post("/admin/upload", headers=BEARER, data={"files": files, "reindex": "1"})
    assert response.status_code == 200
    body = response.json
    assert (body["saved"], body["rejected"]) == (["uploads/景洪新闻.txt", "uploads/雨林.html"], [])
    assert body["report"]["added"] == ["uploads/景洪新闻.txt", "uploads/雨林.html"]
    assert body["report"]["documents"] == 8
    assert (corpus_dir / "uploads" / "景洪新闻.txt").read_bytes() == gbk
    assert hit_ids(tmp_path / "index", GBK_WORD) == ["uploads/景洪新闻.txt"]
    assert hit_ids(tmp_path / "index", HTML_WORD) == ["uploads/雨林.html"]
    assert admin.get("/admin", headers=BEARER).json["documents"] == 8


def test_upload_from_the_form_then_reindex_button(admin, tmp_path):
    csrf = login(admin)
    data = {"csrf_token": csrf, "files": [(io.BytesIO(HTML_PAGE), "雨林.html")]}
    page = admin.post("/admin/upload", data=data)
    assert page.status_code == 200
    assert "已保存 1 个文件：" in page.text and "<code>uploads/雨林.html</code>" in page.text
    assert hit_ids(tmp_path / "index", HTML_WORD) == []  # not asked to reindex
    page = admin.post("/admin/reindex", data={"csrf_token": csrf})
    assert page.status_code == 200
    assert "增量更新：新增 1，更新 0，" in page.text
    assert "<dd><code>broken-binary.txt</code>：二进制文件，不是文本</dd>" in page.text
    assert "索引中共有 <strong>7</strong> 篇文章。" in page.text
    assert hit_ids(tmp_path / "index", HTML_WORD) == ["uploads/雨林.html"]
    assert "重建索引的结果" in admin.get("/admin").text  # the last action stays on the page


def test_pasted_article_is_saved_in_the_scraped_format(admin, corpus_dir, tmp_path):
    csrf = login(admin)
    form = {
        "csrf_token": csrf,
        "title": "勐海县：志愿服务暖人心",
        "date": "2024-04-13",
        "column": "工作动态",
        "body": f"{PASTE_WORD}走进村寨。\r\n\r\n群众纷纷点赞。",
        "reindex": "1",
    }
    page = admin.post("/admin/paste", data=form)
    assert page.status_code == 200
    name = "uploads/2024-04-13-勐海县：志愿服务暖人心.txt"
    assert f"<code>{name}</code>" in page.text
    assert (corpus_dir / name).read_text(encoding="utf-8") == (
        "今天是:\n工作动态\n\n勐海县：志愿服务暖人心\n\n"
        "来源 :西双版纳先锋 访问次数 : 发布时间 :2024-04-13\n\n"
        f"{PASTE_WORD}走进村寨。\n\n群众纷纷点赞。\n\n来源:西双版纳先锋\n"
    )
    assert hit_ids(tmp_path / "index", PASTE_WORD) == [name]


def test_a_bad_paste_says_why(admin):
    form = {"title": "", "body": "正文", "column": "工作动态"}
    response = admin.post("/admin/paste", headers=BEARER, data=form)
    assert response.status_code == 400
    assert response.json == {
        "saved": [],
        "rejected": [{"name": "粘贴的文章", "reason": "标题不能为空"}],
        "report": None,
    }


def test_hostile_file_names_land_inside_uploads(admin, tmp_path):
    before = tree(tmp_path)
    names = [
        "../../etc/passwd.txt",
        "..\\..\\x.txt",
        "/abs/path.txt",
        "%2e%2e%2fx.txt",
        "a\x00b.txt",
        ".hidden.txt",
        "uploads/../../../evil.txt",
        "..",
    ]
    response = admin.post("/admin/upload", headers=BEARER, **multipart([(n, b"x") for n in names]))
    assert response.status_code == 200
    saved = [
        "uploads/passwd.txt",
        "uploads/x.txt",
        "uploads/path.txt",
        "uploads/%2e%2e%2fx.txt",
        "uploads/ab.txt",
        "uploads/hidden.txt",
        "uploads/evil.txt",
    ]
    assert response.json == {
        "saved": saved,
        "rejected": [{"name": "..", "reason": "文件名为空或无效"}],
        "report": None,
    }
    assert tree(tmp_path) - before == {"corpus/uploads"} | {f"corpus/{s}" for s in saved}


def test_unsupported_and_empty_files_are_rejected(admin, corpus_dir):
    files = [(io.BytesIO(b"%PDF-1.4"), "通知.pdf"), (io.BytesIO(b""), "空.txt")]
    response = admin.post("/admin/upload", headers=BEARER, data={"files": files})
    assert response.status_code == 400
    assert response.json["rejected"] == [
        {"name": "通知.pdf", "reason": "不支持的文件类型 .pdf，只接受 .txt .html .htm .jsonl"},
        {"name": "空.txt", "reason": "空文件"},
    ]
    assert response.json["saved"] == []
    assert not (corpus_dir / "uploads").exists() or list((corpus_dir / "uploads").iterdir()) == []


def test_an_upload_never_overwrites(admin, corpus_dir):
    for expected in ("uploads/a.txt", "uploads/a-1.txt"):
        files = [(io.BytesIO(article_text("标题", expected).encode()), "a.txt")]
        response = admin.post("/admin/upload", headers=BEARER, data={"files": files})
        assert response.json["saved"] == [expected]
    assert "uploads/a.txt" in (corpus_dir / "uploads" / "a.txt").read_text(encoding="utf-8")


def test_nothing_chosen_is_a_400(admin):
    response = admin.post("/admin/upload", headers=BEARER, data={})
    assert response.status_code == 400
    assert response.json["rejected"] == [{"name": "", "reason": "没有选择文件"}]


def test_too_large_uploads_are_413(make_app, corpus_dir):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()

    def files():
        return {"files": [(io.BytesIO("党建".encode() * 1000), "big.txt")]}

    response = client.post("/admin/upload", headers=BEARER, data=files())
    assert response.status_code == 413
    assert response.json == {"error": "上传内容超过 1 KiB 的上限，请分批上传。"}
    csrf = login(client)
    page = client.post("/admin/upload", data={"csrf_token": csrf, **files()})
    assert page.status_code == 413
    assert "上传内容超过" in page.text
    assert not (corpus_dir / "uploads").exists()


def test_a_too_long_paste_is_413(make_app, corpus_dir):
    client = make_app(MAX_FORM_MEMORY_SIZE=1024).test_client()
    form = multipart([], title="标题", column="工作动态", body="党建" * 1000)  # as curl -F sends
    response = client.post("/admin/paste", headers=BEARER, **form)
    assert response.status_code == 413
    assert response.json == {"error": "粘贴的正文超过 1 KiB 的上限，请改为上传文件。"}
    assert not (corpus_dir / "uploads").exists()


def test_uploads_are_limited_to_16_mib_by_default(admin_app):
    assert admin_app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024


def test_a_running_reindex_is_a_409(admin, tmp_path):
    with writer_lock(tmp_path / "index"):
        response = admin.post("/admin/reindex", headers=BEARER)
        assert response.status_code == 409
        assert response.json == {"error": "另一个重建索引任务正在进行，请等它完成后再试。"}
        files = [(io.BytesIO(HTML_PAGE), "雨林.html")]
        response = admin.post(
            "/admin/upload", headers=BEARER, data={"files": files, "reindex": "1"}
        )
        assert response.status_code == 409
        assert response.json["saved"] == ["uploads/雨林.html"]  # saved all the same
        assert response.json["error"] == "另一个重建索引任务正在进行，请等它完成后再试。"


# The audit log


def test_every_admin_action_is_logged(admin, caplog):
    caplog.set_level(logging.INFO, logger="search_admin")
    admin.post("/admin/login", data={"token": "wrong"})
    csrf = login(admin)
    files = [(io.BytesIO(HTML_PAGE), "雨林.html"), (io.BytesIO(b"x"), "x.pdf")]
    admin.post("/admin/upload", data={"csrf_token": csrf, "files": files})
    form = {"title": "标题", "body": "正文", "column": "工作动态", "csrf_token": csrf}
    admin.post("/admin/paste", data=form)
    admin.post("/admin/reindex", data={"csrf_token": csrf})
    admin.post("/admin/reindex", data={"csrf_token": "forged"})
    admin.post("/admin/logout", data={"csrf_token": csrf})
    records = [r for r in caplog.records if r.name == "search_admin"]
    lines = [re.sub(r"^\S+ ", "", r.getMessage()) for r in records]  # without the timestamp
    assert lines == [
        "admin login from 127.0.0.1 (session): failed: wrong token",
        "admin login from 127.0.0.1 (session): ok",
        "admin upload from 127.0.0.1 (session): saved ['uploads/雨林.html']; rejected 'x.pdf'",
        "admin paste from 127.0.0.1 (session): saved ['uploads/标题.txt']",
        "admin reindex from 127.0.0.1 (session): ok: 2 added, 0 updated, 0 deleted, "
        "6 unchanged, 1 failed; 8 documents",
        "admin reindex from 127.0.0.1 (session): refused: missing or wrong CSRF token",
        "admin logout from 127.0.0.1 (session): ok",
    ]
    for record in records:
        stamp = datetime.fromisoformat(record.getMessage().split(" ")[0])
        assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=1)
    assert [
        r.levelname for r in records if "refused" in r.getMessage() or "failed:" in r.getMessage()
    ] == [
        "WARNING",
        "WARNING",
    ]
    assert TOKEN not in caplog.text


def test_bearer_actions_and_refusals_are_logged(admin, caplog):
    caplog.set_level(logging.INFO, logger="search_admin")
    admin.post("/admin/reindex", headers={"Authorization": "Bearer nope"})
    admin.post("/admin/reindex", headers=BEARER)
    lines = [
        re.sub(r"^\S+ ", "", r.getMessage()) for r in caplog.records if r.name == "search_admin"
    ]
    assert lines[0] == "admin reindex (bearer) from 127.0.0.1 (bearer): failed: wrong token"
    assert lines[1].startswith("admin reindex from 127.0.0.1 (bearer): ok: 0 added")
    assert "nope" not in caplog.text and TOKEN not in caplog.text
