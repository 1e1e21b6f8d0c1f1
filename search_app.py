"""The web front end: HTTP in, calls of :mod:`indexer` out, templates or JSON back.

Run it with ``python search_app.py`` or ``flask --app search_app run``. There is
no search logic here; see ``indexer`` for that.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

import indexer
from indexer.errors import IndexBusyError, IndexMissingError, QueryError

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

BAD_PAGE = "页码无效：页码应为正整数。"
ERROR_TITLES = {
    400: "请求有误",
    404: "页面不存在",
    405: "不支持的请求方式",
    500: "服务器内部错误",
    503: "搜索服务暂不可用",
}


class BadParameter(ValueError):
    """A query-string parameter we cannot use; the message is for the user."""


class HtmlSafeJSONProvider(DefaultJSONProvider):
    """JSON whose text never contains a raw ``<``, ``>`` or ``&``, so an echoed
    query cannot turn into markup even if a client renders the body as HTML."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        # These characters only occur inside JSON strings, where \uXXXX is equivalent.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the Werkzeug and Python versions in ``Server``."""

    def version_string(self) -> str:
        return "xsbn-search"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json = HtmlSafeJSONProvider(app)
    app.config.from_mapping(
        INDEX_DIR=os.path.join(app.instance_path, "index"),
        CORPUS_DIR=str(Path(__file__).resolve().parent / "corpus"),
        PAGE_SIZE=10,
        MAX_PER_PAGE=100,
        BUILD_IF_MISSING=True,
        DEMO=False,  # a banner on every page: the articles are generated samples
        PROXY_FIX=0,  # number of reverse proxies in front whose X-Forwarded-* to trust
        SYNONYMS_FILE=None,  # None: the shipped indexer/data/synonyms.txt
        # the site's own additions (the admin page writes here); "": none
        SYNONYMS_LOCAL=os.path.join(app.instance_path, "synonyms.txt"),
        QUERY_LOG=os.path.join(app.instance_path, "querylog.sqlite"),  # "": no log
        HOT_DAYS=7,
        HOT_MIN_COUNT=2,  # searches before a query may show as hot
    )
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)

    indexer.warm_up(cache_dir=app.instance_path)  # jieba's dictionary, loaded once
    app.extensions["synonyms"] = indexer.SynonymFile(
        app.config["SYNONYMS_FILE"], app.config["SYNONYMS_LOCAL"] or None
    )
    log_path = app.config["QUERY_LOG"]
    app.extensions["query_log"] = indexer.QueryLog(log_path) if log_path else None
    app.extensions["search_index_lock"] = threading.Lock()
    app.extensions["search_index"] = None
    if app.config["BUILD_IF_MISSING"]:
        build_missing_index(app)
    try:
        app.extensions["search_index"] = indexer.open_index(app.config["INDEX_DIR"])
    except IndexMissingError as e:
        app.logger.warning("%s", e)  # requests get a 503 until the index is built

    register_views(app)
    register_error_handlers(app)
    app.after_request(add_security_headers)

    # Admin pages (search_admin.py): /admin exists only when SEARCH_ADMIN_TOKEN is set.
    from search_admin import init_app as init_admin

    init_admin(app)

    if app.config["PROXY_FIX"]:
        trust_proxy_headers(app, int(app.config["PROXY_FIX"]))
    return app


def trust_proxy_headers(app: Flask, proxies: int) -> None:
    """Behind nginx every request comes from 127.0.0.1 over plain HTTP; take the
    client address and scheme from the X-Forwarded-For/-Proto headers that the
    last ``proxies`` proxies set. Off by default: without a proxy in front,
    anyone could send those headers and pose as another address."""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def build_missing_index(app: Flask) -> None:
    index_dir, corpus_dir = app.config["INDEX_DIR"], app.config["CORPUS_DIR"]
    if indexer.index_exists(index_dir):
        return
    if not Path(corpus_dir).is_dir():
        app.logger.warning("no index at %s and no corpus folder at %s", index_dir, corpus_dir)
        return
    app.logger.info("no index at %s; building one from %s", index_dir, corpus_dir)
    try:
        report = indexer.reindex(corpus_dir, index_dir)
    except IndexBusyError as e:
        app.logger.warning("index is being built by another process: %s", e)
        return
    app.logger.info(
        "built index: %d documents, %d added, %d failed, %.1f s",
        report.documents,
        len(report.added),
        len(report.failed),
        report.seconds,
    )
    for failure in report.failed:
        app.logger.warning("skipped %s: %s", failure.path, failure.reason)


