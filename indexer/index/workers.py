"""Indexing articles: one article's Whoosh document and key stream
(:class:`ArticleIndexer`), and for a big batch the processes that do it on
every core (:class:`Workers`).

jieba is most of a build's work, so each article is segmented once, in the
process that indexes it: the words go to Whoosh as they are (a list value
is indexed without running the analyzer again, with the display text stored
beside it) and its key terms are counted from the same words.

In a big batch this process only reads and parses files and numbers the
articles; one worker process per core takes them in batches from a queue,
each with its own Whoosh segment writer and its own character segments, so
both cores stay busy until the last batch. Whoosh's own multi-process
writer runs only its writer in the worker processes, which left the
segmenting of key terms and the character index to this one.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.index import chars
from indexer.index.postings import TermPoolWriter
from indexer.index.prepare import prepare_article
from indexer.models import Article

BATCH_ARTICLES = 32  # articles handed to a worker at a time
QUEUED_BATCHES = 4  # per worker, waiting in the queue: bounds this process's lead
POLL_SECONDS = 1.0  # how often a wait on the workers checks that they still run

Job = tuple[int, str, Article]  # (cid, corpus file, article)


class ArticleIndexer:
    """Adds articles to one Whoosh segment writer and writes their key
    streams as character segments of ``segment_docs`` articles, each named
    by ``new_name()``."""

    def __init__(
        self, writer: Any, chars_dir: Path, new_name: Callable[[], str], segment_docs: int
    ):
        self.writer = writer
        self.chars_dir = chars_dir
        self.new_name = new_name
        self.segment_docs = segment_docs
        self.pending: list[tuple[int, str]] = []  # (cid, key stream) not yet in a segment
        self.written: list[str] = []  # character segments written

    def add(self, cid: int, relpath: str, a: Article) -> None:
        doc = prepare_article(a)
        fields = dict(
            id=a.id,
            file=relpath,
            cid=cid,
            title=doc.title_words,
            _stored_title=a.title,
            body=doc.body_words,
            _stored_body=a.body,
            column=a.column,
            source=a.source,
            source_url=a.source_url,
            attachments=[list(pair) for pair in a.attachments],
            places=doc.places,
            keyterms=[list(pair) for pair in doc.keyterms],
        )
        if a.date:
            fields["date"] = a.date
        self.writer.add_document(**fields)
        self.pending.append((cid, doc.stream))
        if len(self.pending) >= self.segment_docs:
            self.flush_chars()

    def flush_chars(self) -> None:
        """Write the pending key streams as a character segment."""
        if self.pending:
            name = self.new_name()
            chars.write_segment(self.chars_dir, name, self.pending)
            self.written.append(name)
            self.pending = []


class WorkerFailed(RuntimeError):
    """A worker process of the build died; its traceback is on stderr."""


class Workers:
    """``procs`` forked processes indexing the articles given to :meth:`add`
    into their own Whoosh segments and character segments.

    Forked, not spawned: jieba's dictionary and the index reach them by
    copy-on-write. A worker dies with the reindex that forked it (store.py's
    fork hook)."""

    def __init__(
        self,
        ix: Any,
        writer_options: dict,
        procs: int,
        chars_dir: Path,
        name_prefix: str,
        segment_docs: int,
    ):
        ctx = multiprocessing.get_context("fork")
        self.jobs: Any = ctx.Queue(procs * QUEUED_BATCHES)
        self.results: Any = ctx.Queue()
        self.numbers: Any = ctx.Value("i", 0)  # character segments named so far
        self.batch: list[Job] = []
        args = (ix, writer_options, chars_dir, name_prefix, segment_docs, self)
        self.processes = [ctx.Process(target=_work, args=args) for _ in range(procs)]
        for process in self.processes:
            process.start()

    def new_name(self, prefix: str) -> str:
        """The next character segment's name (any process may ask)."""
        with self.numbers.get_lock():
            number = self.numbers.value
            self.numbers.value += 1
        return f"{prefix}-{number:03d}"

    def add(self, cid: int, relpath: str, article: Article) -> None:
        self.batch.append((cid, relpath, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self._put(self.batch)
            self.batch = []

    def finish(self) -> tuple[list[Any], list[str]]:
        """Wait for the workers to write everything: their Whoosh segments
        (to be named in the table of contents) and character segments."""
        if self.batch:
            self._put(self.batch)
            self.batch = []
        for _ in self.processes:
            self._put(None)
        segments, names = [], []
        for _ in self.processes:
            segment, written = self._get()
            segments += [segment] if segment is not None else []
            names += written
        for process in self.processes:
            process.join()
        return segments, sorted(names)

    @property
    def named(self) -> int:
        """How many character segment names were handed out."""
        return int(self.numbers.value)

    def kill(self) -> None:
        for process in self.processes:
            process.kill()
            process.join()

    def _put(self, item: list[Job] | None) -> None:
        while True:
            try:
                return self.jobs.put(item, timeout=POLL_SECONDS)
            except queue.Full:
                self._check_alive()

    def _get(self) -> tuple[Any, list[str]]:
        while True:
            try:
                return self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_alive()

    def _check_alive(self) -> None:
        failed = [p.exitcode for p in self.processes if p.exitcode not in (None, 0)]
        if failed:
            raise WorkerFailed(f"a worker process of the build failed (exit {failed[0]})")


def _work(
    ix: Any,
    writer_options: dict,
    chars_dir: Path,
    name_prefix: str,
    segment_docs: int,
    workers: Workers,
) -> None:
    """A worker process: index batches until told to stop (None), then
    write everything and report the segments. Its Whoosh writer takes no
    lock (the building process holds the index's) and keeps its postings
    compactly (postings.py)."""
    writer = TermPoolWriter(ix, _lk=False, **writer_options)
    indexer = ArticleIndexer(writer, chars_dir, lambda: workers.new_name(name_prefix), segment_docs)
    while (batch := workers.jobs.get()) is not None:
        for cid, relpath, article in batch:
            indexer.add(cid, relpath, article)
    indexer.flush_chars()
    if writer._added:
        segment = writer._finalize_segment()
    else:
        writer._close_segment()
        segment = None
    workers.results.put((segment, indexer.written))
