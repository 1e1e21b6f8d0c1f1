"""jieba's own segmentation rate on the machine's cores: the limit a build is
measured against.

Each of ``--processes`` worker processes (default: one per core) loads jieba's
default dictionary and its share of the articles first (not timed), then all
start together and segment title and paragraphs with ``jieba.lcut(text,
HMM=False)`` (precise mode without HMM guessing, as our build does). The rate
is the articles segmented over the slowest worker's time: what jieba alone
would give a build that did nothing else. Articles per CPU second are printed
too: on a machine other work is using, wall time stretches and CPU time does
not, so the ratio of CPU rates is the steadier figure there.

    python bench/jieba_rate.py --count 10000
    python bench/jieba_rate.py --count 100000 --sample 10000
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path

from articles import article_paths, parse_article
from corpora import BENCH_DIR, ensure_corpus

_BARRIER = None  # set in each worker: all start segmenting together


def _init(barrier) -> None:
    global _BARRIER
    _BARRIER = barrier


def _segment(paths: list[str]) -> dict:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts = []
    for path in paths:
        title, paragraphs = parse_article(Path(path).read_text(encoding="utf-8"))
        texts.append(title)
        texts.append("\n".join(paragraphs))
    _BARRIER.wait()
    started, cpu = time.perf_counter(), time.process_time()
    words = sum(len(jieba.lcut(text, HMM=False)) for text in texts)
    return {
        "articles": len(paths),
        "chars": sum(len(t) for t in texts),
        "words": words,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


def jieba_rate(corpus_dir: Path, processes: int, sample: int | None = None) -> dict:
    """Articles per second jieba segments on ``processes`` cores (an even
    sample of ``sample`` articles when given)."""
    paths = [str(p) for p in article_paths(corpus_dir)]
    if sample and sample < len(paths):
        step = len(paths) / sample
        paths = [paths[int(i * step)] for i in range(sample)]
    shares = [paths[i::processes] for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(processes)
    with ctx.Pool(processes, initializer=_init, initargs=(barrier,)) as pool:
        parts = pool.map(_segment, shares, chunksize=1)
    slowest = max(p["seconds"] for p in parts)
    articles = sum(p["articles"] for p in parts)
    chars = sum(p["chars"] for p in parts)
    cpu = sum(p["cpu_seconds"] for p in parts)
    return {
        "processes": processes,
        "articles": articles,
        "seconds": slowest,
        "articles_per_s": articles / slowest,
        "chars_per_s_per_process": chars / sum(p["seconds"] for p in parts),
        # what the rate would be with the cores to itself (a loaded machine
        # stretches wall time, not CPU time)
        "cpu_seconds": cpu,
        "articles_per_cpu_s": articles / cpu,
        "parts": parts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, help="segment an even sample of this many")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data")
    args = parser.parse_args(argv)
    home, _ = ensure_corpus(args.data.resolve(), args.count, args.seed)
    result = jieba_rate(home / "corpus", args.processes, args.sample)
    print(
        f"jieba, {result['processes']} processes: {result['articles']} articles in "
        f"{result['seconds']:.1f} s = {result['articles_per_s']:.0f} articles/s "
        f"({result['chars_per_s_per_process']:,.0f} characters/s per process); "
        f"{result['articles_per_cpu_s']:.0f} articles per CPU second"
    )
    print(json.dumps({k: v for k, v in result.items() if k != "parts"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
