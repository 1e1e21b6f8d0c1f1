"""Baseline: jieba + Whoosh set up the way the tutorials and jieba's README do it.

This is the thing our engine has to beat, so it is deliberately the obvious
setup and nothing more: ``jieba.analyse.ChineseAnalyzer()`` on title and body,
a two-process writer, ``QueryParser("body")`` with its default AND grouping,
and ``hit.highlights("body")``. Files are split naively (title = 4th line,
body = everything after it). Do not tune it; its weaknesses are the point.
"""

from __future__ import annotations

from pathlib import Path

from jieba.analyse import ChineseAnalyzer
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from engines import TOP

UNAVAILABLE = None


def read_article(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return lines[3], "\n".join(lines[4:])


def build(corpus_dir: Path, work_dir: Path) -> None:
    analyzer = ChineseAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=analyzer),
        body=TEXT(stored=True, analyzer=analyzer),
    )
    work_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(work_dir), schema)
    writer = ix.writer(procs=2, limitmb=256)
    for path in sorted(corpus_dir.rglob("*.txt")):
        title, body = read_article(path)
        writer.add_document(id=path.relative_to(corpus_dir).as_posix(), title=title, body=body)
    writer.commit()


class Searcher:
    def __init__(self, work_dir: Path):
        self._ix = index.open_dir(str(work_dir))
        self._searcher = self._ix.searcher()
        self._parser = QueryParser("body", self._ix.schema)
        self.last_snippets: list[str] = []

    def search(self, query: str, with_snippets: bool) -> tuple[int, list[str]]:
        results = self._searcher.search(self._parser.parse(query), limit=TOP)
        ids = [hit["id"] for hit in results]
        if with_snippets:
            self.last_snippets = [hit.highlights("body") for hit in results]
        return len(results), ids
