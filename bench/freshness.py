"""Freshness: how long after a reindex starts does a running searcher see a new article?

This is what an editor experiences: publish one article, run the reindex
command, and wait until the live site (a process that opened the index long
before) returns it. We copy our built index and its corpus (so the cached
corpus is never modified), add one generated article carrying a phrase that
occurs nowhere else, start ``python -m indexer reindex`` and let a separate,
already-running process poll ``search`` every 10 ms on the handle it opened
at start, calling ``refresh()`` first as the web app does per request. If that
handle never sees the article, the poller checks once with a freshly opened
index, to tell "not indexed" from "the open handle does not refresh".

On its own, on a cached corpus and its built index (bench/run.py makes
both; the corpus is hard-linked, never written, the index copied)::

    python bench/freshness.py measure --count 100000 --data /work/benchdata --runs 3

prints, per run, the seconds until the running process found the article,
the reindex command's wall and CPU time and its phases (``reindex -v``).
The copied index is flushed to disk (``sync``) before the reindex starts: a
live index has long been on disk, and its copy's dirty pages are not the
reindex's to write.

    python bench/freshness.py poll --index I --phrase P --timeout 120   (internal)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from articles import normalise
from generate import make_article

POLL_SECONDS = 0.01
GRACE_SECONDS = 10.0  # keep polling this long after the reindex exits before giving up
MARKERS = [
    "勐仑镇曼飞龙村新建边境茶叶初制所",
    "打洛镇曼夕村护边员联防巡逻点揭牌",
    "景洪市嘎洒镇曼景保村党员示范田",
]


def fresh_article(number: int, seed: int, corpus_texts: list[str]) -> tuple[str, str, str]:
    """(relative path, text, unique phrase) of a new article not yet in the corpus."""
    blob = "\0".join(corpus_texts)
    return article_with(number, seed, lambda phrase: normalise(phrase) not in blob)


def article_with(number: int, seed: int, unused: Callable[[str], bool]) -> tuple[str, str, str]:
    """Article ``number`` of corpus ``seed`` carrying the first candidate
    phrase ``unused`` accepts: (relative path, text, phrase)."""
    candidates = [*MARKERS, *(f"{m}第{n}期" for m in MARKERS for n in range(1, 50))]
    phrase = next(c for c in candidates if unused(c))
    relpath, text = make_article(number, seed)
    text = text.replace("\n\n\u00a0", f"\n\n{phrase},正式投入使用。\n\n\u00a0", 1)
    return relpath, text, phrase


def copy_experiment(corpus_dir: Path, index_dir: Path, scratch: Path) -> tuple[Path, Path]:
    """The corpus (hard links: the reindex only reads it, the new article is
    a new file) and the index (copied: a reindex writes its lock files) under
    ``scratch``, flushed to disk like a live index that was built long ago."""
    shutil.rmtree(scratch, ignore_errors=True)
    corpus, index = scratch / "corpus", scratch / "index"
    shutil.copytree(corpus_dir, corpus, copy_function=os.link)
    shutil.copytree(index_dir, index)  # copy2: modification times survive
    os.sync()
    return corpus, index


def measure(corpus_dir: Path, index_dir: Path, scratch: Path, article: tuple, timeout: float):
    """Run the experiment on copies under ``scratch``; return the figures as a dict."""
    relpath, text, phrase = article
    corpus, index = copy_experiment(corpus_dir, index_dir, scratch)
    done = scratch / "reindex-exited"
    poller = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "poll",
            "--index",
            str(index),
            "--phrase",
            phrase,
            "--id",
            relpath,
            "--timeout",
            str(timeout),
            "--done-file",
            str(done),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if poller.stdout.readline().strip() != "ready":
            return {"error": "poller did not start: " + poller.stderr.read()[-2000:]}
        (corpus / relpath).parent.mkdir(parents=True, exist_ok=True)
        (corpus / relpath).write_text(text, encoding="utf-8")
        started = time.monotonic()
        output, code, cpu = run_reindex(corpus, index, timeout)
        reindex_seconds = time.monotonic() - started
        done.touch()
        seen_out, seen_err = poller.communicate(timeout=GRACE_SECONDS + 60)
    finally:
        poller.kill()
        poller.wait()
    if poller.returncode != 0:
        return {"error": "poller failed: " + seen_err[-2000:]}
    seen = json.loads(seen_out)
    return {
        "phrase": phrase,
        "seconds": seen["seen_at"] - started if seen["seen_at"] else None,
        "reindex_seconds": reindex_seconds,
        "reindex_cpu_seconds": cpu,
        "refresh_seconds": seen.get("refresh_seconds"),
        "reindex_exit_code": code,
        "reindex_output": output[-2000:],
        "visible_after_reopen": seen["visible_after_reopen"],
    }


def run_reindex(corpus: Path, index: Path, timeout: float) -> tuple[str, int | None, float]:
    """Run the CLI the way an editor would (with -v: its phases are logged);
    (output, exit code or None on timeout, CPU seconds of the command)."""
    command = [
        sys.executable,
        "-m",
        "indexer",
        "-v",
        "reindex",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
    ]
    before = _children_cpu()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"reindex still running after {timeout:.0f} s; stopped", None, 0.0
    return done.stdout + done.stderr, done.returncode, _children_cpu() - before


def _children_cpu() -> float:
    """User and system CPU seconds of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def poll(index_dir: Path, phrase: str, article_id: str, timeout: float, done_file: Path) -> dict:
    """Search on one long-lived handle until the new article is among the
    phrase's hits, or until the reindex has been over for GRACE_SECONDS, or
    the timeout. The article's id is checked, not the total: while the phrase
    is in no article, the zero-results chain finds others by its words.
    ``refresh_seconds`` is how long the refresh that switched took."""
    from engines.ours import refresh_index

    from indexer import open_index, search

    ix = open_index(index_dir)
    search(ix, phrase)  # warm, like a live site
    print("ready", flush=True)
    deadline = time.monotonic() + timeout
    switched = None
    while time.monotonic() < deadline:
        before, generation = time.monotonic(), ix.generation.name
        refresh_index(ix)
        if ix.generation.name != generation:
            switched = time.monotonic() - before
        if found(search(ix, phrase), article_id):
            return {
                "seen_at": time.monotonic(),
                "visible_after_reopen": None,
                "refresh_seconds": switched,
            }
        if done_file.exists():
            deadline = min(deadline, time.monotonic() + GRACE_SECONDS)
        time.sleep(POLL_SECONDS)
    reopened = found(search(open_index(index_dir), phrase), article_id)
    return {"seen_at": None, "visible_after_reopen": reopened, "refresh_seconds": switched}


