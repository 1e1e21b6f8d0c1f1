"""The JSON API: /api/search, /api/article, /api/suggest and /healthz."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request, url_for

import indexer
from indexer.errors import QueryError
from indexer.urls import http_url
from web.params import BadParameter, int_arg, request_filters
from web.state import get_index, run_search
from web.views import find_article

bp = Blueprint("api", __name__)


def hit_json(hit: indexer.Hit, q: str) -> dict:
    """The library's form of a hit plus the address of its page here."""
    return {**hit.as_dict(), "url": url_for("views.article", article_id=hit.id, q=q or None)}


@bp.get("/api/article/<path:article_id>")
def article(article_id: str):
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
        url=url_for("views.article", article_id=a.id, q=q or None),
        source_url=http_url(a.source_url),  # also for indexes built before import checked it
        attachments=[{"name": name, "url": http_url(url)} for name, url in a.attachments],
        paragraphs_html=[str(p) for p in view.paragraphs_html],
        related=[hit_json(hit, "") for hit in view.related],
    )


@bp.get("/api/search")
def search():
    q = request.args.get("q", "")
    try:
        page = int_arg("page", 1)
        config = current_app.config
        per_page = int_arg("per_page", config["PAGE_SIZE"], config["MAX_PER_PAGE"])
        result = run_search(q, page, per_page, request_filters())
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
            {"term": term, "synonyms": alternatives} for term, alternatives in result.also_searched
        ],
        steps=[asdict(step) for step in result.steps],
        did_you_mean=result.did_you_mean,
        keywords=result.keywords,
    )


@bp.get("/api/suggest")
def suggest():
    q = request.args.get("q", "")
    config = current_app.config
    try:
        limit = int_arg("limit", config["SUGGEST_LIMIT"], config["MAX_SUGGEST_LIMIT"])
    except BadParameter as e:
        return {"error": str(e)}, 400
    found = indexer.suggest(get_index(), q, limit)
    return jsonify(query=q, suggestions=[asdict(s) for s in found])


@bp.get("/healthz")
def healthz():
    """``ok``, or ``degraded`` when the newest generation is damaged and an
    older one is served (which, and why, are in the answer)."""
    return get_index().status()
