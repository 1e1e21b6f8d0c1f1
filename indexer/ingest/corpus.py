"""The corpus folder: which files are articles, their ids, and what tells a
file changed (stat, then sha256 of its bytes). No parsing here: see load.py."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every article file under ``corpus_dir``, sorted by id (see scan_corpus)."""
    return [path for _, path in scan_corpus(corpus_dir)]


def scan_corpus(corpus_dir: Path) -> list[tuple[str, Path]]:
    """(id, path) of every article file under ``corpus_dir``, sorted by id.

    Sorted so reindex reports and tests are stable across file systems. Hidden
    files and folders (editor swap files, ``.git``), ``README*`` notes and
    symlinks leading outside the corpus are skipped; symlinked folders are not
    followed, so one file is never indexed twice under two ids.
    """
    return sorted((rel, Path(entry.path)) for rel, entry in _article_entries(corpus_dir))


def stat_corpus(corpus_dir: Path) -> list[tuple[str, str, list[int]]]:
    """(id, path, stat_key) of every article file, sorted by id: the files
    scan_corpus finds, with what tells each one changed.

    What a reindex runs on every file of the corpus before it knows what
    changed, so it stays on directory entries and strings: at 100,000 files
    a ``Path`` and a second ``stat`` per file cost more than the walk. A
    file removed between the listing and its stat is left out, as if it had
    been removed a moment earlier.
    """
    found = []
    for rel, entry in _article_entries(corpus_dir):
        try:
            st = entry.stat()
        except FileNotFoundError:
            continue
        found.append((rel, entry.path, [st.st_size, st.st_mtime_ns]))
    found.sort()
    return found


def _article_entries(corpus_dir: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """(id, directory entry) of every article file under ``corpus_dir``, in
    the file system's order."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    root = corpus_dir.resolve()
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
                    yield rel, entry


def _is_article_entry(entry: os.DirEntry, root: Path) -> bool:
    """Whether a file found in the walk should be indexed."""
    name = entry.name
    if name.upper().startswith("README"):
        return False
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
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


def stat_key(path: Path) -> list[int]:
    """What tells a file changed without reading it: size and mtime."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def content_hash(data: bytes) -> str:
    """The sha256 recorded for a file's content (files.json), hex."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: str | Path) -> str:
    """content_hash of the file at ``path`` (OSError if it cannot be read)."""
    return content_hash(Path(path).read_bytes())
