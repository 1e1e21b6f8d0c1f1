"""Reading a corpus the way the benchmark's ground truth sees it.

The truth for "which articles contain this phrase" must not depend on any
engine's parser, so it lives here: the searchable text of an article is its
title and its paragraphs, without the page chrome the scraper keeps (the date
widget, the column, the meta line and the trailing 来源 line), compared after
NFKC normalisation and case folding.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

META_PREFIX = "来源 :"
TRAILER_PREFIX = "来源:"


def article_paths(corpus_dir: Path) -> list[Path]:
    """Every article file, in a stable order."""
    return sorted(corpus_dir.rglob("*.txt"))


def article_id(corpus_dir: Path, path: Path) -> str:
    """The id every engine reports: the path relative to the corpus, POSIX style."""
    return path.relative_to(corpus_dir).as_posix()


def parse_article(text: str) -> tuple[str, list[str]]:
    """(title, paragraphs) of one scraped file; chrome lines are dropped."""
    lines = text.split("\n")
    title = lines[3].strip() if len(lines) > 3 else ""
    start = next((i + 1 for i, ln in enumerate(lines) if ln.startswith(META_PREFIX)), 4)
    paragraphs = [ln.strip() for ln in lines[start:]]
    paragraphs = [p for p in paragraphs if p and not p.startswith(TRAILER_PREFIX)]
    return title, paragraphs


def iter_articles(corpus_dir: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(id, title, paragraphs) for every article."""
    for path in article_paths(corpus_dir):
        title, paragraphs = parse_article(path.read_text(encoding="utf-8"))
        yield article_id(corpus_dir, path), title, paragraphs


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def tree_bytes(folder: Path) -> int:
    """Bytes of all regular files under ``folder`` (what "size on disk" means here)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
