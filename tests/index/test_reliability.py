"""Reindexing is crash-safe and live, proved with real processes.

A reindex may be killed at any moment (OOM killer, a deploy, ``kill -9``) and
web workers search while it runs. What users must never see: an error, an
index that answers half old and half new, or a reindex refused forever
because a dead one still "holds" the lock. Each test drives real
subprocesses against a real index; where a process must die or pause at an
exact point, a small driver script patches that point, so nothing depends on
timing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from indexer import open_index, reindex, search
from indexer.cli import cli
from indexer.index.check import check_index
from indexer.index.store import CURRENT, writer_lock

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BASE = 40  # generated articles in corpus A
ADDED = 20  # generated articles the changes add, for the kill tests
READER_ADDED = 200  # ... for the reader test: enough that searches overlap the reindex
EDITED, REMOVED = "notes/edited.txt", "notes/removed.txt"
OLD_WORD, NEW_WORD, GONE_WORD = "旧稿标记甲", "新稿标记乙", "删稿标记丙"
QUERIES = (OLD_WORD, NEW_WORD, GONE_WORD, "党建", "乡村振兴")
TIMEOUT = 300  # seconds; only a bound on a hung process, never a synchronisation

# Reindex argv[2] into argv[3] and SIGKILL this process at the moment argv[1].
KILLER = r"""
import os, signal, sys
from indexer.index import build, store

moment, corpus, index = sys.argv[1:4]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

progress = None
if moment == "parsing":
    def progress(done, total):
        if done == 5:
            die()
elif moment == "parsing-parallel":
    # Worker processes, with small batches so that they have started and
    # hold work when the reindex dies.
    from indexer.index import workers
    build.PARALLEL_THRESHOLD = 1
    workers.BATCH_ARTICLES = 3
    def progress(done, total):
        if done == 12:
            die()
elif moment == "whoosh-commit":
    from whoosh.writing import SegmentWriter
    SegmentWriter._commit_toc = die  # segments written, table of contents not
elif moment == "before-publish":
    build.publish = die  # the character index and all arrays are written
elif moment == "before-current":
    replace = os.replace
    def replace_but_not_current(src, dst, *args, **kwargs):
        if os.path.basename(dst) == store.CURRENT:
            die()  # the generation folder is renamed into place, CURRENT is not updated
        return replace(src, dst, *args, **kwargs)
    os.replace = replace_but_not_current
build.reindex(corpus, index, progress=progress)
print("not killed")
"""

# Search argv[1] for argv[2] in a loop, refreshing first like the web app,
# one JSON line per search, until the file argv[3] exists.
READER = r"""
import json, sys, time, traceback
from pathlib import Path
from indexer import open_index, search

index, query, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
with open_index(index) as ix:
    while not stop.exists():
        line = {"t": time.monotonic()}
        try:
            ix.refresh()
            page = search(ix, query)
            line.update(total=page.total, documents=ix.doc_count, generation=ix.generation.name)
        except Exception:
            line["error"] = traceback.format_exc()
        print(json.dumps(line), flush=True)
"""

# Reindex argv[1] into argv[2], pausing after the first file, with the writer
# lock held, until a line arrives on stdin.
HOLDER = r"""
import json, sys
from indexer import reindex

def progress(done, total):
    if done == 1:
        print("holding the writer lock", flush=True)
        sys.stdin.readline()

print(json.dumps(reindex(sys.argv[1], sys.argv[2], progress=progress).as_dict()), flush=True)
"""

# `python -m indexer reindex argv[1:]`, once a line arrives on stdin (so it can
# be started, and pay for its imports, while the first reindex starts), saying
# when it starts waiting for the writer lock.
SECOND = r"""
import fcntl, sys
from indexer.cli import cli

flock = fcntl.flock
def announced_flock(fd, operation):
    if not operation & fcntl.LOCK_NB:
        print("waiting for the writer lock", flush=True)
    return flock(fd, operation)
fcntl.flock = announced_flock
sys.stdin.readline()
cli(["reindex", *sys.argv[1:]], prog_name="indexer")
"""


def note(title: str, word: str) -> str:
    """A small article in the site's scraped format whose body holds ``word``."""
    return (
        f"今天是:\n工作动态\n\n{title}\n\n"
        "来源 :西双版纳先锋 访问次数 : 发布时间 :2024-03-01\n\n"
        f"本文用于检验重建索引,正文含有{word}一词。\n\n来源:西双版纳先锋\n"
    )


