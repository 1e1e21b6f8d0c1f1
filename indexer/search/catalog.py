"""What the index holds, listed for editors: every article with its file,
source and original address (searchable, sorted by date or by when it was
added, paged), the files that could not be indexed and why, and whether an
upload would duplicate something already there.

The live generation's ``files.json`` (per corpus file: its articles' ids and
character-index ids, its sha256, or the reason it failed) is the list; only
the articles on the page shown are read from Whoosh's stored fields. Article
cids grow as articles are added, so "newest added" is "highest cid".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.errors import ArticleError, QueryError
from indexer.index.layout import GenerationFiles
from indexer.index.reader import SearchIndex
from indexer.index.store import read_json
from indexer.ingest.corpus import content_hash
from indexer.ingest.load import load_bytes
from indexer.models import FileFailure
from indexer.search.matching import Matcher
from indexer.search.query import parse_query

SORTS = ("date", "added")


@dataclass(frozen=True)
class CatalogEntry:
    """One indexed article as editors see it."""

    id: str
    file: str  # the corpus file it came from (several articles for JSON Lines)
    title: str
    date: str | None
    column: str
    source: str
    source_url: str


@dataclass
class CatalogPage:
    """One page of the list, and the files the index could not take."""

    entries: list[CatalogEntry]
    total: int
    page: int
    per_page: int
    failed: list[FileFailure] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_articles(
    ix: SearchIndex, q: str = "", sort: str = "date", page: int = 1, per_page: int = 20
) -> CatalogPage:
    """Page ``page`` of the indexed articles, newest first by publication date
    (``sort="date"``) or by when they were indexed (``"added"``); with ``q``,
    only those whose file name contains it or whose text matches it as a
    search. QueryError for an unknown sort or a query over the limits."""
    if sort not in SORTS:
        raise QueryError(f"排序方式只能是 {' 或 '.join(SORTS)}。")
    with ix.searcher() as (gen, searcher):
        files: dict = read_json(GenerationFiles(gen.path).path(GenerationFiles.FILES))
        failed = _failures(files)
        cids, names = _articles(files)
        if q.strip():
            keep = _matching(gen, cids, names, q)
            cids, names = cids[keep], [n for n, k in zip(names, keep, strict=True) if k]
        docnums = np.asarray(gen.docmap)[cids] if len(cids) else np.zeros(0, dtype=np.int64)
        if sort == "date":
            order = np.lexsort((-cids, -np.asarray(gen.dates)[docnums]))
        else:
            order = np.argsort(-cids, kind="stable")
        chosen = order[(page - 1) * per_page : page * per_page].tolist()
        reader = searcher.reader()
        entries = [_entry(reader.stored_fields(int(docnums[i])), names[i]) for i in chosen]
    return CatalogPage(entries, len(cids), page, per_page, failed)


def _articles(files: dict) -> tuple[np.ndarray, list[str]]:
    """Every indexed article's cid, and the file it came from, in file order."""
    cids: list[int] = []
    names: list[str] = []
    for name, info in files.items():
        if not info.get("error"):
            cids.extend(info.get("cids", []))
            names.extend([name] * len(info.get("cids", [])))
    return np.asarray(cids, dtype=np.int64), names


def _failures(files: dict) -> list[FileFailure]:
    """Files that failed as a whole, then single bad records of good files."""
    whole = [FileFailure(name, info["error"]) for name, info in files.items() if info.get("error")]
    parts = [
        FileFailure(path, reason)
        for info in files.values()
        for path, reason in info.get("failures", [])
    ]
    return whole + parts


def _matching(gen, cids: np.ndarray, names: list[str], q: str) -> np.ndarray:
    """Which of ``cids`` a search for ``q`` finds, or whose file name holds ``q``."""
    by_name = np.array([q.strip().lower() in n.lower() for n in names], dtype=bool)
    parsed = parse_query(q)
    if parsed.is_empty():
        return by_name
    matcher = Matcher(gen)
    match = matcher.match(parsed)
    found = np.isin(cids, match.cids)
    if not match.exact:  # candidates: check each (an editor's list must be exact)
        found &= np.array(
            [bool(f) and matcher.matches(int(c), parsed) for c, f in zip(cids, found, strict=True)],
            dtype=bool,
        )
    return by_name | found


def _entry(fields: dict, file: str) -> CatalogEntry:
    return CatalogEntry(
        id=fields["id"],
        file=file,
        title=fields.get("title", ""),
        date=fields.get("date"),
        column=fields.get("column", ""),
        source=fields.get("source", ""),
        source_url=fields.get("source_url", ""),
    )


def duplicate_of(ix: SearchIndex, relpath: str, data: bytes, replacing: str = "") -> str | None:
    """Why saving ``data`` as corpus file ``relpath`` would make a second copy
    of something indexed, in Chinese for the uploader; None if it is new.
    Same bytes as an indexed file, or an article with the same original
    address as an indexed one (other than in ``replacing``, the file it is
    to replace), count as the same. Unreadable data is compared by bytes
    only; the reindex reports what is wrong with it."""
    digest = content_hash(data)
    try:
        articles, _failures = load_bytes(data, relpath)
    except ArticleError:
        articles = []
    urls = {a.source_url for a in articles if a.source_url}
    with ix.searcher() as (gen, searcher):
        files: dict = read_json(GenerationFiles(gen.path).path(GenerationFiles.FILES))
        for name, info in files.items():
            if info.get("sha256") == digest:
                return f"与已收录的文件 {name} 内容相同"
        # The original address is a stored field only: every article is read.
        # Uploads are rare and this is bounded by the index's size.
        for fields in searcher.reader().all_stored_fields() if urls else ():
            url, where = fields.get("source_url"), fields.get("file", "")
            if url in urls and where != replacing:
                return (
                    f"原文地址 {url} 已收录（{fields['id']}）；如需更正，请在文章列表中替换该文件"
                )
    return None
