"""The admin pages: site staff add articles and reindex, from a browser or a script.

Off unless an admin token is configured (``SEARCH_ADMIN_TOKEN``, or the
``ADMIN_TOKEN`` config key): without one no /admin route exists, so every
/admin address is the site's normal 404. With one, every /admin request must
carry the token, either once through the login form (the signed session
cookie then vouches for it, and each form carries a CSRF token) or as
``Authorization: Bearer <token>``, which scripts use and which gets JSON.

Like search_app, this only translates HTTP into calls of :mod:`indexer`
(``save_upload``, ``save_pasted``, ``reindex``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.logging import default_handler, has_level_handler
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests, Unauthorized

import indexer
from indexer.articles import SUPPORTED_SUFFIXES
from indexer.errors import IndexBusyError, IndexerError, UploadError
from indexer.uploads import UPLOADS, save_pasted, save_upload

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("search_admin")

# Label of the session key derived from the token: all workers given the same
# token sign sessions alike, and a new token logs every admin out.
SESSION_KEY_LABEL = b"xsbn-search admin session key v1"
DEFAULTS = {
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # bytes per request
    "ADMIN_SESSION_LIFETIME": timedelta(hours=8),
    "ADMIN_MAX_FAILURES": 5,  # failed token attempts per address …
    "ADMIN_FAILURE_WINDOW": 300,  # … within this many seconds, then 429
}
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
}
YES = ("1", "true", "yes", "on")
MIN_TOKEN_LENGTH = 16


def init_app(app: Flask) -> None:
    """Serve /admin on ``app`` when an admin token is configured; otherwise
    register nothing, so /admin stays the normal 404."""
    app.config.setdefault("ADMIN_TOKEN", os.environ.get("SEARCH_ADMIN_TOKEN", ""))
    token = app.config["ADMIN_TOKEN"]
    if not token:
        return
    if len(str(token)) < MIN_TOKEN_LENGTH:  # it also keys the session cookies' signatures
        app.logger.warning("the admin token is short; use a long random one")
    for key, value in DEFAULTS.items():
        if app.config.get(key) is None:
            app.config[key] = value
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = session_key(token)
    app.session_interface = AdminSessionInterface()
    limiter = FailureLimiter(app.config["ADMIN_MAX_FAILURES"], app.config["ADMIN_FAILURE_WINDOW"])
    app.extensions["search_admin"] = AdminState(limiter)
    keep_audit_log()
    app.register_blueprint(bp)


def keep_audit_log() -> None:
    """Make sure admin actions reach a log: under gunicorn nothing configures
    logging, and Python's fallback drops INFO. Like Flask's app.logger, add
    Flask's handler (the WSGI error stream) unless one is already set up."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not has_level_handler(log):
        log.addHandler(default_handler)


def session_key(token: str) -> str:
    """The session signing key when none is configured: derived from the
    token, so several workers accept each other's sessions without another
    secret to deploy, and the token itself never signs anything."""
    return hmac.new(token.encode("utf-8"), SESSION_KEY_LABEL, hashlib.sha256).hexdigest()


class AdminSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, held tight whatever SESSION_COOKIE_*
    says: only sent to /admin, HttpOnly, SameSite=Strict, Secure whenever the
    request came over HTTPS, and expiring after ADMIN_SESSION_LIFETIME."""

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root + (bp.url_prefix or "/admin")

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True

    def get_cookie_samesite(self, app: Flask) -> str:
        return "Strict"

    def get_cookie_secure(self, app: Flask) -> bool:
        # Behind a proxy, request.is_secure follows X-Forwarded-Proto when PROXY_FIX is set.
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        if not session.permanent:
            return None
        return datetime.now(UTC) + session_lifetime(app)


def session_lifetime(app: Flask) -> timedelta:
    value = app.config["ADMIN_SESSION_LIFETIME"]
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class FailureLimiter:
    """Failed token attempts per client address in a sliding time window.

    Kept in this process's memory: each worker counts on its own and a
    restart forgets, so the real limit is ``limit`` × workers per window.
    Still hopeless for guessing a long random token, and nothing to set up.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        with self._lock:
            times = self._recent(key)
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[-self.limit] + self.window - self.clock()))

    def fail(self, key: str) -> None:
        with self._lock:
            self._failures.setdefault(key, deque()).append(self.clock())

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)  # so idle addresses do not pile up
        return times


@dataclass
class Outcome:
    """What one admin action did: shown on the admin page, sent as JSON."""

    action: str
    saved: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    report: dict | None = None
    error: str = ""
    status: int = 200
    at: str = field(default_factory=lambda: datetime.now().strftime("%Y-%m-%d %H:%M:%S"))


