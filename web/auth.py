"""Who may use the admin pages: the token, the login session, CSRF and the audit log.

Every /admin request must carry the admin token, either once through the
login form (the signed session cookie then vouches for it, and each form
carries a CSRF token) or as ``Authorization: Bearer <token>``. Wrong tokens
are counted per client address and refused for a while once there are too
many, and every admin action leaves one line in the audit log. The failure
counts and the sessions ended by logging out are shared by all workers
(authstore.py): a cookie copied before a logout opens nothing after it.

The blueprint (search_admin) runs :func:`require_admin` before each of its
requests and :func:`check_token` for the login form; this module holds how
those checks are made and what they remember.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.logging import default_handler, has_level_handler
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized

from web.authstore import AuthStore, FailureLimiter

# The audit log keeps the name the README and deployments know it by.
log = logging.getLogger("search_admin")

# Label of the session key derived from the token: all workers given the same
# token sign sessions alike, and a new token logs every admin out.
SESSION_KEY_LABEL = b"xsbn-search admin session key v1"


def init_access(app: Flask, cookie_path: str) -> None:
    """Set ``app`` up for admin logins: sessions signed with a key derived
    from the token (unless SECRET_KEY is configured) in a cookie sent only to
    ``cookie_path``, failures counted, actions logged."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = session_key(app.config["ADMIN_TOKEN"])
    app.session_interface = AdminSessionInterface(cookie_path)
    path = app.config["ADMIN_STATE_DB"] or os.path.join(app.instance_path, "admin.sqlite")
    store = AuthStore(path)
    app.extensions["admin_sessions"] = store
    app.extensions["admin_auth"] = FailureLimiter(
        app.config["ADMIN_MAX_FAILURES"], app.config["ADMIN_FAILURE_WINDOW"], store=store
    )
    keep_audit_log()


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
    says: only sent to ``path`` (the admin pages), HttpOnly, SameSite=Strict,
    Secure whenever the request came over HTTPS, and expiring after
    ADMIN_SESSION_LIFETIME."""

    def __init__(self, path: str) -> None:
        self.path = path

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root + self.path

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


def action_name() -> str:
    return (request.endpoint or "admin").removeprefix("admin.")


def bearer_token() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer":
        return None
    return auth.token or ""


def prefers_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


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


def check_token(given: str, action: str) -> None:
    """Pass if ``given`` is the admin token; otherwise count the failure and
    raise 403, or 429 once this address failed too often. The limit is
    checked first, so while it holds even the right token is refused and a
    guesser learns nothing."""
    limiter: FailureLimiter = current_app.extensions["admin_auth"]
    address = client_address()
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


def start_session() -> None:
    """Log the browser in after a correct token: a fresh session that knows
    when it began and carries its own CSRF token."""
    session.clear()
    session.permanent = True
    session["admin_since"] = int(time.time())
    session["sid"] = secrets.token_urlsafe(16)  # what a logout revokes
    session["csrf"] = secrets.token_urlsafe(32)


def end_session() -> None:
    """Log out: this session id is refused by every worker from now on,
    even from a copy of the cookie, until it would have expired anyway."""
    sid = session.get("sid")
    if isinstance(sid, str):
        until = session.get("admin_since", 0) + session_lifetime(current_app).total_seconds()
        current_app.extensions["admin_sessions"].revoke(sid, until)
    session.clear()


def session_is_admin() -> bool:
    """Whether the session cookie comes from a login that has not expired
    and was not ended by a logout."""
    since, sid = session.get("admin_since"), session.get("sid")
    if not isinstance(since, int) or not isinstance(sid, str):
        return False
    if not 0 <= time.time() - since < session_lifetime(current_app).total_seconds():
        return False
    return not current_app.extensions["admin_sessions"].is_revoked(sid)


def check_csrf() -> None:
    """A form POST from a session must echo the session's CSRF token: another
    site can make a browser send the cookie (were SameSite ever relaxed), but
    cannot read the token from our page."""
    expected = session.get("csrf", "")
    given = request.form.get("csrf_token", "")
    if not (expected and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))):
        audit(action_name(), "refused: missing or wrong CSRF token", logging.WARNING)
        abort(400, "表单已失效（CSRF 校验未通过），请刷新管理页后重试。")