def snapshot(index: Path) -> dict:
    """What a user can observe of an index: its article count and every hit
    of a few queries (ids sorted: tied ranks may order differently between an
    incremental and a full build)."""
    with open_index(index) as ix:
        seen: dict = {"documents": ix.doc_count}
        for q in QUERIES:
            seen[q] = sorted(h.id for h in search(ix, q, per_page=1000).hits)
    return seen


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """BASE + READER_ADDED generated articles, written once, by number."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        out = tmp_path_factory.mktemp("generated")
        module.generate(BASE + READER_ADDED, out)
    finally:
        del sys.modules[spec.name]
    return sorted(out.rglob("*.txt"), key=lambda p: p.name)


@pytest.fixture(scope="module")
def corpus_a(tmp_path_factory, generated) -> Path:
    """Corpus A: BASE generated articles and two notes that the changes edit
    and delete."""
    corpus = tmp_path_factory.mktemp("a") / "corpus"
    for path in generated[:BASE]:
        target = corpus / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (corpus / "notes").mkdir()
    (corpus / EDITED).write_text(note("修改前的稿件", OLD_WORD), encoding="utf-8")
    (corpus / REMOVED).write_text(note("将被删除的稿件", GONE_WORD), encoding="utf-8")
    return corpus


def changed_copy(corpus_a: Path, added: list[Path], target: Path) -> Path:
    """Corpus A plus ``added``, with EDITED rewritten and REMOVED deleted."""
    shutil.copytree(corpus_a, target)
    for path in added:
        (target / path.parent.name).mkdir(exist_ok=True)
        shutil.copy2(path, target / path.parent.name / path.name)
    (target / EDITED).write_text(note("修改后的稿件", NEW_WORD), encoding="utf-8")
    (target / REMOVED).unlink()
    return target


@pytest.fixture(scope="module")
def changed_corpus(tmp_path_factory, corpus_a, generated) -> Path:
    return changed_copy(
        corpus_a, generated[BASE : BASE + ADDED], tmp_path_factory.mktemp("b") / "corpus"
    )


@pytest.fixture(scope="module")
def base_index(tmp_path_factory, corpus_a) -> Path:
    """The index of corpus A; tests reindex copies of it."""
    index = tmp_path_factory.mktemp("base") / "index"
    reindex(corpus_a, index)
    return index


@pytest.fixture(scope="module")
def expected_after(tmp_path_factory, changed_corpus) -> dict:
    """What searching must show once the changes are indexed: a full build
    of the changed corpus from nothing."""
    index = tmp_path_factory.mktemp("expected") / "index"
    reindex(changed_corpus, index)
    return snapshot(index)


@pytest.fixture
def index(base_index, tmp_path) -> Path:
    """A private copy of the index of corpus A."""
    target = tmp_path / "index"
    shutil.copytree(base_index, target)
    return target


def python(script: str, *args: object, **popen: object) -> subprocess.Popen:
    """Start ``script`` in this venv's Python in a new process group (so every
    process it forks can be ended with it)."""
    argv = [sys.executable, "-c", script, *map(str, args)]
    return subprocess.Popen(argv, cwd=ROOT, start_new_session=True, text=True, **popen)


def end_group(proc: subprocess.Popen) -> None:
    """Kill what is left of a process group started by :func:`python`."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=TIMEOUT)


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("g*"))


@pytest.mark.parametrize(
    "moment",
    ["parsing", "parsing-parallel", "whoosh-commit", "before-publish", "before-current"],
)
def test_sigkill_mid_reindex_keeps_the_old_index(
    moment: str, index: Path, changed_corpus: Path, expected_after: dict, tmp_path: Path
):
    before = snapshot(index)
    assert (
        before[OLD_WORD] == [EDITED] and before[NEW_WORD] == [] and before[GONE_WORD] == [REMOVED]
    )
    log = tmp_path / "killed.log"
    with open(log, "w") as out:
        killed = python(KILLER, moment, changed_corpus, index, stdout=out, stderr=out)
    try:
        assert killed.wait(timeout=TIMEOUT) == -signal.SIGKILL, log.read_text()
        # Checked before ending the rest of its process group: a process it
        # forked (the build's worker processes) must not keep the lock.
        with writer_lock(index):  # IndexBusyError if anything still holds it
            pass
    finally:
        end_group(killed)

    # What it left: a half-built folder, or a complete one CURRENT never named.
    left = "g000002" if moment == "before-current" else f"g000002.tmp-{killed.pid}"
    assert generations(index) == ["g000001", left]
    assert (index / CURRENT).read_text().strip() == "g000001"
    assert snapshot(index) == before  # old results, nothing of the changes

    report = reindex(changed_corpus, index)
    assert (len(report.added), report.updated, report.deleted) == (ADDED, [EDITED], [REMOVED])
    assert generations(index) == ["g000001", "g000002"]
    assert (index / CURRENT).read_text().strip() == "g000002"
    assert snapshot(index) == expected_after
    assert expected_after["documents"] == BASE + 1 + ADDED
    assert check_index(changed_corpus, index).ok


