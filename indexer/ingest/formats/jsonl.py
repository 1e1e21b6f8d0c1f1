"""JSON Lines exports (one article per line) -> Articles.

Each line is an object with ``title`` and ``body`` (a string, or a list of
paragraph strings) and optionally ``date``, ``column``, ``source``, ``url`` and
``id``. A bad line is reported as ``<file>#<line>`` and the rest still loads,
so one broken record in a bulk export does not hide the others.
"""

from __future__ import annotations

import json
import logging

from indexer.errors import ArticleError
from indexer.ingest.dates import parse_date
from indexer.ingest.decode import text_lines
from indexer.models import Article, FileFailure

logger = logging.getLogger(__name__)


class RecordError(ValueError):
    """One line that is not a usable article; its message is the failure reason."""


def parse_jsonl(text: str, relpath: str) -> tuple[list[Article], list[FileFailure]]:
    """Parse a JSON Lines file into articles and per-line failures.

    Raises :class:`ArticleError` when no line yields an article, naming the
    first failure, since then the file is probably not JSON Lines at all.
    """
    articles: list[Article] = []
    failures: list[FileFailure] = []
    first_line_of: dict[str, int] = {}  # article id -> line, to catch duplicate ids
    bad_lines: list[int] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            article = parse_record(line, relpath, lineno)
            if article.id in first_line_of:
                raise RecordError(f"duplicate id (first on line {first_line_of[article.id]})")
        except RecordError as e:
            failures.append(FileFailure(path=f"{relpath}#{lineno}", reason=str(e)))
            bad_lines.append(lineno)
            continue
        first_line_of[article.id] = lineno
        articles.append(article)
    if not articles and not failures:
        raise ArticleError(relpath, "empty file")
    if not articles:
        reason = f"no valid records (line {bad_lines[0]}: {failures[0].reason})"
        raise ArticleError(relpath, reason)
    return articles, failures


def parse_record(line: str, relpath: str, lineno: int) -> Article:
    """Turn one JSON line into an Article; raises RecordError with the reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON: {e.msg} (column {e.colno})") from e
    if not isinstance(record, dict):
        raise RecordError(f"not a JSON object but {type(record).__name__}")
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RecordError('missing or empty "title"')
    paragraphs = _body_paragraphs(record.get("body"))
    record_id = record.get("id")
    suffix = record_id.strip() if isinstance(record_id, str) and record_id.strip() else lineno
    return Article(
        id=f"{relpath}#{suffix}",
        title=title.strip(),
        body="\n".join(paragraphs),
        date=_record_date(record.get("date"), relpath, lineno),
        column=_optional_text(record, "column"),
        source=_optional_text(record, "source"),
        url=_optional_text(record, "url"),
        file=relpath,
    )


def _body_paragraphs(body: object) -> list[str]:
    """The body's paragraphs, from a string or a list of strings."""
    if isinstance(body, str):
        parts = [body]
    elif isinstance(body, list) and all(isinstance(p, str) for p in body):
        parts = body
    else:
        raise RecordError('"body" must be a string or a list of strings')
    # A JSON string may carry "\r\n" from the exporting system.
    paragraphs = text_lines("\n".join(parts).replace("\r\n", "\n").replace("\r", "\n"))
    if not paragraphs:
        raise RecordError('missing or empty "body"')
    return paragraphs


def _record_date(value: object, relpath: str, lineno: int) -> str | None:
    """The ISO date of the record; an unreadable date is logged, not fatal (it is optional)."""
    if value is None or value == "":
        return None
    date = parse_date(value) if isinstance(value, str) else None
    if date is None:
        logger.warning("%s#%d: ignoring unreadable date %r", relpath, lineno, value)
    return date


def _optional_text(record: dict, key: str) -> str:
    """An optional text field; a non-string value is ignored with a warning."""
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        logger.warning("ignoring non-text %r field %r", key, value)
        return ""
    return value.strip()