def found(page, article_id: str) -> bool:
    return any(hit.id == article_id for hit in page.hits)


def measure_cached(data: Path, count: int, seed: int, runs: int, scratch: Path, timeout: float):
    """The experiment ``runs`` times on the cached corpus ``count-seed`` and
    its built index (bench/run.py's ``work/ours``), printing each run."""
    from indexer import count_matches, open_index

    home = data / f"{count}-{seed}"
    corpus_dir, index_dir = home / "corpus", home / "work" / "ours"
    with open_index(index_dir) as ix:
        article = article_with(count + 1, seed, lambda c: count_matches(ix, f'"{c}"') == 0)
    print(f"{count} articles; load average {os.getloadavg()[0]:.2f}", flush=True)
    for run in range(1, runs + 1):
        figures = measure(corpus_dir, index_dir, scratch, article, timeout)
        print(f"run {run}: {summary(figures)}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)


def summary(figures: dict) -> str:
    """One run's figures on a line, then the reindex's phases."""
    if "error" in figures:
        return figures["error"]
    seen = figures["seconds"]
    refresh = figures["refresh_seconds"]
    phases = [
        "    " + line.split(": ", 1)[-1]
        for line in figures["reindex_output"].splitlines()
        if line.startswith("INFO indexer.index.build")
    ]
    return "\n".join(
        [
            f"found after {seen:.2f} s" if seen else "NOT found",
            f"    reindex {figures['reindex_seconds']:.2f} s wall, "
            f"{figures['reindex_cpu_seconds']:.2f} s CPU (exit {figures['reindex_exit_code']}); "
            f"the poller's switching refresh {refresh:.3f} s"
            if refresh is not None
            else "    the poller never switched",
            *phases,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("measure", help="the experiment on a cached corpus")
    run.add_argument("--count", type=int, default=100000, help="articles in the cached corpus")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--data", type=Path, default=Path(__file__).parent / "data")
    run.add_argument("--runs", type=int, default=3)
    run.add_argument("--scratch", type=Path, help="where the copies go (a temporary folder)")
    run.add_argument("--timeout", type=float, default=600.0)
    poller = commands.add_parser("poll", help="internal: the polling process")
    poller.add_argument("--index", type=Path, required=True)
    poller.add_argument("--phrase", required=True)
    poller.add_argument("--id", required=True, help="the new article's id")
    poller.add_argument("--timeout", type=float, default=120.0)
    poller.add_argument("--done-file", type=Path, required=True, help="appears when reindex exits")
    args = parser.parse_args(argv)
    if args.command == "poll":
        seen = poll(args.index, args.phrase, args.id, args.timeout, args.done_file)
        print(json.dumps(seen), flush=True)
        return 0
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="freshness-"))
    measure_cached(args.data, args.count, args.seed, args.runs, scratch, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
