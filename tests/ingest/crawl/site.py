"""A small Chinese government CMS site served on 127.0.0.1 for the crawler
tests: home page with the 今天是 widget and nav chrome, column lists with
pagination, TRS-style article pages (breadcrumb, 来源/访问次数/发布时间 line,
``TRS_Editor`` body), a GBK column, robots.txt disallowing a folder, a
sitemap, an external link, a redirect, a 404, a query-string calendar trap,
and DOCX and PDF attachments.

Tests change ``pages`` between crawls and read ``log``: every request as
(path, status), 304 meaning the conditional GET matched.
"""

from __future__ import annotations

import functools
import hashlib
import io
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CHROME_TOP = """<div class="header"><div class="logo">西双版纳先锋</div>
<div class="date">今天是2021年11月20日 星期六</div></div>
<div class="nav"><a href="/">首页</a> <a href="/gzdt/">工作动态</a> <a href="/jcdj/">基层党建</a>
<a href="/tzgg/">通知公告</a> <a href="/internal/">内部资料</a></div>"""
CHROME_BOTTOM = """<div class="footer"><p>主办：中共西双版纳州委组织部 版权所有</p>
<p><a href="http://www.example.com/">中国政府网</a> 滇ICP备00000000号</p></div>"""
COLUMNS = {"gzdt": "工作动态", "jcdj": "基层党建", "tzgg": "通知公告"}


@dataclass(frozen=True)
class Post:
    """One article of the fixture site."""

    column: str  # gzdt, jcdj, tzgg
    number: int
    date: str  # 2021-10-01
    title: str
    paragraphs: tuple[str, ...]
    attachments: tuple[tuple[str, str], ...] = ()  # (link text, file name)

    @property
    def path(self) -> str:
        yyyymm, day = self.date[:7].replace("-", ""), self.date.replace("-", "")
        return f"/{self.column}/{yyyymm}/t{day}_{self.number}.html"


def article_html(post: Post, charset: str = "utf-8") -> str:
    column = COLUMNS[post.column]
    body = "\n".join(f"<p>{p}</p>" for p in post.paragraphs)
    files = "".join(
        f'<p><a href="/{post.column}/files/{name}">{text}</a></p>'
        for text, name in post.attachments
    )
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<title>{post.title}_{column}_西双版纳先锋</title></head><body>{CHROME_TOP}
<div class="position">您现在的位置：<a href="/">首页</a> &gt;
<a href="/{post.column}/">{column}</a> &gt; 正文</div>
<h1>{post.title}</h1>
<div class="info"><span>来源：西双版纳先锋</span> <span>访问次数：128</span>
<span>发布时间：{post.date}</span></div>
<div class="TRS_Editor">{body}</div>{files}
<div class="share"><a href="/">返回首页</a></div>{CHROME_BOTTOM}</body></html>"""


def list_html(column: str, posts: list[Post], next_page: str = "", charset: str = "utf-8") -> str:
    items = "\n".join(
        f'<li><a href="{p.path}">{p.title}</a><span>{p.date}</span></li>' for p in posts
    )
    more = f'<a href="{next_page}">下一页</a>' if next_page else ""
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<title>{COLUMNS[column]}_西双版纳先锋</title></head><body>{CHROME_TOP}
<div class="position">您现在的位置：<a href="/">首页</a> &gt; {COLUMNS[column]}</div>
<ul class="list">{items}</ul><div class="page">{more}</div>{CHROME_BOTTOM}</body></html>"""


def home_html(featured: list[Post]) -> str:
    items = "\n".join(
        f'<li><a href="{p.path}?utm_source=home#top">{p.title}</a></li>' for p in featured
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>西双版纳先锋</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml"></head>
<body>{CHROME_TOP}<ul class="focus">{items}</ul>
<p><a href="/calendar/?date=2021-11-01">活动日历</a> <a href="/old-link.html">旧版链接</a>
<a href="/missing.html">已删除的页面</a> <a href="/gzdt/index.html">工作动态（更多）</a>
<a href="/tzgg/" rel="nofollow">通知公告</a></p>{CHROME_BOTTOM}</body></html>"""


def calendar_html(day: str) -> str:
    next_day = f"2021-11-{int(day[-2:]) + 1:02d}"
    return f"""<html><head><meta charset="utf-8"><title>活动日历</title></head><body>
<p>{day} 没有活动。</p><a href="/calendar/?date={next_day}">后一天</a></body></html>"""


@functools.cache
def docx_bytes(paragraphs: tuple[str, ...]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    then: Reply | None = None  # what the path answers after this, once
    endless: bool = False  # the body never ends (no Content-Length, sent until the client hangs up)
    reset: bool = False  # the connection is closed without an answer


class FixtureSite:
    """The site's responses by path (``pages``) and the request log."""

    def __init__(self) -> None:
        self.pages: dict[str, Reply] = {}
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.hold_path = ""  # a request for this path waits for ``release``
        self.reached = threading.Event()
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> FixtureSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def html(self, path: str, text: str, charset: str = "utf-8") -> None:
        content_type = f"text/html; charset={charset}"
        self.pages[path] = Reply(body=text.encode(charset), headers={"Content-Type": content_type})

    def reply(self, path: str) -> tuple[Reply, int]:
        parts = urlsplit(path)
        if parts.path == "/calendar/":
            day = parse_qs(parts.query).get("date", ["2021-11-01"])[0]
            return Reply(
                body=calendar_html(day).encode(), headers={"Content-Type": "text/html"}
            ), 200
        path = parts.path + "index.html" if parts.path.endswith("/") else parts.path
        reply = self.pages.get(path)
        if reply is None:
            return Reply(404, b"<html><body>404</body></html>", {"Content-Type": "text/html"}), 404
        if reply.then is not None:
            self.pages[path] = reply.then
        return reply, reply.status

    def requests(self, status: int | None = None) -> list[str]:
        """Paths requested, in order (only those answered ``status``)."""
        with self.lock:
            return [p for p, s in self.log if status is None or s == status]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()  # no Nagle delay between headers and body
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                if site.hold_path and urlsplit(self.path).path == site.hold_path:
                    site.reached.set()
                    site.release.wait()
                with site.lock:
                    reply, status = site.reply(self.path)
                if reply.reset:
                    with site.lock:
                        site.log.append((self.path, 0))
                    self.close_connection = True
                    return
                headers = dict(reply.headers)
                etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
                if status == 200:
                    headers.setdefault("ETag", etag)
                    if self.headers.get("If-None-Match") == headers["ETag"]:
                        status = 304
                with site.lock:
                    site.log.append((self.path, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                body = b"" if status == 304 else reply.body
                if "Content-Length" not in headers and not reply.endless:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                    while reply.endless:
                        self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        return Handler
