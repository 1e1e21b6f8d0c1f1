"""Per-file and per-article work of a reindex.

:func:`prepare_file` reads, hashes and parses one corpus file (the building
process does it, in file order, and numbers the articles).
:func:`prepare_article` is the rest of an article's work, done where it is
indexed (workers.py): jieba segments its title and body once, and the words
serve both the Whoosh document and its key terms; its key stream is what the
character index holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import segment, segment_with_lead
from indexer.errors import ArticleError
from indexer.index.chars import key_stream
from indexer.index.keyterms import LEAD_CHARS, key_term_counts
from indexer.ingest.corpus import article_id, content_hash, stat_key
from indexer.ingest.load import load_bytes
from indexer.models import Article, FileFailure
from indexer.normalize import key_text
from indexer.places import place_mask


@dataclass
class PreparedDoc:
    title_words: list[str]  # jieba words in key form: what the word fields index
    body_words: list[str]
    stream: str  # key stream for the character index
    places: int = 0  # bit mask of the counties it names (places.py)
    keyterms: list[tuple[str, int]] = field(default_factory=list)  # keyterms.py


@dataclass
class PreparedFile:
    relpath: str
    stat: list[int]
    sha256: str = ""
    docs: list[Article] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    error: str | None = None  # the whole file failed


def prepare_article(article: Article) -> PreparedDoc:
    title, body = key_text(article.title), key_text(article.body)
    title_words = segment(article.title)
    body_words, in_lead = segment_with_lead(article.body, LEAD_CHARS)
    return PreparedDoc(
        title_words=title_words,
        body_words=body_words,
        stream=key_stream(title, body),
        places=place_mask(title, body),
        keyterms=key_term_counts(title_words, body_words[:in_lead]),
    )


def prepare_file(args: tuple[Path, Path]) -> PreparedFile:
    """Read and parse one file; never raises for a bad file."""
    path, corpus_dir = args
    rel = article_id(path, corpus_dir)
    try:
        stat = stat_key(path)
        data = path.read_bytes()
    except OSError as e:
        return PreparedFile(rel, [0, 0], error=f"cannot read: {e.strerror or e}")
    pf = PreparedFile(rel, stat, content_hash(data))
    try:
        pf.docs, pf.failures = load_bytes(data, rel)
    except ArticleError as e:
        pf.error = e.reason
    except Exception as e:  # a parser bug must not stop the batch; report it by name
        pf.error = f"unexpected error: {type(e).__name__}: {e}"
    return pf
