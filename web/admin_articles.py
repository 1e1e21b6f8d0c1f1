"""The editors' article list on the admin blueprint (/admin/articles): every
indexed article with its file, source, original address and state, searched,
sorted and paged; files the index could not take, with the reason in
Chinese; and, per file, delete (the file goes, the index follows) and
replace (a corrected version over it), refused when it would be a second
copy of another indexed article (:func:`web.state.duplicate_reason`).

Like the rest of the admin, this only turns HTTP into calls of the library
(:mod:`indexer.search.catalog`, :mod:`indexer.ingest.uploads`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from flask import current_app, g, render_template, request

from indexer.errors import QueryError, UploadError
from indexer.ingest.uploads import remove_file, replace_file
from indexer.search.catalog import SORTS, CatalogPage, list_articles
from web.admin import Outcome, admin_state, bp, run_reindex
from web.auth import audit
from web.params import BadParameter, int_arg
from web.reasons import in_chinese
from web.state import documents, duplicate_reason, get_index
from web.views import BAD_PAGE

PER_PAGE = 20
SORT_LABELS = {"date": "发布日期", "added": "收录时间"}


@bp.app_template_filter("in_chinese")
def in_chinese_filter(reason: str) -> str:
    return in_chinese(reason)


@bp.get("/articles")
def articles():
    """The list: ``q`` searches text and file names, ``sort`` is date or added."""
    return respond(None)


@bp.post("/articles/delete")
def delete():
    """Delete one corpus file (all its articles) and reindex."""
    outcome = Outcome("delete")
    name = request.form.get("file", "")
    try:
        outcome.saved.append(remove_file(current_app.config["CORPUS_DIR"], name))
    except UploadError as e:
        outcome.reject(e.name, e.reason)
    return finish(outcome)


@bp.post("/articles/replace")
def replace():
    """Put an uploaded, corrected version in place of one corpus file."""
    outcome = Outcome("replace")
    name, upload = request.form.get("file", ""), request.files.get("upload")
    try:
        if upload is None or not upload.filename:
            raise UploadError(name, "没有选择替换用的文件")
        data = upload.read()
        same = duplicate_reason(upload.filename, data, replacing=name)
        if same:
            raise UploadError(upload.filename, same)
        outcome.saved.append(
            replace_file(current_app.config["CORPUS_DIR"], name, upload.filename, data)
        )
    except UploadError as e:
        outcome.reject(e.name, e.reason)
    return finish(outcome)


def finish(outcome: Outcome):
    """Log the change, reindex after one, and answer with the list."""
    what = ", ".join(outcome.saved) or ", ".join(r["name"] for r in outcome.rejected)
    done = "ok" if outcome.saved else "refused: " + "; ".join(r["reason"] for r in outcome.rejected)
    audit(outcome.action, f"{what}: {done}", logging.INFO if outcome.saved else logging.WARNING)
    if outcome.saved:
        run_reindex(outcome)
    else:
        outcome.status = 400
    admin_state().last = outcome
    return respond(outcome)


def respond(outcome: Outcome | None):
    """The list page (JSON for scripts), with ``outcome`` above it."""
    try:
        page = int_arg("page", 1)
        sort = request.args.get("sort", "date")
        listing = list_articles(get_index(), request.args.get("q", ""), sort, page, PER_PAGE)
    except BadParameter:
        listing, error = CatalogPage([], 0, 1, PER_PAGE), BAD_PAGE
    except QueryError as e:
        listing, error = CatalogPage([], 0, 1, PER_PAGE), str(e)
    else:
        error = ""
    status = outcome.status if outcome else (400 if error else 200)
    if g.admin_json:
        body = {
            "articles": [asdict(entry) for entry in listing.entries],
            "total": listing.total,
            "failed": [{"path": f.path, "reason": in_chinese(f.reason)} for f in listing.failed],
        }
        if outcome is not None:
            body |= {"saved": outcome.saved, "rejected": outcome.rejected, "report": outcome.report}
        problem = error or (outcome.error if outcome else "")
        return (body | {"error": problem} if problem else body), status
    return (
        render_template(
            "admin/articles.html",
            listing=listing,
            documents=documents(),
            last=outcome,
            error=error,
            list_q=request.args.get("q", ""),
            sort=request.args.get("sort", "date"),
            sorts=[(s, SORT_LABELS[s]) for s in SORTS],
        ),
        status,
    )
