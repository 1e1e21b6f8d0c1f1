"""What the app's requests share, kept in ``app.extensions`` (like flaskr's
``db.get_db``): the open index, the synonyms files, the query log and the hot
searches read from it. Views reach it only through these functions.

Which searches count for the hot list is decided here, per request: only a
reader's first search of a query that day, typed in a browser (not an API
call, a script, a crawler or a prefetch); see :func:`count_search`.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from pathlib import Path

from flask import Flask, current_app, request

import indexer
from indexer.errors import IndexBusyError, IndexMissingError, UploadError
from indexer.ingest.uploads import UPLOADS, safe_name
from indexer.querylog import normalize_query
from indexer.search.catalog import duplicate_of

WARM_UP_QUERY = "党建"  # any word: what matters is that every code path runs once


def init_app(app: Flask) -> None:
    """Open the synonyms, the query log and the index (building the index
    first when it is missing and the app may). Opening or building the index
    loads jieba, its cache in the index folder (store.warm_up)."""
    config = app.config
    app.extensions["synonyms"] = indexer.SynonymFile(
        config["SYNONYMS_FILE"], config["SYNONYMS_LOCAL"] or None
    )
    log_path = config["QUERY_LOG"]
    if log_path is None:  # the default: the index's own log, beside it
        log_path = indexer.log_beside(config["INDEX_DIR"])
    app.extensions["query_log"] = indexer.QueryLog(log_path) if log_path else None
    app.extensions["counted_today"] = indexer.OncePerDay()
    app.extensions["search_index_lock"] = threading.Lock()
    app.extensions["search_index"] = None
    if config["BUILD_IF_MISSING"]:
        build_missing_index(app)
    try:
        _keep_index(app, indexer.open_index(config["INDEX_DIR"]))
    except IndexMissingError as e:
        app.logger.warning("%s", e)  # requests get a 503 until the index is built


def warm_in_background(app: Flask) -> None:
    """Load what the first search would otherwise load while a reader waits
    (the vocabulary, a searcher, the templates, the code paths of a search
    and a suggestion) in a thread, so the app starts serving at once and the
    first reader's search is as fast as any. Called once the app is complete.
    The requests come from no browser, so they are not counted as searches."""
    if not app.config["WARM_UP"] or app.extensions.get("search_index") is None:
        return

    def warm() -> None:
        # The views are called in a request context, not through the app's
        # dispatch: the app has handled no request yet afterwards, so the
        # caller may still add to it (routes, handlers).
        try:
            for endpoint in ("views.search", "api.suggest"):
                with app.test_request_context(query_string={"q": WARM_UP_QUERY}):
                    app.view_functions[endpoint]()
        except Exception:  # a warm-up must never take the app down; searches retry
            app.logger.exception("warming up the index failed")

    app.extensions["warm_up"] = thread = threading.Thread(target=warm, name="warm-up", daemon=True)
    thread.start()


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
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                _keep_index(app, indexer.open_index(app.config["INDEX_DIR"]))
    ix = ext["search_index"]
    ix.refresh()
    return ix


def _keep_index(app: Flask, ix: indexer.SearchIndex) -> None:
    """Make ``ix`` the app's index, its files closed when the app is dropped.
    An app is freed as a reference cycle, all at once, and the files' own
    finalizers would otherwise find them still open (tests make many apps;
    a server makes one, which lives as long as its process)."""
    app.extensions["search_index"] = ix
    weakref.finalize(app, ix.close)


def documents() -> int | None:
    """Articles in the live index, None while there is none (no 503 for the
    admin page, which must work before the first index exists)."""
    ix = current_app.extensions.get("search_index")
    if ix is None:
        return None
    ix.refresh()
    return ix.doc_count


def synonyms() -> indexer.SynonymFile:
    return current_app.extensions["synonyms"]


def query_log() -> indexer.QueryLog | None:
    return current_app.extensions.get("query_log")


def run_search(q: str, page: int, per_page: int, filters: indexer.Filters) -> indexer.SearchPage:
    """indexer.search with the app's index and synonyms. QueryError if the
    input is bad."""
    return indexer.search(get_index(), q, page, per_page, filters, synonyms().current())


def count_search(q: str, result: indexer.SearchPage, filters: indexer.Filters) -> None:
    """Count a reader's search in the query log (hot searches, and queries
    that found nothing as typed, for editors): the first page without
    filters, typed by a reader, once per reader and query a day."""
    log = query_log()
    if log is None or result.page != 1 or filters.narrows or not typed_by_a_reader():
        return
    query = normalize_query(q)
    client = f"{request.remote_addr}|{request.user_agent.string}"
    if query is None or not current_app.extensions["counted_today"].first(client, query):
        return
    # what was typed found nothing when the zero-results chain ran, even
    # if a later step found something: editors want exactly those queries
    found = 0 if result.steps else result.total
    if found and not indexer.is_plain(q):
        return  # 党建 OR <any text>: another part found the articles, not the text
    log.record(q, found)


# Browsers' prefetch and prerender requests say so in one of these headers.
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
NOT_A_READER = re.compile(r"bot|spider|crawl|slurp|headless|python|curl|wget|java/", re.I)


def typed_by_a_reader() -> bool:
    """A browser's own navigation: not a prefetch, not a crawler or a script
    (user agents that are not a browser's, or that say they are robots)."""
    headers = request.headers
    if any(
        w in headers.get(h, "").lower() for h in PREFETCH_HEADERS for w in ("prefetch", "prerender")
    ):
        return False
    agent = request.user_agent.string
    return agent.startswith("Mozilla/") and not NOT_A_READER.search(agent)


def hot_searches() -> list[tuple[str, int]]:
    """The hot searches to show, worked out at most once every
    HOT_CACHE_SECONDS per process: every home page shows them."""
    cache = current_app.extensions.setdefault("hot_cache", {})
    now = time.monotonic()
    if cache.get("until", 0.0) > now:
        return cache["value"]
    value = current_hot_searches()
    cache.update(until=now + current_app.config["HOT_CACHE_SECONDS"], value=value)
    return value


def forget_hot_searches() -> None:
    """After an editor's change: this process works them out afresh now
    (the others within HOT_CACHE_SECONDS)."""
    current_app.extensions.pop("hot_cache", None)


def current_hot_searches() -> list[tuple[str, int]]:
    """The most counted plain queries (no operators) that still find
    articles in the index as it is now (one that finds nothing is not an
    invitation worth showing)."""
    log = query_log()
    if log is None:
        return []
    config = current_app.config
    limit = config["HOT_LIMIT"]
    candidates = log.hot(
        days=config["HOT_DAYS"], limit=limit * 3, min_count=config["HOT_MIN_COUNT"]
    )
    try:
        ix = get_index()
    except IndexMissingError:
        return []
    table = synonyms().current()
    plain = [(q, n) for q, n in candidates if indexer.is_plain(q)]
    return [(q, n) for q, n in plain if indexer.count_matches(ix, q, table) > 0][:limit]


def duplicate_reason(name: str, data: bytes, replacing: str = "") -> str | None:
    """Why an upload called ``name`` would be a second copy of an indexed
    article (see catalog.duplicate_of), or None; None too before there is an
    index (nothing to duplicate) and for an unusable name (the save says why)."""
    try:
        return duplicate_of(get_index(), f"{UPLOADS}/{safe_name(name)}", data, replacing)
    except (IndexMissingError, UploadError):
        return None
