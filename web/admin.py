"""The admin pages: site staff add articles and reindex, from a browser or a script.

Off unless an admin token is configured (``SEARCH_ADMIN_TOKEN``, or the
``ADMIN_TOKEN`` config key): without one no /admin route exists, so every
/admin address is the site's normal 404. With one, every /admin request must
carry the token, either once through the login form (the signed session
cookie then vouches for it, and each form carries a CSRF token) or as
``Authorization: Bearer <token>``, which scripts use and which gets JSON.
How the token, the session and the CSRF token are checked, and the audit log,
live in :mod:`web.auth`; this module holds the blueprint and its views.

Like :mod:`web.views`, this only translates HTTP into calls of :mod:`indexer`
(``save_upload``, ``save_pasted``, ``reindex``). It is one piece: a
blueprint with its views, which share one outcome record and one
respond-as-HTML-or-JSON path; split over modules, the routes would be
registered piecemeal.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

import indexer
from indexer.errors import IndexBusyError, IndexerError, SynonymError, UploadError
from indexer.ingest.corpus import SUPPORTED_SUFFIXES
from indexer.ingest.uploads import UPLOADS, save_pasted, save_upload
from indexer.search.synonyms import append_entry
from web.auth import (
    action_name,
    audit,
    check_token,
    end_session,
    init_access,
    require_admin,
    session_is_admin,
    start_session,
)
from web.errors import http_error, human_size, kept_headers
from web.reasons import in_chinese
from web.state import (
    documents,
    duplicate_reason,
    forget_hot_searches,
    hot_searches,
    query_log,
    synonyms,
)
from web.update import UpdateBusy, start_update, update_status

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_admin)  # the token, a login session or, on POST, the CSRF token

# Settings of the admin pages, defaults of create_app's config (FLASK_<NAME> overrides).
DEFAULTS = {
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # bytes per request
    "ADMIN_SESSION_LIFETIME": timedelta(hours=8),
    "ADMIN_MAX_FAILURES": 5,  # failed token attempts per address …
    "ADMIN_FAILURE_WINDOW": 300,  # … within this many seconds, then 429
    "ADMIN_STATE_DB": None,  # failures and logouts shared by workers; None: instance/admin.sqlite
}
YES = ("1", "true", "yes", "on")
MIN_TOKEN_LENGTH = 16


def init_app(app: Flask) -> None:
    """Serve /admin on ``app`` when an admin token is configured; otherwise
    register nothing, so /admin stays the normal 404."""
    token = app.config["ADMIN_TOKEN"]
    if not token:
        return
    if len(str(token)) < MIN_TOKEN_LENGTH:  # it also keys the session cookies' signatures
        app.logger.warning("the admin token is short; use a long random one")
    init_access(app, bp.url_prefix or "/admin")
    app.extensions["search_admin"] = AdminState()
    app.register_blueprint(bp)


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

    def reject(self, name: str, reason: str) -> None:
        """Record one item the action refused, by name, with why."""
        self.rejected.append({"name": name, "reason": reason})


@dataclass
class AdminState:
    """Per-app admin state: the last action's outcome (in this process only,
    like admin_auth's failure counts)."""

    last: Outcome | None = None


def admin_state() -> AdminState:
    return current_app.extensions["search_admin"]


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
        "synonyms_file": synonyms().path,
        "synonyms_local": synonyms().local,
        "new_term": request.args.get("term", "")[:50],
    }


def zero_results() -> list[tuple[str, int, str]]:
    """Queries that found nothing lately: candidates for the synonyms file."""
    log = query_log()
    return log.zero_results() if log is not None else []


def render_index(last: Outcome | None) -> str:
    """The admin page; the query log is read here, not for every admin
    template (the login and error pages need none of it)."""
    log = query_log()
    return render_template(
        "admin/index.html",
        documents=documents(),
        last=last,
        zero_results=zero_results(),
        hot=hot_searches(),
        hidden=log.hidden() if log is not None else [],
        update=update_status(current_app.config),
    )


@bp.errorhandler(413)
def too_large(e: HTTPException):
    """A too large upload or paste is logged like every admin action."""
    audit(action_name(), "refused: request too large", logging.WARNING)
    return http_error(e)


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
        return render_template("admin/login.html", error=e.description), e.code, kept_headers(e)
    start_session()
    audit("login", "ok")
    return redirect(url_for("admin.index"), 303)


