"""One benchmark phase for one engine, run by ``run.py`` in a fresh process.

A fresh process per phase keeps the phases honest: the query phase cannot
profit from caches warmed by indexing, and peak RSS belongs to one phase only.
The result is written as JSON to ``--out``; the process prints nothing.

    python bench/worker.py check ours --work W --out check.json   (can it run here?)
    python bench/worker.py build naive --corpus C --work W --out build.json
    python bench/worker.py query naive --work W --queries queries.json --out query.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import engines
from articles import tree_bytes
from memory import TreeSampler, maxrss_mib

WARMUP_QUERY = "西双版纳"  # one query before timing, so lazy set-up is not charged to query 1


def cpu_seconds() -> float:
    """User + system CPU time of this process and its reaped children."""
    usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def run_build(engine, corpus_dir: Path, work_dir: Path) -> dict:
    with TreeSampler() as tree:
        started, cpu = time.perf_counter(), cpu_seconds()
        engine.build(corpus_dir, work_dir)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "index_bytes": tree_bytes(work_dir),
        "rss": {**maxrss_mib(), "tree_peak_mib": tree.peak_mib},
    }


def run_queries(engine, work_dir: Path, queries: list[str]) -> dict:
    started = time.perf_counter()
    searcher = engine.Searcher(work_dir)
    open_seconds = time.perf_counter() - started
    searcher.search(WARMUP_QUERY, True)
    results = []
    for query in queries:
        started = time.perf_counter()
        total, ids = searcher.search(query, True)
        ms = (time.perf_counter() - started) * 1000
        snippets = searcher.last_snippets if ids else []
        results.append({"ms": ms, "total": total, "ids": ids, "snippet": snippets[:1]})
    return {"open_seconds": open_seconds, "results": results, "rss": maxrss_mib()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one benchmark phase.")
    parser.add_argument("phase", choices=["check", "build", "query"])
    parser.add_argument("engine", choices=engines.NAMES)
    parser.add_argument("--work", type=Path, required=True, help="the engine's index folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--corpus", type=Path, help="corpus folder (build)")
    parser.add_argument("--queries", type=Path, help="JSON list of query strings (query)")
    args = parser.parse_args(argv)
    engine = engines.load(args.engine)
    if args.phase == "check":
        result = {"unavailable": engine.UNAVAILABLE}
    elif engine.UNAVAILABLE:
        parser.error(engine.UNAVAILABLE)
    elif args.phase == "build":
        result = run_build(engine, args.corpus, args.work)
    else:
        queries = json.loads(args.queries.read_text(encoding="utf-8"))
        result = run_queries(engine, args.work, queries)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
