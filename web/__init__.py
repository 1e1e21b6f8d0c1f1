"""The web layer: HTTP in, calls of :mod:`indexer` out, templates or JSON back.

``create_app`` is the application factory (Flask's tutorial pattern): config
defaults, then ``FLASK_*`` environment variables, then the caller's overrides;
shared state goes into ``app.extensions`` (see :mod:`web.state`); the site's
pages, the JSON API, the admin pages and the error pages are blueprints and
handlers of their own modules. No search logic and no Whoosh here.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.paths import (
    DEFAULT_CORPUS_DIR,
    DEFAULT_INDEX_DIR,
    DEFAULT_INSTANCE_DIR,
    DEFAULT_SITES_FILE,
)
from indexer.search.suggest import SUGGESTIONS
from web import admin, admin_articles, api, errors, feeds, state, views
from web.jsonify import HtmlSafeJSONProvider

# templates/ and static/ sit at the top of the checkout, beside search_app.py.
ROOT = Path(__file__).resolve().parent.parent

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """The search site; ``test_config`` overrides every other setting."""
    app = Flask(
        "search_app",
        root_path=str(ROOT),
        instance_path=str(DEFAULT_INSTANCE_DIR),
        instance_relative_config=True,
    )
    app.json = HtmlSafeJSONProvider(app)
    app.config.from_mapping(default_config(app.instance_path))
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)

    state.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    errors.init_app(app)
    app.after_request(add_security_headers)
    admin.init_app(app)  # /admin exists only when an admin token is configured
    assert admin_articles.bp is admin.bp  # its views are on the admin blueprint
    if app.config["PROXY_FIX"]:
        trust_proxy_headers(app, int(app.config["PROXY_FIX"]))
    state.warm_in_background(app)  # last: it sends the complete app a first search
    return app


def default_config(instance_path: str) -> dict:
    """Every setting's default, in one place; ``FLASK_<NAME>`` overrides each."""
    return dict(
        INDEX_DIR=str(DEFAULT_INDEX_DIR),
        CORPUS_DIR=str(DEFAULT_CORPUS_DIR),
        PAGE_SIZE=10,
        MAX_PER_PAGE=100,
        SUGGEST_LIMIT=SUGGESTIONS,  # suggestions a search box shows
        MAX_SUGGEST_LIMIT=20,
        BUILD_IF_MISSING=True,
        DEMO=False,  # a banner on every page: the articles are generated samples
        PROXY_FIX=0,  # number of reverse proxies in front whose X-Forwarded-* to trust
        SYNONYMS_FILE=None,  # None: the shipped indexer/data/synonyms.txt
        # the site's own additions (the admin page writes here); "": none
        SYNONYMS_LOCAL=os.path.join(instance_path, "synonyms.txt"),
        QUERY_LOG=None,  # None: the index's own, beside it (INDEX_DIR.querylog.sqlite); "": none
        SITES_FILE=str(DEFAULT_SITES_FILE),  # what 从网站更新 crawls
        UPDATE_STATUS=os.path.join(instance_path, "update-status.json"),  # its progress
        HOT_DAYS=7,
        HOT_MIN_COUNT=2,  # readers who searched a query (once a day each) before it may show
        HOT_LIMIT=10,  # hot searches shown
        HOT_CACHE_SECONDS=60,  # each process works the hot searches out once a minute
        WARM_UP=True,  # load the vocabulary in the background at start-up
        # /admin exists only with a token (SEARCH_ADMIN_TOKEN, or FLASK_ADMIN_TOKEN)
        ADMIN_TOKEN=os.environ.get("SEARCH_ADMIN_TOKEN", ""),
        **admin.DEFAULTS,
    )


def trust_proxy_headers(app: Flask, proxies: int) -> None:
    """Behind nginx every request comes from 127.0.0.1 over plain HTTP; take the
    client address and scheme from the X-Forwarded-For/-Proto headers that the
    last ``proxies`` proxies set. Off by default: without a proxy in front,
    anyone could send those headers and pose as another address."""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def add_security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    return response