@dataclass
class AdminState:
    """Per-app admin state: the failure counts and the last action's outcome
    (in this process only, like the counts)."""

    limiter: FailureLimiter
    last: Outcome | None = None


def admin_state() -> AdminState:
    return current_app.extensions["search_admin"]


def client_address() -> str:
    """The address failures are counted against: behind nginx, the proxy's
    own address unless PROXY_FIX is set (see search_app.trust_proxy_headers)."""
    return request.remote_addr or "unknown"


def audit(action: str, outcome: str, level: int = logging.INFO) -> None:
    """One log line per admin action: when, from where, how it ended.
    Never the token; names the user sent are logged with repr()."""
    via = "bearer" if g.get("admin_bearer") else "session"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    log.log(level, "%s admin %s from %s (%s): %s", stamp, action, client_address(), via, outcome)


def bearer_token() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer":
        return None
    return auth.token or ""


def check_token(given: str, action: str) -> None:
    """Pass if ``given`` is the admin token; otherwise count the failure and
    raise 403, or 429 once this address failed too often. The limit is
    checked first, so while it holds even the right token is refused and a
    guesser learns nothing."""
    limiter, address = admin_state().limiter, client_address()
    wait = limiter.retry_after(address)
    if wait:
        audit(action, "refused: too many failed attempts", logging.WARNING)
        message = f"失败次数过多，请 {math.ceil(wait / 60)} 分钟后再试。"
        raise TooManyRequests(message, retry_after=wait)
    expected = str(current_app.config["ADMIN_TOKEN"]).encode("utf-8")
    if not hmac.compare_digest(given.encode("utf-8"), expected):
        limiter.fail(address)
        audit(action, "failed: wrong token", logging.WARNING)
        abort(403, "令牌不正确。")
    limiter.clear(address)


def session_is_admin() -> bool:
    """Whether the session cookie comes from a login that has not expired."""
    since = session.get("admin_since")
    if not isinstance(since, int):
        return False
    return 0 <= time.time() - since < session_lifetime(current_app).total_seconds()


def check_csrf() -> None:
    """A form POST from a session must echo the session's CSRF token: another
    site can make a browser send the cookie (were SameSite ever relaxed), but
    cannot read the token from our page."""
    expected = session.get("csrf", "")
    given = request.form.get("csrf_token", "")
    if not (expected and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))):
        audit(action_name(), "refused: missing or wrong CSRF token", logging.WARNING)
        abort(400, "表单已失效（CSRF 校验未通过），请刷新管理页后重试。")


def action_name() -> str:
    return (request.endpoint or "admin").removeprefix("admin.")


def prefers_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


@bp.before_request
def require_admin():
    """Every admin request proves it knows the token: a bearer header, or a
    session from the login form (plus, on POST, its CSRF token)."""
    token = bearer_token()
    g.admin_bearer = token is not None
    g.admin_json = g.admin_bearer or prefers_json()
    if token is not None:
        check_token(token, f"{action_name()} (bearer)")
        return None
    if request.endpoint == "admin.login":
        return None
    if not session_is_admin():
        if g.admin_json:
            challenge = WWWAuthenticate("bearer")
            raise Unauthorized(
                "需要登录：请提供 Authorization: Bearer <令牌>。", www_authenticate=challenge
            )
        return redirect(url_for("admin.login"), 303)
    if request.method == "POST":
        check_csrf()
    return None


