"""Indexing articles: one article's Whoosh document and key stream
(:class:`ArticleIndexer`), and for a big batch the processes that do it on
every core (:class:`Workers`).

jieba is most of a build's work, so each article is segmented once, in the
process that indexes it: the words go to Whoosh as they are (a list value
is indexed without running the analyzer again, with the display text stored
beside it) and its key terms are counted from the same words.

In a big batch this process reads and parses the files and numbers the
articles; one worker process per core takes them in batches from a queue,
each with its own Whoosh segment writer, and sends back the articles' key
streams, which this process gathers into character segments as a
sequential build would (writer.py): one segment per SEGMENT_DOCS articles,
not one per worker, so queries do not pay for more segments. Whoosh's own
multi-process writer ran only its writer in the worker processes, which
left segmenting the key terms and the key streams to this one.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable
from typing import Any

from indexer.index.postings import TermPoolWriter
from indexer.index.prepare import prepare_article
from indexer.models import Article

BATCH_ARTICLES = 32  # articles handed to a worker at a time
QUEUED_BATCHES = 4  # per worker, waiting in the queue: bounds this process's lead
POLL_SECONDS = 1.0  # how often a wait on the workers checks that they still run

Job = tuple[int, str, Article]  # (cid, corpus file, article)


class ArticleIndexer:
    """Adds articles to one Whoosh segment writer and hands each one's
    (cid, key stream) to ``keep``."""

    def __init__(self, writer: Any, keep: Callable[[int, str], None]):
        self.writer = writer
        self.keep = keep

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
        self.keep(cid, doc.stream)


class WorkerFailed(RuntimeError):
    """A worker process of the build died; its traceback is on stderr."""


class Workers:
    """``procs`` forked processes indexing the articles given to :meth:`add`
    into their own Whoosh segments, and sending back their key streams.

    Forked, not spawned: jieba's dictionary and the index reach them by
    copy-on-write. A worker dies with the reindex that forked it (store.py's
    fork hook)."""

    def __init__(self, ix: Any, writer_options: dict, procs: int):
        ctx = multiprocessing.get_context("fork")
        self.jobs: Any = ctx.Queue(procs * QUEUED_BATCHES)
        self.results: Any = ctx.Queue()  # (cid, key stream) lists, then each one's segment
        self.batch: list[Job] = []
        self.received: list[tuple[int, str]] = []
        self.segments: list[Any] = []
        self.ended = 0  # workers that have sent their last key streams
        self.done = 0  # workers that have written their Whoosh segment
        args = (ix, writer_options, self.jobs, self.results)
        self.processes = [ctx.Process(target=_work, args=args) for _ in range(procs)]
        for process in self.processes:
            process.start()

    def add(self, cid: int, relpath: str, article: Article) -> None:
        self.batch.append((cid, relpath, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self._put(self.batch)
            self.batch = []

    def streams(self) -> list[tuple[int, str]]:
        """The (cid, key stream) the workers sent back since the last call."""
        self._receive(block=False)
        received, self.received = self.received, []
        return received

    def close(self) -> None:
        """Hand over the last articles and wait until every key stream is
        back (in streams()); the workers then write their Whoosh segments."""
        if self.batch:
            self._put(self.batch)
            self.batch = []
        for _ in self.processes:
            self._put(None)
        while self.ended < len(self.processes):
            self._receive(block=True)

    def finish(self) -> list[Any]:
        """Wait for the workers' Whoosh segments (to be named in the table of
        contents) after :meth:`close`."""
        while self.done < len(self.processes):
            self._receive(block=True)
        for process in self.processes:
            process.join()
        return self.segments

    def kill(self) -> None:
        for process in self.processes:
            process.kill()
            process.join()

    def _put(self, item: list[Job] | None) -> None:
        while True:
            try:
                return self.jobs.put(item, timeout=POLL_SECONDS)
            except queue.Full:
                self._receive(block=False)  # the workers may be waiting for room too
                self._check_alive()

    def _receive(self, block: bool) -> None:
        """Take what the workers sent: all that is there, or (``block``) at
        least one message."""
        while True:
            try:
                kind, value = (
                    self.results.get(timeout=POLL_SECONDS) if block else (self.results.get_nowait())
                )
            except queue.Empty:
                if not block:
                    return
                self._check_alive()
                continue
            if kind == "streams":
                self.received += value
            elif kind == "ended":
                self.ended += 1
            else:
                self.segments += [value] if value is not None else []
                self.done += 1
            block = False

    def _check_alive(self) -> None:
        failed = [p.exitcode for p in self.processes if p.exitcode not in (None, 0)]
        if failed:
            raise WorkerFailed(f"a worker process of the build failed (exit {failed[0]})")


def _work(ix: Any, writer_options: dict, jobs: Any, results: Any) -> None:
    """A worker process: index batches until told to stop (None), sending
    back each batch's key streams, then write its Whoosh segment and report
    it. Its Whoosh writer takes no lock (the building process holds the
    index's) and keeps its postings compactly (postings.py)."""
    gc.freeze()  # what it inherited stays out of the collector's passes (and unshared)
    writer = TermPoolWriter(ix, _lk=False, **writer_options)
    streams: list[tuple[int, str]] = []
    indexer = ArticleIndexer(writer, lambda cid, stream: streams.append((cid, stream)))
    while (batch := jobs.get()) is not None:
        for cid, relpath, article in batch:
            indexer.add(cid, relpath, article)
        results.put(("streams", streams))
        streams = []
    results.put(("ended", None))
    if writer._added:
        segment = writer._finalize_segment()
    else:
        writer._close_segment()
        segment = None
    results.put(("segment", segment))
