"""Corpus files -> :class:`~indexer.models.Article`.

The entry points the indexer calls (``iter_corpus_files``, ``article_id``,
``load_file``), byte decoding shared by every format, and the parser for the
site's scraped text format. HTML pages and JSON Lines have their own modules;
this one dispatches to them by file suffix. No jieba and no Whoosh here.

The scraped format (see ``corpus/README.md`` and the example in ``corpus/``)::

    今天是:                       <- date widget, dropped
    工作动态                      <- column (栏目)
    【…】(之三)勐海县:筑牢党建根基   <- title, verbatim
    来源 :西双版纳先锋 访问次数 : 发布时间 :2021-10-01
    编者按:                       <- body: every paragraph, in order
    …
    来源:西双版纳先锋              <- trailing source line, dropped
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.dates import find_date, parse_date
from indexer.errors import ArticleError
from indexer.models import Article, FileFailure

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")

# A decoded file with more than this share of control characters (other than
# tab, newline, form feed) is binary that happened to decode.
MAX_CONTROL_RATIO = 0.1
CONTROL_SAMPLE = 8192  # characters; enough to tell text from binary
# Byte-order marks declare their encoding outright, so they win over any
# guessing. UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Header lines may only sit this far down; further on, a line such as
# "时间：10月1日上午" is body text, not the meta line.
HEADER_WINDOW = 4
# Column names (工作动态, 组工要闻, 县市动态) are a few Chinese characters with no
# punctuation; titles are longer. Consulted only where the layout is ambiguous.
_COLUMN_RE = re.compile(r"[\u4e00-\u9fff]{2,8}")
_DATE_WIDGET = "今天是"
_META_LABEL_RE = re.compile(
    r"(来源|作者|责任编辑|编辑|发布时间|发布日期|日期|时间|访问次数|浏览次数|点击次数|点击数|阅读次数)"
    r"\s*[:：]\s*"
)
_META_FIELDS = {
    "来源": "source",
    "作者": "author",
    "责任编辑": "editor",
    "编辑": "editor",
    "发布时间": "date",
    "发布日期": "date",
    "日期": "date",
    "时间": "date",
}
_MAX_TRAILING_SOURCE = 60  # longer "来源:…" lines are paragraphs, kept


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every article file under ``corpus_dir``, sorted by id (see scan_corpus)."""
    return [path for _, path in scan_corpus(corpus_dir)]


def scan_corpus(corpus_dir: Path) -> list[tuple[str, Path]]:
    """(id, path) of every article file under ``corpus_dir``, sorted by id.

    Sorted so reindex reports and tests are stable across file systems. Hidden
    files and folders (editor swap files, ``.git``), ``README*`` notes and
    symlinks leading outside the corpus are skipped; symlinked folders are not
    followed, so one file is never indexed twice under two ids. Works on
    directory entries and strings, not pathlib, because a reindex of a large
    corpus runs it on every file before it knows what changed.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    root = corpus_dir.resolve()
    found: list[tuple[str, Path]] = []
    pending = [("", os.fspath(corpus_dir))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((rel + "/", entry.path))
                elif _is_article_entry(entry, root):
                    found.append((rel, Path(entry.path)))
    found.sort()
    return found


def _is_article_entry(entry: os.DirEntry, root: Path) -> bool:
    """Whether a file found in the walk should be indexed."""
    name = entry.name
    if name.upper().startswith("README"):
        return False
    if os.path.splitext(name)[1].lower() not in SUPPORTED_SUFFIXES:
        return False
    if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root):
        logger.warning("skipping %s: symlink points outside the corpus", entry.path)
        return False
    return entry.is_file()


def article_id(path: Path, corpus_dir: Path) -> str:
    """The id of the article in ``path``: its path relative to the corpus, POSIX style.

    Symlinks are not resolved, so a linked file keeps the id of where it sits.
    """
    path, corpus_dir = Path(path), Path(corpus_dir)
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.absolute().relative_to(corpus_dir.absolute()).as_posix()


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
    # Imported here: the importers use decode_bytes and parse_meta_line from
    # this module, so a top-level import would be circular.
    from indexer.importers_html import decode_html, parse_html
    from indexer.importers_jsonl import parse_jsonl

    _check_bytes(data, relpath)
    suffix = os.path.splitext(relpath)[1].lower()
    decode = decode_html if suffix in (".html", ".htm") else decode_bytes
    try:
        text = decode(data)
    except ValueError as e:
        raise ArticleError(relpath, str(e)) from e
    _check_text(text, relpath)
    if suffix in (".html", ".htm"):
        return [parse_html(text, relpath)], []
    if suffix == ".jsonl":
        return parse_jsonl(text, relpath)
    if suffix == ".txt":
        return [parse_text(text, relpath)], []
    raise ArticleError(relpath, f"unsupported file type {suffix!r}")


def _check_bytes(data: bytes, relpath: str) -> None:
    """Reject empty and binary files before trying to decode them."""
    if not data.strip():
        raise ArticleError(relpath, "empty file")
    if b"\x00" in data and not data.startswith(tuple(bom for bom, _ in _BOMS)):
        raise ArticleError(relpath, "binary file (not text)")


def _check_text(text: str, relpath: str) -> None:
    """Reject decoded text that is blank or mostly control characters."""
    if not text.strip():
        raise ArticleError(relpath, "empty file")
    sample = text[:CONTROL_SAMPLE]
    controls = sum(1 for c in sample if c not in "\t\n\f" and unicodedata.category(c) == "Cc")
    if controls > MAX_CONTROL_RATIO * len(sample):
        raise ArticleError(relpath, "binary file (not text)")


def decode_bytes(data: bytes) -> str:
    """Decode a corpus file whose encoding nobody told us, with "\\n" line ends.

    Order: a byte-order mark, strict UTF-8, strict GB18030 (a superset of GBK
    and GB2312, what Chinese Windows editors save), then charset-normalizer for
    anything else. Raises ValueError when nothing fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise_newlines(data.decode(encoding))
    for encoding in ("utf-8", "gb18030"):
        try:
            return _normalise_newlines(data.decode(encoding))
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot decode: not UTF-8 or GB18030")
    logger.debug("decoded as %s by charset detection", best.encoding)
    return _normalise_newlines(str(best).lstrip("\ufeff"))


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, each stripped at both ends.

    ``str.strip`` also removes NBSP and the ideographic space, which scraping
    leaves as indentation and as "empty" spacer paragraphs.
    """
    return [line.strip() for line in text.split("\n") if line.strip()]


def parse_meta_line(line: str) -> dict[str, str] | None:
    """Read a ``来源 :… 访问次数 : 发布时间 :…`` line into its fields.

    Returns None unless the line starts with a known label. Spaces around the
    colon, full-width or ASCII colons, any order and missing fields are all
    accepted. Known keys: ``source``, ``date`` (as written), ``author``,
    ``editor``; counters such as 访问次数 are dropped.
    """
    line = line.strip()
    labels = list(_META_LABEL_RE.finditer(line))
    if not labels or labels[0].start() != 0:
        return None
    fields: dict[str, str] = {}
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        end = following.start() if following else None
        key = _META_FIELDS.get(label[1])
        if key:
            fields.setdefault(key, line[label.end() : end].strip())
    return fields


def meta_date(fields: dict[str, str]) -> str | None:
    """The ISO date of a meta line's 发布时间 field, None when absent or unreadable."""
    value = fields.get("date", "")
    return parse_date(value) or find_date(value)