def read_lines(stream: IO[str], into: queue.Queue) -> None:
    """Pass each JSON line of ``stream`` to ``into``; None at the end."""
    for line in stream:
        into.put(json.loads(line))
    into.put(None)


def lines_until(lines: queue.Queue, done: Callable[[dict], bool]) -> Iterator[dict]:
    """Lines from the reader until one satisfies ``done`` (included), or it ends."""
    while (line := lines.get(timeout=TIMEOUT)) is not None:
        yield line
        if done(line):
            return


def test_reader_sees_old_results_then_new_ones_and_never_an_error(
    index: Path, corpus_a: Path, generated: list[Path], tmp_path: Path
):
    corpus = changed_copy(corpus_a, generated[BASE:], tmp_path / "corpus")
    query, stop = "党建", tmp_path / "stop"
    with open_index(index) as ix:
        old = ("g000001", search(ix, query).total, ix.doc_count)
    lines: queue.Queue = queue.Queue()
    with open(tmp_path / "reader.err", "w") as err:
        reader = python(READER, index, query, stop, stdout=subprocess.PIPE, stderr=err)
    pump = threading.Thread(target=read_lines, args=(reader.stdout, lines), daemon=True)
    pump.start()
    try:
        seen = [lines.get(timeout=TIMEOUT)]  # the reader is searching
        started = time.monotonic()
        argv = [sys.executable, "-m", "indexer", "reindex", "--corpus", str(corpus)]
        run = subprocess.run(
            [*argv, "--index", str(index), "--json"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=ROOT,
        )
        finished = time.monotonic()
        assert run.returncode == 0, run.stderr
        assert len(json.loads(run.stdout)["added"]) == READER_ADDED
        # A search that starts after the reindex has finished must see it, so
        # this waits for the reader's first such search.
        seen += lines_until(lines, lambda line: line["t"] > finished)
    finally:
        stop.touch()
        reader.wait(timeout=TIMEOUT)
        pump.join(timeout=TIMEOUT)
        reader.stdout.close()
    seen += lines_until(lines, lambda line: False)  # whatever it printed before stopping

    assert [line["error"] for line in seen if "error" in line] == []
    assert reader.returncode == 0, (tmp_path / "reader.err").read_text()
    with open_index(index) as ix:
        new = ("g000002", search(ix, query).total, ix.doc_count)
    assert old[1:] != new[1:]
    assert any(line["t"] > finished for line in seen)
    states = [(line["generation"], line["total"], line["documents"]) for line in seen]
    switch = states.index(new)
    assert states[:switch] == [old] * switch
    assert states[switch:] == [new] * (len(states) - switch)
    assert any(started < line["t"] < finished for line in seen)  # searched during the reindex


@pytest.mark.parametrize("wait", [False, True], ids=["refused", "waits"])
def test_two_reindexes_at_once(
    wait: bool, index: Path, changed_corpus: Path, runner, tmp_path: Path
):
    where = ["--corpus", str(changed_corpus), "--index", str(index)]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    first = python(HOLDER, changed_corpus, index, **pipes)
    second = python(SECOND, *where, *(["--wait"] if wait else []), **pipes)
    try:
        assert first.stdout.readline() == "holding the writer lock\n"
        second.stdin.write("go\n")
        second.stdin.close()
        if wait:
            assert second.stdout.readline() == "waiting for the writer lock\n"
        else:
            assert second.wait(timeout=TIMEOUT) == 1
            assert second.stdout.read() == ""
            assert second.stderr.read() == (
                f"Error: another reindex is running on {index}; try again when it finishes\n"
            )
        first.stdin.write("go on\n")
        first.stdin.close()
        report = json.loads(first.stdout.read())
        assert first.wait(timeout=TIMEOUT) == 0, first.stderr.read()
        assert (len(report["added"]), report["updated"], report["deleted"]) == (
            ADDED,
            [EDITED],
            [REMOVED],
        )
        if wait:
            output = second.stdout.read()
            assert second.wait(timeout=TIMEOUT) == 0, second.stderr.read()
            # It ran after the first had finished: nothing was left to do.
            articles = BASE + 1 + ADDED
            assert output.startswith(
                f"update: 0 added, 0 updated, 0 deleted, {articles} unchanged, 0 failed; "
                f"{articles} articles in the index ("
            )
    finally:
        for proc in (first, second):
            end_group(proc)
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                stream.close()
    result = runner.invoke(cli, ["check", *where])
    assert result.exit_code == 0, result.output
    articles = BASE + 1 + ADDED  # one article per file
    assert result.output == f"index and corpus agree: {articles} articles from {articles} files\n"
