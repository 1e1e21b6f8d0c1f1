"""What the app's requests share, kept in ``app.extensions`` (like flaskr's
``db.get_db``): the open index, the synonyms files, the query log and the hot
searches read from it. Views reach it only through these functions."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

import indexer
from indexer.errors import IndexBusyError, IndexMissingError


def init_app(app: Flask) -> None:
    """Load jieba, open the synonyms, the query log and the index (building
    the index first when it is missing and the app may)."""
    config = app.config
    indexer.warm_up(config["INDEX_DIR"])  # jieba's dictionary, loaded once
    app.extensions["synonyms"] = indexer.SynonymFile(
        config["SYNONYMS_FILE"], config["SYNONYMS_LOCAL"] or None
    )
    log_path = config["QUERY_LOG"]
    app.extensions["query_log"] = indexer.QueryLog(log_path) if log_path else None
    app.extensions["search_index_lock"] = threading.Lock()
    app.extensions["search_index"] = None
    if config["BUILD_IF_MISSING"]:
        build_missing_index(app)
    try:
        app.extensions["search_index"] = indexer.open_index(config["INDEX_DIR"])
    except IndexMissingError as e:
        app.logger.warning("%s", e)  # requests get a 503 until the index is built


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
    """indexer.search with the app's index and synonyms; a first page without
    filters goes into the query log (hot searches, and queries that found
    nothing as typed, for editors). QueryError if the input is bad."""
    result = indexer.search(get_index(), q, page, per_page, filters, synonyms().current())
    log = query_log()
    if log is not None and page == 1 and not filters.narrows:
        # what was typed found nothing when the zero-results chain ran, even
        # if a later step found something: editors want exactly those queries
        log.record(q, 0 if result.steps else result.total)
    return result


def hot_searches() -> list[tuple[str, int]]:
    log = query_log()
    if log is None:
        return []
    config = current_app.config
    return log.hot(days=config["HOT_DAYS"], min_count=config["HOT_MIN_COUNT"])
