"""Per-file work of a reindex: read, hash, parse one corpus file and compute
the key streams of its articles for the character index. Word segmentation is
not done here: it happens in Whoosh's writer processes (see build.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ArticleError
from indexer.index.chars import key_stream
from indexer.index.keyterms import key_term_counts
from indexer.ingest.corpus import article_id, content_hash, stat_key
from indexer.ingest.load import load_bytes
from indexer.models import Article, FileFailure
from indexer.normalize import key_text
from indexer.places import place_mask


@dataclass
class PreparedDoc:
    article: Article
    stream: str  # key stream for the character index
    places: int = 0  # bit mask of the counties it names (places.py)
    keyterms: list[tuple[str, int]] = field(default_factory=list)  # keyterms.py


@dataclass
class PreparedFile:
    relpath: str
    stat: list[int]
    sha256: str = ""
    docs: list[PreparedDoc] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    error: str | None = None  # the whole file failed


def prepare_article(article: Article) -> PreparedDoc:
    title, body = key_text(article.title), key_text(article.body)
    return PreparedDoc(
        article=article,
        stream=key_stream(title, body),
        places=place_mask(title, body),
        keyterms=key_term_counts(article.title, article.body),
    )


def prepare_file(args: tuple[Path, Path]) -> PreparedFile:
    """Read and prepare one file; never raises for a bad file."""
    path, corpus_dir = args
    rel = article_id(path, corpus_dir)
    try:
        stat = stat_key(path)
        data = path.read_bytes()
    except OSError as e:
        return PreparedFile(rel, [0, 0], error=f"cannot read: {e.strerror or e}")
    pf = PreparedFile(rel, stat, content_hash(data))
    try:
        articles, pf.failures = load_bytes(data, rel)
    except ArticleError as e:
        pf.error = e.reason
        return pf
    except Exception as e:  # a parser bug must not stop the batch; report it by name
        pf.error = f"unexpected error: {type(e).__name__}: {e}"
        return pf
    pf.docs = [prepare_article(a) for a in articles]
    return pf