def get_index() -> indexer.SearchIndex:
    """The app's one SearchIndex, opened on first use if it was missing at start-up
    and refreshed so a finished reindex is picked up."""
    ext = current_app.extensions
    if ext["search_index"] is None:
        with ext["search_index_lock"]:
            if ext["search_index"] is None:
                ext["search_index"] = indexer.open_index(current_app.config["INDEX_DIR"])
    ix = ext["search_index"]
    ix.refresh()
    return ix


def int_arg(name: str, default: int, maximum: int = 999_999_999) -> int:
    """A positive integer query parameter, or BadParameter with a clear message."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    digits = raw.lstrip("0")
    if not (raw.isascii() and raw.isdigit() and digits):
        raise BadParameter(f"{name} must be a positive integer, not {raw[:20]!r}")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise BadParameter(f"{name} must be between 1 and {maximum}, not {raw[:20]}")
    return int(digits)


def page_links(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show around ``page``: first, last and neighbours; None is a gap."""
    shown = {1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)}
    links: list[int | None] = []
    for n in sorted(shown):
        if links and n - (links[-1] or 0) > 1:
            links.append(None)
        links.append(n)
    return links


def hit_json(hit: indexer.Hit, q: str) -> dict:
    return {
        "id": hit.id,
        "path": hit.id,
        "title": hit.title,
        "title_html": str(hit.title_html),
        "date": hit.date,
        "column": hit.column,
        "source": hit.source,
        "url": url_for("article", article_id=hit.id, q=q or None),
        "snippet_html": str(hit.snippet_html),
        "score": hit.score,
    }


FILTER_PARAMS = ("from", "to", "column", "place", "sort")


def run_search(q: str, page: int, per_page: int) -> indexer.SearchPage:
    """indexer.search with the request's filters and the app's synonyms; a
    first page without filters goes into the query log (hot searches, and
    queries that found nothing as typed, for editors). QueryError if the
    input is bad."""
    filters = request_filters()
    synonyms = current_app.extensions["synonyms"].current()
    result = indexer.search(get_index(), q, page, per_page, filters, synonyms)
    log = current_app.extensions["query_log"]
    if log is not None and page == 1 and not filters.narrows:
        # what was typed found nothing when the zero-results chain ran, even
        # if a later step found something: editors want exactly those queries
        log.record(q, 0 if result.steps else result.total)
    return result


def hot_searches() -> list[tuple[str, int]]:
    log = current_app.extensions["query_log"]
    if log is None:
        return []
    config = current_app.config
    return log.hot(days=config["HOT_DAYS"], min_count=config["HOT_MIN_COUNT"])


def request_filters() -> indexer.Filters:
    """Date range, column, place and sort from the query string (QueryError if bad)."""
    args = request.args
    return indexer.parse_filters(
        args.get("from"), args.get("to"), args.get("column"), args.get("sort"), args.get("place")
    )


def kept_filters() -> dict[str, str]:
    """The filter parameters in force, for links that keep them."""
    return {k: request.args[k] for k in FILTER_PARAMS if request.args.get(k, "").strip()}


def facet_links(q: str, keep: dict[str, str], result) -> dict[str, list[dict]]:
    """Links that narrow the results to one year, column or place, keeping the rest."""
    links: dict[str, list[dict]] = {"year": [], "column": [], "place": [], "sort": []}
    for value, count in result.facets.get("year", []):
        if value.isdigit():
            span = {"from": f"{value}-01-01", "to": f"{value}-12-31"}
            links["year"].append(
                {
                    "label": value,
                    "count": count,
                    "current": all(keep.get(k) == v for k, v in span.items()),
                    "url": url_for("search", q=q, **{**keep, **span}),
                }
            )
    for name in ("column", "place"):
        for value, count in result.facets.get(name, []):
            links[name].append(
                {
                    "label": value,
                    "count": count,
                    "current": keep.get(name) == value,
                    "url": url_for("search", q=q, **{**keep, name: value}),
                }
            )
    for sort, label in (("relevance", "相关度"), ("date", "时间")):
        links["sort"].append(
            {
                "label": label,
                "active": keep.get("sort", "relevance") == sort,
                "url": url_for("search", q=q, **{**keep, "sort": sort}),
            }
        )
    return links