@bp.post("/logout")
def logout():
    """A POST with the CSRF token, so another site cannot log the admin out."""
    end_session()
    audit("logout", "ok")
    if g.admin_json:
        return {"status": "logged out"}
    return redirect(url_for("admin.login"), 303)


@bp.get("")
def index():
    """The admin page: the index's size, the forms, the last action's outcome."""
    state = admin_state()
    if g.admin_json:
        return {
            "documents": documents(),
            "last": asdict(state.last) if state.last else None,
            "zero_results": [
                {"query": q, "searches": n, "last_day": day} for q, n, day in zero_results()
            ],
            "update": update_status(current_app.config),
        }
    return render_index(state.last)


@bp.post("/upload")
def upload():
    """Save uploaded files in <corpus>/uploads/ (reindexing after, if asked)."""
    outcome = Outcome("upload")
    files = [f for f in request.files.getlist("files") if f.filename]
    for f in files:
        try:
            data = f.read()
            if same := duplicate_reason(f.filename or "", data):  # never a second copy
                raise UploadError(f.filename or "", same)
            outcome.saved.append(
                save_upload(current_app.config["CORPUS_DIR"], f.filename or "", data)
            )
        except UploadError as e:
            outcome.reject(e.name, e.reason)
    if not files:
        outcome.reject("", "没有选择文件")
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
        outcome.reject(e.name, e.reason)
    return finish_saving(outcome)


@bp.post("/synonyms")
def add_synonyms():
    """Add a synonyms entry to the site's own file: searches use it at once."""
    outcome = Outcome("synonyms")
    form, local = request.form, synonyms().local
    both = form.get("both_ways", "").lower() in YES
    try:
        if local is None:
            raise SynonymError("没有配置可写的同义词文件（SYNONYMS_LOCAL）。")
        outcome.saved.append(
            append_entry(local, form.get("term", ""), form.get("synonyms", ""), both)
        )
    except (SynonymError, OSError) as e:
        outcome.error, outcome.status = str(e), 400
    audit("synonyms", f"added {outcome.saved!r}" if outcome.saved else f"refused: {outcome.error}")
    return respond(outcome, {"saved": outcome.saved})


@bp.post("/hot/<any(hide, show):action>")
def hot_search(action: str):
    """Hide a query from the home page's hot searches, or show it again."""
    outcome = Outcome("hot")
    log, query = query_log(), request.form.get("query", "")
    change = (log.hide if action == "hide" else log.unhide) if log is not None else None
    if change is not None and change(query):
        forget_hot_searches()
        outcome.saved.append(f"{'已隐藏' if action == 'hide' else '已恢复'}：{query.strip()}")
    else:
        outcome.error, outcome.status = "没有改动：查询日志未启用，或这个搜索词不在列表中。", 400
    audit("hot", f"{action} {query.strip()!r}: " + ("ok" if outcome.saved else "no change"))
    return respond(outcome, {"saved": outcome.saved})


@bp.post("/reindex")
def reindex():
    """Bring the index up to date with the corpus now (uploads included)."""
    outcome = Outcome("reindex")
    run_reindex(outcome)
    return respond(outcome, outcome.report if outcome.report is not None else {})


@bp.post("/update")
def update():
    """从网站更新: start a crawl of the configured sites and a reindex in the
    background (web/update.py); the page shows its progress and result."""
    outcome = Outcome("update")
    try:
        start_update(current_app.config)
        outcome.saved.append("已开始从网站更新")
    except UpdateBusy as e:
        outcome.error, outcome.status = str(e), 409
    audit("update", "started" if outcome.saved else f"refused: {outcome.error}")
    return respond(outcome, {"saved": outcome.saved, "update": update_status(current_app.config)})


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
    page = render_index(outcome)
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
        outcome.error, outcome.status = f"重建索引失败：{in_chinese(str(e), '')}", 500
        return
    outcome.report = report.as_dict()
    audit(
        "reindex",
        f"ok: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.deleted)} deleted, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed; {report.documents} documents",
    )
