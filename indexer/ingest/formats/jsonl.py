"""JSON Lines exports (one article per line) -> Articles.

Each line is an object with ``title`` and ``body`` (a string, or a list of
paragraph strings) and optionally ``date``, ``column``, ``source``, ``url`` and
``id``. A bad line is reported as ``<file>#<line>`` and the rest still loads,
so one broken record in a bulk export does not hide the others. Only the
first MAX_LINE_FAILURES bad lines are reported one by one, then a count: a
file of a million bad lines must not make every reindex report a million.
"""

from __future__ import annotations

import json
import logging

from indexer.errors import ArticleError
from indexer.ingest.dates import parse_date
from indexer.ingest.decode import normalise_newlines, text_lines
from indexer.ingest.limits import MAX_ARTICLE_CHARS, MAX_JSONL_LINES, MAX_LINE_FAILURES
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
    bad_lines = 0
    lines = text.split("\n")
    if len(lines) > MAX_JSONL_LINES + 1:  # + 1: the empty string after a final line break
        raise ArticleError(
            relpath,
            f"too many lines: {len(lines) - 1:,}, the limit is {MAX_JSONL_LINES:,}; "
            "split it into smaller files",
        )
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = parse_record(line, relpath, lineno)
            if article.id in first_line_of:
                raise RecordError(f"duplicate id (first on line {first_line_of[article.id]})")
        except RecordError as e:
            bad_lines += 1
            if bad_lines <= MAX_LINE_FAILURES:
                failures.append(FileFailure(path=f"{relpath}#{lineno}", reason=str(e)))
            continue
        first_line_of[article.id] = lineno
        articles.append(article)
    if not articles and not bad_lines:
        raise ArticleError(relpath, "empty file")
    if not articles:
        first = failures[0]
        line = first.path.rpartition("#")[2]
        raise ArticleError(relpath, f"no valid records (line {line}: {first.reason})")
    if bad_lines > MAX_LINE_FAILURES:
        more = bad_lines - MAX_LINE_FAILURES
        failures.append(FileFailure(relpath, f"{more:,} more bad lines not listed"))
    return articles, failures


def parse_record(line: str, relpath: str, lineno: int) -> Article:
    """Turn one JSON line into an Article; raises RecordError with the reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON: {e.msg} (column {e.colno})") from e
    except RecursionError:  # thousands of nested [ or {: this line only
        raise RecordError("invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise RecordError(f"not a JSON object but {type(record).__name__}")
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RecordError('missing or empty "title"')
    paragraphs = _body_paragraphs(record.get("body"))
    size = len(title) + sum(len(p) for p in paragraphs)
    if size > MAX_ARTICLE_CHARS:
        raise RecordError(
            f"article too long: {size:,} characters, the limit is {MAX_ARTICLE_CHARS:,}"
        )
    return Article(
        id=f"{relpath}#{_record_id(record.get('id'), lineno)}",
        title=title.strip(),
        body="\n".join(paragraphs),
        date=_record_date(record.get("date"), relpath, lineno),
        column=_optional_text(record, "column"),
        source=_optional_text(record, "source"),
        source_url=_optional_text(record, "url"),
        file=relpath,
    )


def _record_id(value: object, lineno: int) -> str:
    """The id a record names (else its line number), usable as the last part
    of an article address: no control characters, no ``.``/``..`` segments,
    no empty segments, so its link leads back to it."""
    if not isinstance(value, str) or not value.strip():
        return str(lineno)
    text = value.strip()
    if any(not c.isprintable() for c in text):
        raise RecordError('unusable "id": it contains a line break or a control character')
    if any(part in ("", ".", "..") for part in text.split("/")):
        raise RecordError(f'unusable "id" {text!r}: empty, "." or ".." path parts')
    return text


def _body_paragraphs(body: object) -> list[str]:
    """The body's paragraphs, from a string or a list of strings."""
    if isinstance(body, str):
        parts = [body]
    elif isinstance(body, list) and all(isinstance(p, str) for p in body):
        parts = body
    else:
        raise RecordError('"body" must be a string or a list of strings')
    # A JSON string may carry "\r\n" from the exporting system.
    paragraphs = text_lines(normalise_newlines("\n".join(parts)))
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