def register_views(app: Flask) -> None:
    @app.get("/")
    def home():
        return render_home("")

    @app.get("/search")
    def search():
        q = request.args.get("q", "")
        if not q.strip():
            return render_home(q)
        try:
            page = int_arg("page", 1)
        except BadParameter:
            return render_template("search.html", q=q, error=BAD_PAGE, retry=True), 400
        try:
            result = run_search(q, page, current_app.config["PAGE_SIZE"])
        except QueryError as e:
            return render_template("search.html", q=q, error=str(e)), 400
        keep = kept_filters()
        return render_template(
            "search.html",
            q=q,
            result=result,
            page_links=page_links(result.page, result.pages),
            keep=keep,
            facets=facet_links(q, keep, result),
        )

    @app.get("/article/<path:article_id>")
    def article(article_id: str):
        q = request.args.get("q", "")
        return render_template("article.html", view=find_article(article_id, q), q=q)

    @app.get("/api/article/<path:article_id>")
    def api_article(article_id: str):
        q = request.args.get("q", "")
        view = find_article(article_id, q)
        a = view.article
        return jsonify(
            id=a.id,
            title=a.title,
            title_html=str(view.title_html),
            date=a.date,
            column=a.column,
            source=a.source,
            url=a.url,
            paragraphs_html=[str(p) for p in view.paragraphs_html],
            related=[hit_json(hit, "") for hit in view.related],
        )

    @app.get("/api/search")
    def api_search():
        q = request.args.get("q", "")
        try:
            page = int_arg("page", 1)
            config = current_app.config
            per_page = int_arg("per_page", config["PAGE_SIZE"], config["MAX_PER_PAGE"])
            result = run_search(q, page, per_page)
        except (BadParameter, QueryError) as e:
            return {"error": str(e)}, 400
        return jsonify(
            query=q,
            searched=result.searched,
            total=result.total,
            total_is_estimate=result.total_is_estimate,
            page=page,
            per_page=per_page,
            took_ms=round(result.took_ms, 2),
            hits=[hit_json(hit, q) for hit in result.hits],
            facets={
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in result.facets.items()
            },
            also_searched=[
                {"term": term, "synonyms": alternatives}
                for term, alternatives in result.also_searched
            ],
            steps=[asdict(step) for step in result.steps],
            did_you_mean=result.did_you_mean,
            keywords=result.keywords,
        )

    @app.get("/api/suggest")
    def api_suggest():
        q = request.args.get("q", "")
        try:
            limit = int_arg("limit", 8, 20)
        except BadParameter as e:
            return {"error": str(e)}, 400
        found = indexer.suggest(get_index(), q, limit)
        return jsonify(query=q, suggestions=[asdict(s) for s in found])

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "documents": get_index().doc_count}


def find_article(article_id: str, q: str) -> indexer.ArticleView:
    """The article with ``q`` highlighted, or a 404 (JSON under /api/)."""
    if article_id.startswith("/") or ".." in article_id.split("/"):
        raise NotFound("没有找到这篇文章。")
    view = indexer.article_view(get_index(), article_id, q)
    if view is None:
        raise NotFound("没有找到这篇文章，它可能已被删除或移动。")
    return view


def render_home(q: str):
    return render_template("search.html", q=q, documents=get_index().doc_count, hot=hot_searches())


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(status: int, message: str, headers: list | None = None):
    if wants_json():
        return {"error": message}, status, headers or []
    title = ERROR_TITLES.get(status, "出错了")
    body = render_template("error.html", status=status, title=title, message=message)
    return body, status, headers or []


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if isinstance(e, InternalServerError):  # Flask has logged the traceback
            return render_error(500, "服务器出了点问题，请稍后再试。")
        # Our own abort()/raise messages are shown; Werkzeug's English defaults are not.
        own = e.description != type(e).description
        status = e.code or 500
        message = e.description if own else ERROR_TITLES.get(status, e.name)
        headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]  # Allow
        return render_error(status, message, headers)

    @app.errorhandler(IndexMissingError)
    def index_missing(e: IndexMissingError):
        app.logger.error("%s", e)
        return render_error(503, f"搜索索引尚未建立。请先建立索引：{e}")


def add_security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    return response


@click.command()
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True, help="Address.")
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True, help="Port.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help="Index folder.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), help="Corpus folder.")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def main(host: str, port: int, index_dir: str | None, corpus_dir: str | None, debug: bool):
    """Serve the 西双版纳先锋 site search."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir}
    app = create_app({k: v for k, v in overrides.items() if v is not None})
    app.run(host=host, port=port, debug=debug, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
