"""One corpus file -> its articles: read the bytes, check and decode them, and
hand the text to the parser of the file's format (by suffix). No jieba and no
Whoosh here."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from indexer.errors import ArticleError
from indexer.ingest.corpus import article_id
from indexer.ingest.decode import (
    check_bytes,
    check_text,
    decode_bytes,
    decode_html,
    strip_unsafe,
)
from indexer.ingest.formats.html import parse_html
from indexer.ingest.formats.jsonl import parse_jsonl
from indexer.ingest.formats.scraped import parse_text
from indexer.ingest.limits import MAX_ARTICLE_CHARS, MAX_HTML_CHARS
from indexer.models import Article, FileFailure
from indexer.urls import http_url


def load_file(path: Path, corpus_dir: Path) -> tuple[list[Article], list[FileFailure]]:
    """Read one corpus file into its articles, plus failures of single records.

    Raises :class:`ArticleError` when nothing in the file is usable, so the
    indexer can report the file by name and move on.
    """
    relpath = article_id(path, corpus_dir)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ArticleError(relpath, f"cannot read: {e.strerror or e}") from e
    return load_bytes(data, relpath)


def load_bytes(data: bytes, relpath: str) -> tuple[list[Article], list[FileFailure]]:
    """The articles in ``data``, the content of corpus file ``relpath``
    (its suffix says the format). The indexer reads each file once and hashes
    the same bytes it parses, so the hash it records is the content indexed."""
    text = decode_file(data, relpath)
    suffix = os.path.splitext(relpath)[1].lower()
    if suffix == ".jsonl":
        articles, failures = parse_jsonl(text, relpath)
        return [safe_article(a) for a in articles], failures
    if suffix in (".html", ".htm"):
        if len(text) > MAX_HTML_CHARS:
            raise ArticleError(relpath, too_long("page", len(text), MAX_HTML_CHARS))
        article = parse_html(text, relpath)
    elif suffix == ".txt":
        article = parse_text(text, relpath)
    else:
        raise ArticleError(relpath, f"unsupported file type {suffix!r}")
    size = article_chars(article)
    if size > MAX_ARTICLE_CHARS:
        raise ArticleError(relpath, too_long("article", size, MAX_ARTICLE_CHARS))
    return [safe_article(article)], []


def decode_file(data: bytes, relpath: str) -> str:
    """The text of corpus file ``relpath``; ArticleError when it is empty,
    binary (a gzip named .txt) or in no encoding we can read."""
    check_bytes(data, relpath)
    suffix = os.path.splitext(relpath)[1].lower()
    decode = decode_html if suffix in (".html", ".htm") else decode_bytes
    try:
        text = decode(data)
    except ValueError as e:
        raise ArticleError(relpath, str(e)) from e
    check_text(text, relpath)
    return text


def article_chars(article: Article) -> int:
    """The size an article is limited by: its title and text."""
    return len(article.title) + len(article.body)


def too_long(what: str, size: int, limit: int) -> str:
    return (
        f"{what} too long: {size:,} characters, the limit is {limit:,}; split it into smaller files"
    )


def safe_article(article: Article) -> Article:
    """``article`` as it may be shown: no control or bidirectional characters
    in its text, and an address only when it is http(s)."""
    return dataclasses.replace(
        article,
        title=strip_unsafe(article.title),
        body=strip_unsafe(article.body),
        column=strip_unsafe(article.column),
        source=strip_unsafe(article.source),
        source_url=http_url(article.source_url),
        attachments=tuple((strip_unsafe(n), http_url(u)) for n, u in article.attachments),
    )
