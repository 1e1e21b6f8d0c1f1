"""Watch mode (indexer/watch.py and ``python -m indexer watch``)."""

import logging
import threading

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

import indexer
from indexer.cli import cli
from indexer.errors import IndexBusyError
from indexer.index import watch as watch_module
from indexer.index.watch import CorpusWatcher, Debouncer, is_change
from indexer.models import ReindexReport

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
NEW_WORD = "橄榄坝傣族园"  # in no fixture article
TIMEOUT = 60  # seconds; generous, the machine may be busy


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_fires_once_a_burst_is_over():
    clock = FakeClock()
    d = Debouncer(2.0, clock)
    assert (d.remaining(), d.fire()) == (None, False)  # nothing pending
    d.touch()
    clock.now += 1.5
    assert (d.remaining(), d.fire()) == (0.5, False)
    d.touch()  # a new event restarts the wait
    clock.now += 1.5
    assert (d.remaining(), d.fire()) == (0.5, False)
    clock.now += 0.5
    assert (d.remaining(), d.fire()) == (0.0, True)
    assert (d.remaining(), d.fire()) == (None, False)  # fired once only


@pytest.mark.parametrize(
    ("make_event", "expected"),
    [
        (lambda c: FileCreatedEvent(f"{c}/new.txt"), True),
        (lambda c: FileModifiedEvent(f"{c}/sub/页面.HTML"), True),
        (lambda c: FileClosedEvent(f"{c}/a.jsonl"), True),
        (lambda c: FileDeletedEvent(f"{c}/old.htm"), True),
        (lambda c: FileMovedEvent(f"{c}/draft.tmp", f"{c}/a.txt"), True),  # editors save so
        (lambda c: FileMovedEvent(f"{c}/a.txt", "/elsewhere/a.txt"), True),  # moved out
        (lambda c: DirDeletedEvent(f"{c}/sub"), True),
        (lambda c: DirMovedEvent(f"{c}/sub", f"{c}/renamed"), True),
        (lambda c: DirCreatedEvent(f"{c}/copied-in"), True),
        (lambda c: DirModifiedEvent(f"{c}/sub"), False),
        (lambda c: FileOpenedEvent(f"{c}/a.txt"), False),  # reads, the indexer's own too
        (lambda c: FileClosedNoWriteEvent(f"{c}/a.txt"), False),
        (lambda c: FileCreatedEvent(f"{c}/notes.pdf"), False),
        (lambda c: FileCreatedEvent(f"{c}/uploads/.upload-1f2e.part"), False),
        (lambda c: FileModifiedEvent(f"{c}/.git/x.txt"), False),
        (lambda c: FileModifiedEvent(f"{c}/index/g000001/files.jsonl"), False),
        (lambda c: FileModifiedEvent("/elsewhere/a.txt"), False),
    ],
)
def test_which_events_count_as_changes(tmp_path, make_event, expected):
    corpus = tmp_path / "corpus"
    assert is_change(make_event(corpus), corpus, corpus / "index") is expected


def test_a_failed_reindex_is_logged_and_watching_goes_on(corpus_dir, tmp_path, monkeypatch, caplog):
    calls = []

    def reindex(corpus, index, wait):
        """Fail twice (an expected and an unexpected error), each time with a
        change pending, then succeed."""
        calls.append(wait)
        if len(calls) <= 2:
            watcher.notify()
            raise (
                IndexBusyError("another reindex is running")
                if len(calls) == 1
                else OSError(5, "I/O error")
            )
        return ReindexReport(documents=len(calls))

    monkeypatch.setattr(watch_module, "reindex", reindex)
    done = threading.Event()
    reports = []

    def on_report(report):
        reports.append(report)
        done.set()

    watcher = CorpusWatcher(corpus_dir, tmp_path / "index", debounce=0, on_report=on_report)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert done.wait(TIMEOUT)
    finally:
        watcher.stop()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert calls == [True, True, True]  # waiting for any other reindex
    assert [r.documents for r in reports] == [3]
    errors = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "indexer.index.watch"
    ]
    assert errors == [
        ("ERROR", "reindex failed (still watching): another reindex is running"),
        ("ERROR", "reindex failed (still watching): [Errno 5] I/O error"),
    ]


def test_an_unexpected_error_is_logged_with_its_traceback(
    corpus_dir, tmp_path, monkeypatch, caplog
):
    def reindex(corpus, index, wait):
        raise RuntimeError("bug")

    monkeypatch.setattr(watch_module, "reindex", reindex)
    CorpusWatcher(corpus_dir, tmp_path / "index").reindex_now()  # does not raise
    [record] = [r for r in caplog.records if r.name == "indexer.index.watch"]
    assert (record.getMessage(), record.exc_info[0]) == (
        "reindex failed (still watching)",
        RuntimeError,
    )


def test_a_new_article_is_indexed_while_watching(corpus_dir, tmp_path):
    index = tmp_path / "index"
    reports: list[ReindexReport] = []
    indexed = threading.Event()

    def on_report(report: ReindexReport) -> None:
        reports.append(report)
        if "新文章.txt" in report.added:
            indexed.set()

    watcher = CorpusWatcher(corpus_dir, index, debounce=0.1, on_report=on_report)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert watcher.ready.wait(TIMEOUT), "the watcher did not start"
        assert reports[0].full and len(reports[0].added) == 6  # caught up on start
        text = (corpus_dir / SEED).read_text(encoding="utf-8").replace("勐海县", NEW_WORD)
        (corpus_dir / "新文章.txt").write_text(text, encoding="utf-8")
        assert indexed.wait(TIMEOUT), f"not indexed; reports: {reports}"
    finally:
        watcher.stop()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
    with indexer.open_index(index) as ix:
        assert [h.id for h in indexer.search(ix, NEW_WORD).hits] == ["新文章.txt"]


def test_watch_command_stops_cleanly_on_ctrl_c(runner, corpus_dir, tmp_path, monkeypatch):
    def run(self):
        self.on_report(ReindexReport(added=["a.txt"], documents=1, seconds=0.25))
        raise KeyboardInterrupt

    monkeypatch.setattr(CorpusWatcher, "run", run)
    args = [
        "watch",
        "--corpus",
        str(corpus_dir),
        "--index",
        str(tmp_path / "i"),
        "--debounce",
        "0.5",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"watching {corpus_dir} (Ctrl-C stops)"
    assert lines[1].endswith(
        "] update: 1 added, 0 updated, 0 deleted, 0 unchanged, 0 failed; "
        "1 articles in the index (0.2s)"
    )
    assert lines[2:] == ["  added: a.txt", "stopped watching"]


def test_watch_command_needs_the_corpus(runner, tmp_path):
    result = runner.invoke(cli, ["watch", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output == f"Error: corpus folder not found: {tmp_path / 'nope'}\n"


def test_watch_command_refuses_a_negative_debounce(runner, corpus_dir):
    result = runner.invoke(cli, ["watch", "--corpus", str(corpus_dir), "--debounce", "-1"])
    assert result.exit_code == 2
    assert "-1.0 is not in the range x>=0" in result.output


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    caplog.set_level(logging.INFO, logger="indexer.index.watch")