def split_trailing_source(lines: list[str]) -> tuple[list[str], str]:
    """Drop a closing ``来源:西双版纳先锋`` line; return the other lines and that source.

    The site repeats the source under the text. It is a byline, not a paragraph,
    but it still names the source when the meta line does not. A lone line is
    never dropped: it is the title, not a byline.
    """
    if len(lines) < 2 or len(lines[-1]) > _MAX_TRAILING_SOURCE:
        return lines, ""
    fields = parse_meta_line(lines[-1])
    if fields is None or set(fields) != {"source"}:
        return lines, ""
    return lines[:-1], fields["source"]


def parse_text(text: str, article_id: str) -> Article:
    """Parse one article in the site's scraped text format.

    Raises :class:`ArticleError` when no title or no body text can be found.
    """
    lines = text_lines(text)
    if lines and lines[0].startswith(_DATE_WIDGET):
        lines = lines[1:]
    lines, trailing_source = split_trailing_source(lines)
    column, title, fields, body = _split_header(lines)
    if not title:
        raise ArticleError(article_id, "no title found")
    if not body:
        raise ArticleError(article_id, "no body text (truncated?)")
    return Article(
        id=article_id,
        title=title,
        body="\n".join(body),
        date=meta_date(fields),
        column=column,
        source=fields.get("source") or trailing_source,
        file=article_id,
    )


def _split_header(lines: list[str]) -> tuple[str, str, dict[str, str], list[str]]:
    """Split the lines after the date widget into column, title, meta fields, body.

    With a meta line the layout is known: the title is just above it and the
    column above that. A lone line above the meta line is the title, unless it
    looks like a column name (then the title is missing). Without a meta line,
    the first line is the column only if it looks like one.
    """
    for k, line in enumerate(lines[:HEADER_WINDOW]):
        fields = parse_meta_line(line)
        if fields is not None:
            head, body = lines[:k], lines[k + 1 :]
            if len(head) == 1 and _COLUMN_RE.fullmatch(head[0]):
                return head[0], "", fields, body  # 工作动态 but the title line is lost
            if len(head) < 2:
                return "", "".join(head), fields, body
            # Two or more header lines: column first, then a title that a
            # wrapped scrape may have split over several lines.
            return head[0], " ".join(head[1:]), fields, body
    if len(lines) > 2 and _COLUMN_RE.fullmatch(lines[0]):
        return lines[0], lines[1], {}, lines[2:]
    return "", lines[0] if lines else "", {}, lines[1:]
