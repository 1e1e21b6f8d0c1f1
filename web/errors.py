"""Every error page and error answer of the site, the admin pages included:
JSON ``{"error": …}`` for the API and for scripts, the site's error page for
browsers, and always a message in Chinese that says what to do."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect

from indexer.errors import IndexMissingError

TITLES = {
    400: "请求有误",
    401: "需要登录",
    403: "令牌不正确",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "索引正在更新",
    413: "上传内容太大",
    429: "尝试次数过多",
    500: "服务器内部错误",
    503: "搜索服务暂不可用",
}
SERVER_ERROR = "服务器出了点问题，请稍后再试。"


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(IndexMissingError, index_missing)
    app.before_request(relative_redirect)


def relative_redirect():
    """Routing's own redirects (``//search`` -> ``/search``) as a path, not
    an address built from the Host header, which the client chose."""
    found = request.routing_exception
    if not isinstance(found, RequestRedirect):
        return None
    parts = urlsplit(found.new_url)
    path = "/" + parts.path.lstrip("/")  # never "//host"
    return redirect(path + (f"?{parts.query}" if parts.query else ""), found.code)


def wants_json() -> bool:
    """The API, the health check and admin scripts (bearer token) get JSON."""
    return request.path.startswith("/api/") or request.path == "/healthz" or g.get("admin_json")


def render_error(status: int, message: str, headers: list | None = None):
    if wants_json():
        return {"error": message}, status, headers or []
    title = TITLES.get(status, "出错了")
    body = render_template("error.html", status=status, title=title, message=message)
    return body, status, headers or []


def http_error(e: HTTPException):
    """Our own abort()/raise messages are shown; Werkzeug's English defaults are not."""
    status = e.code or 500
    if isinstance(e, InternalServerError):  # Flask has logged the traceback
        message = SERVER_ERROR
    elif status == 413:
        message = too_large_message()
    elif e.description == type(e).description:
        message = TITLES.get(status, e.name)
    else:
        message = e.description or ""
    return render_error(status, message, kept_headers(e))


def kept_headers(e: HTTPException) -> list[tuple[str, str]]:
    """The headers ``e`` sets (Allow, Retry-After, WWW-Authenticate …) except
    Content-Type, which the page or JSON answer sets itself."""
    return [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]


def index_missing(e: IndexMissingError):
    current_app.logger.error("%s", e)
    return render_error(503, f"搜索索引尚未建立。请先建立索引：{e}")


def human_size(size: int) -> str:
    """16777216 -> "16 MiB", for the upload limit shown to staff."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} 字节"


def too_large_message() -> str:
    """Which limit a 413 hit: the whole request's, or (a long paste) the one
    on a single form field that Flask keeps in memory."""
    config = current_app.config
    if (request.content_length or 0) > config["MAX_CONTENT_LENGTH"]:
        return f"上传内容超过 {human_size(config['MAX_CONTENT_LENGTH'])} 的上限，请分批上传。"
    if request.endpoint == "admin.upload":  # file parts are not held in memory: too many of them
        return f"一次上传的文件太多（上限 {config['MAX_FORM_PARTS']} 个），请分批上传。"
    return f"粘贴的正文超过 {human_size(config['MAX_FORM_MEMORY_SIZE'])} 的上限，请改为上传文件。"