@bp.after_request
def no_store(response):
    """Admin pages hold per-session tokens and upload results: never cache them."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def admin_context() -> dict:
    return {
        "csrf_token": session.get("csrf", ""),
        "max_upload": human_size(current_app.config["MAX_CONTENT_LENGTH"]),
        "suffixes": SUPPORTED_SUFFIXES,
        "uploads_folder": UPLOADS,
    }


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
    return f"粘贴的正文超过 {human_size(config['MAX_FORM_MEMORY_SIZE'])} 的上限，请改为上传文件。"


@bp.errorhandler(HTTPException)
def admin_error(e: HTTPException):
    """Errors of admin requests: JSON for scripts, the site's error page otherwise."""
    status = e.code or 500
    if status == 413:
        audit(action_name(), "refused: request too large", logging.WARNING)
        message = too_large_message()
    elif isinstance(e, InternalServerError) or e.description == type(e).description:
        message = TITLES.get(status, e.name)  # Werkzeug's English default text
    else:
        message = e.description or ""
    headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
    if g.get("admin_json"):
        return {"error": message}, status, headers
    title = TITLES.get(status, "出错了")
    return (
        render_template("error.html", status=status, title=title, message=message),
        status,
        headers,
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form, and the one POST without a CSRF token: there is no
    session yet, and forging a login would take the token itself."""
    if g.admin_bearer:
        return {"status": "ok"}  # the header has already been checked
    if request.method == "GET":
        if session_is_admin():
            return redirect(url_for("admin.index"), 303)
        return render_template("admin/login.html")
    try:
        check_token(request.form.get("token", ""), "login")
    except HTTPException as e:
        headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
        return render_template("admin/login.html", error=e.description), e.code, headers
    session.clear()
    session.permanent = True
    session["admin_since"] = int(time.time())
    session["csrf"] = secrets.token_urlsafe(32)
    audit("login", "ok")
    return redirect(url_for("admin.index"), 303)


@bp.post("/logout")
def logout():
    """A POST with the CSRF token, so another site cannot log the admin out."""
    session.clear()
    audit("logout", "ok")
    if g.admin_json:
        return {"status": "logged out"}
    return redirect(url_for("admin.login"), 303)


@bp.get("")
def index():
    """The admin page: the index's size, the forms, the last action's outcome."""
    state = admin_state()
    if g.admin_json:
        return {"documents": documents(), "last": asdict(state.last) if state.last else None}
    return render_template("admin/index.html", documents=documents(), last=state.last)


@bp.post("/upload")
def upload():
    """Save uploaded files in <corpus>/uploads/ (reindexing after, if asked)."""
    outcome = Outcome("upload")
    files = [f for f in request.files.getlist("files") if f.filename]
    for f in files:
        try:
            outcome.saved.append(
                save_upload(current_app.config["CORPUS_DIR"], f.filename, f.read())
            )
        except UploadError as e:
            outcome.rejected.append({"name": e.name, "reason": e.reason})
    if not files:
        outcome.rejected.append({"name": "", "reason": "没有选择文件"})
    return finish_saving(outcome)


@bp.post("/paste")
def paste():
    """Save a pasted article as a .txt in the site's scraped format."""
    outcome = Outcome("paste")
    form = request.form
    fields = [form.get(k, "") for k in ("title", "body", "column", "date")]
    try:
        outcome.saved.append(save_pasted(current_app.config["CORPUS_DIR"], *fields))
    except UploadError as e:
        outcome.rejected.append({"name": e.name, "reason": e.reason})
    return finish_saving(outcome)


@bp.post("/reindex")
def reindex():
    """Bring the index up to date with the corpus now (uploads included)."""
    outcome = Outcome("reindex")
    run_reindex(outcome)
    return respond(outcome, outcome.report if outcome.report is not None else {})


def finish_saving(outcome: Outcome):
    """Log what was saved, reindex if asked, answer with the outcome."""
    names = ", ".join(repr(r["name"]) for r in outcome.rejected)
    audit(
        outcome.action,
        f"saved {outcome.saved!r}" + (f"; rejected {names}" if names else ""),
        logging.INFO if outcome.saved else logging.WARNING,
    )
    if not outcome.saved:
        outcome.status = 400
    elif request.values.get("reindex", "").lower() in YES:
        run_reindex(outcome)
    body = {"saved": outcome.saved, "rejected": outcome.rejected, "report": outcome.report}
    return respond(outcome, body)


def respond(outcome: Outcome, body: dict):
    """Remember ``outcome`` as the last action; answer scripts with ``body``
    (plus ``error``), browsers with the admin page showing the outcome."""
    admin_state().last = outcome
    if g.admin_json:
        return (body | {"error": outcome.error} if outcome.error else body), outcome.status
    page = render_template("admin/index.html", documents=documents(), last=outcome)
    return page, outcome.status


def run_reindex(outcome: Outcome) -> None:
    """Bring the index up to date with the corpus; the report, or why not,
    goes into ``outcome``."""
    config = current_app.config
    try:
        report = indexer.reindex(config["CORPUS_DIR"], config["INDEX_DIR"])
    except IndexBusyError:
        audit("reindex", "refused: another reindex is running", logging.WARNING)
        outcome.error, outcome.status = "另一个重建索引任务正在进行，请等它完成后再试。", 409
        return
    except (IndexerError, OSError) as e:
        audit("reindex", f"failed: {e}", logging.ERROR)
        outcome.error, outcome.status = f"重建索引失败：{e}", 500
        return
    outcome.report = report.as_dict()
    audit(
        "reindex",
        f"ok: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.deleted)} deleted, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed; {report.documents} documents",
    )


def documents() -> int | None:
    """Articles in the live index, None while there is none. Read from the
    SearchIndex that search_app keeps in app.extensions (importing search_app
    here would make the two modules import each other)."""
    ix = current_app.extensions.get("search_index")
    if ix is None:
        return None
    ix.refresh()
    return ix.doc_count
