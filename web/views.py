"""The site's pages: the search page, results and articles (HTML)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound

import indexer
from indexer.errors import QueryError
from web.params import BadParameter, int_arg, kept_filters, request_filters
from web.state import count_search, get_index, hot_searches, run_search

bp = Blueprint("views", __name__)

BAD_PAGE = "页码无效：页码应为正整数。"
SORTS = (("relevance", "相关度"), ("date", "时间"))


@bp.get("/")
def home():
    return render_home("")


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    if not q.strip():
        return render_home(q)
    try:
        page = int_arg("page", 1)
    except BadParameter:
        return render_template("search.html", q=q, error=BAD_PAGE, retry=True), 400
    try:
        filters = request_filters()
        result = run_search(q, page, current_app.config["PAGE_SIZE"], filters)
    except QueryError as e:
        return render_template("search.html", q=q, error=str(e)), 400
    count_search(q, result, filters)
    keep = kept_filters()
    return render_template(
        "search.html",
        q=q,
        result=result,
        page_links=page_links(result.page, result.pages),
        keep=keep,
        facets=facet_links(q, keep, result),
        chips=filter_chips(q, keep),
        feed_url=url_for("feeds.search_feed", q=q, **without(keep, "sort")),
    )


@bp.get("/advanced")
def advanced():
    """高级搜索: a form whose fields are composed into the query syntax, then
    the results page (so its address is an ordinary, shareable search)."""
    args = request.args
    if not args.get("go"):  # the form, filled with the query it came from
        return render_advanced({"all": args.get("q", "")})
    words = (args.get("all", ""), args.get("phrase", ""))
    q = indexer.compose_query(*words, args.get("none", ""), bool(args.get("title")))
    error = "" if indexer.compose_query(*words).strip() else "请至少填写一项要找的词。"
    try:
        request_filters()
    except QueryError as e:
        error = error or str(e)
    if error:
        return render_advanced(args.to_dict(), error), 400
    keep: dict[str, Any] = kept_filters()
    if keep.get("sort") == "relevance":  # the default: not spelled out in the address
        keep = without(keep, "sort")
    return redirect(url_for("views.search", q=q, **keep), 303)


def render_advanced(values: dict[str, str], error: str = "") -> str:
    return render_template(
        "advanced.html",
        values=values,
        error=error,
        choices=indexer.filter_choices(get_index()),
    )


@bp.get("/article/<path:article_id>")
def article(article_id: str):
    q = request.args.get("q", "")
    return render_template("article.html", view=find_article(article_id, q), q=q)


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


def without(keep: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in keep.items() if k not in names}


def filter_chips(q: str, keep: dict[str, Any]) -> list[dict[str, str]]:
    """The filters in force as chips, each linking to the search without it."""
    chips: list[tuple[str, tuple[str, ...]]] = []
    if keep.get("from") or keep.get("to"):
        span = f"{keep.get('from', '不限')} 至 {keep.get('to', '不限')}"
        chips.append((f"时间：{span}", ("from", "to")))
    for name, heading in (("column", "栏目"), ("place", "地区")):
        if keep.get(name):
            chips.append((f"{heading}：{keep[name]}", (name,)))
    return [
        {"label": label, "url": url_for("views.search", q=q, **without(keep, *drop))}
        for label, drop in chips
    ]


def page_links(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show around ``page``: first, last and neighbours; None is a gap."""
    shown = {1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)}
    links: list[int | None] = []
    for n in sorted(shown):
        if links and n - (links[-1] or 0) > 1:
            links.append(None)
        links.append(n)
    return links


def facet_links(q: str, keep: dict[str, Any], result: indexer.SearchPage) -> dict[str, list[dict]]:
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
                    "url": url_for("views.search", q=q, **{**keep, **span}),
                }
            )
    for name in ("column", "place"):
        for value, count in result.facets.get(name, []):
            links[name].append(
                {
                    "label": value,
                    "count": count,
                    "current": keep.get(name) == value,
                    "url": url_for("views.search", q=q, **{**keep, name: value}),
                }
            )
    for sort, label in SORTS:
        links["sort"].append(
            {
                "label": label,
                "active": keep.get("sort", "relevance") == sort,
                "url": url_for("views.search", q=q, **{**keep, "sort": sort}),
            }
        )
    return links
