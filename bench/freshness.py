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

    python bench/freshness.py poll --index I --phrase P --timeout 120   (internal)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
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
    candidates = [*MARKERS, *(f"{m}第{n}期" for m in MARKERS for n in range(1, 50))]
    phrase = next(c for c in candidates if normalise(c) not in blob)
    relpath, text = make_article(number, seed)
    text = text.replace("\n\n\u00a0", f"\n\n{phrase},正式投入使用。\n\n\u00a0", 1)
    return relpath, text, phrase


def measure(corpus_dir: Path, index_dir: Path, scratch: Path, article: tuple, timeout: float):
    """Run the experiment on copies under ``scratch``; return the figures as a dict."""
    relpath, text, phrase = article
    shutil.rmtree(scratch, ignore_errors=True)
    corpus, index, done = scratch / "corpus", scratch / "index", scratch / "reindex-exited"
    shutil.copytree(corpus_dir, corpus)  # copy2: modification times survive
    shutil.copytree(index_dir, index)
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
        output, code = run_reindex(corpus, index, timeout)
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
        "reindex_exit_code": code,
        "reindex_output": output[-2000:],
        "visible_after_reopen": seen["visible_after_reopen"],
    }


def run_reindex(corpus: Path, index: Path, timeout: float) -> tuple[str, int | None]:
    """Run the CLI the way an editor would; (output, exit code or None on timeout)."""
    command = [
        sys.executable,
        "-m",
        "indexer",
        "reindex",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"reindex still running after {timeout:.0f} s; stopped", None
    return done.stdout + done.stderr, done.returncode


def poll(index_dir: Path, phrase: str, article_id: str, timeout: float, done_file: Path) -> dict:
    """Search on one long-lived handle until the new article is among the
    phrase's hits, or until the reindex has been over for GRACE_SECONDS, or
    the timeout. The article's id is checked, not the total: while the phrase
    is in no article, the zero-results chain finds others by its words."""
    from engines.ours import refresh_index

    from indexer import open_index, search

    ix = open_index(index_dir)
    search(ix, phrase)  # warm, like a live site
    print("ready", flush=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        refresh_index(ix)
        if found(search(ix, phrase), article_id):
            return {"seen_at": time.monotonic(), "visible_after_reopen": None}
        if done_file.exists():
            deadline = min(deadline, time.monotonic() + GRACE_SECONDS)
        time.sleep(POLL_SECONDS)
    reopened = found(search(open_index(index_dir), phrase), article_id)
    return {"seen_at": None, "visible_after_reopen": reopened}


def found(page, article_id: str) -> bool:
    return any(hit.id == article_id for hit in page.hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Poll a running index for a phrase.")
    parser.add_argument("command", choices=["poll"])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--phrase", required=True)
    parser.add_argument("--id", required=True, help="the new article's id")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--done-file", type=Path, required=True, help="appears when reindex exits")
    args = parser.parse_args(argv)
    seen = poll(args.index, args.phrase, args.id, args.timeout, args.done_file)
    print(json.dumps(seen), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
