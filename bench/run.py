"""Compare our engine with jieba+Whoosh "the usual way" and SQLite FTS5 trigram.

Every engine gets the same generated corpus and the same query mix, and every
phase (build, query mix, each cold start, freshness) runs in a fresh Python
process, so no phase profits from another's warm caches or memory. Prints a
table and writes everything, raw latencies included, to ``--json-out``.

    python bench/run.py --count 10000
    python bench/run.py --count 1000 --quick --engines naive,fts5
    python bench/run.py --count 100000 --engines ours,fts5 --queries-only   # reuse the indexes
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import engines
import freshness
import report
from articles import article_paths, iter_articles, normalise, tree_bytes
from corpora import BENCH_DIR, ensure_corpus, ensure_queries, log
from jieba_rate import jieba_rate

COLD_START_QUERY = "乡村振兴"
COLD_START_CODE = """\
import time
t0 = time.monotonic()
import json, pathlib, sys
sys.path.insert(0, {bench!r})
import engines
searcher = engines.load({engine!r}).Searcher(pathlib.Path({work!r}))
total, ids = searcher.search({query!r}, True)
print(json.dumps({{"t0": t0, "t1": time.monotonic(), "total": total}}))
"""


class PhaseError(RuntimeError):
    """A phase subprocess failed; the message carries the tail of its stderr."""


def run_phase(phase: str, engine: str, out: Path, timeout: float, **options: Path) -> dict:
    command = [sys.executable, str(BENCH_DIR / "worker.py"), phase, engine, "--out", str(out)]
    for key, value in options.items():
        command += [f"--{key}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise PhaseError(f"{phase} failed (exit {done.returncode}): {done.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def cold_start(engine: str, work: Path, runs: int) -> dict:
    """Start a new interpreter, import the engine, open the index, answer one query."""
    code = COLD_START_CODE.format(
        bench=str(BENCH_DIR), engine=engine, work=str(work), query=COLD_START_QUERY
    )
    samples = []
    for _ in range(runs):
        spawned = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            raise PhaseError(f"cold start failed: {done.stderr[-3000:]}")
        times = json.loads(done.stdout.strip().splitlines()[-1])
        samples.append(
            {"in_process_s": times["t1"] - times["t0"], "from_spawn_s": times["t1"] - spawned}
        )
    return {
        "query": COLD_START_QUERY,
        "runs": samples,
        "median_in_process_s": statistics.median(s["in_process_s"] for s in samples),
        "median_from_spawn_s": statistics.median(s["from_spawn_s"] for s in samples),
    }


def bench_engine(name: str, home: Path, corpus: dict, queries: list[dict], args) -> dict:
    scratch = args.phases_dir
    scratch.mkdir(parents=True, exist_ok=True)
    work = home / "work" / name
    if args.queries_only:
        return bench_queries(name, work, queries, scratch)
    check = run_phase("check", name, scratch / f"{name}-check.json", 600, work=work)
    if check["unavailable"]:
        log(f"skipping {name}: {check['unavailable']}")
        return {"status": "skipped", "reason": check["unavailable"]}
    shutil.rmtree(work, ignore_errors=True)
    log(f"{name}: building ...")
    build = run_phase(
        "build", name, scratch / f"{name}-build.json", 4 * 3600, corpus=home / "corpus", work=work
    )
    # per article file, as jieba_rate.py counts them (a corpus may hold fewer than --count)
    build["articles_per_s"] = corpus["articles"] / build["seconds"]
    build["articles_per_cpu_s"] = corpus["articles"] / build["cpu_seconds"]
    build["index_ratio"] = build["index_bytes"] / corpus["bytes"]
    if args.build_only:
        log(f"{name}: {build['seconds']:.1f} s")
        return {"status": "ok", "build": build, "query": None, "cold_start": None}
    log(f"{name}: {build['seconds']:.1f} s; running {len(queries)} queries ...")
    result = query_phase(name, work, queries, scratch)
    log(f"{name}: cold start x{args.cold_runs} ...")
    return {**result, "build": build, "cold_start": cold_start(name, work, args.cold_runs)}


def query_phase(name: str, work: Path, queries: list[dict], scratch: Path) -> dict:
    """The query mix on the index in ``work``, in a fresh process: the
    engine's result without build or cold-start figures."""
    qfile = scratch / "queries.json"
    qfile.write_text(json.dumps([q["text"] for q in queries], ensure_ascii=False), encoding="utf-8")
    raw = run_phase("query", name, scratch / f"{name}-query.json", 3600, work=work, queries=qfile)
    query = report.summarise_queries(queries, raw["results"])
    query.update(open_seconds=raw["open_seconds"], rss=raw["rss"])
    return {
        "status": "ok",
        "build": None,
        "query": query,
        "cold_start": None,
        "per_query": [{k: r[k] for k in ("ms", "total", "ids")} for r in raw["results"]],
    }


def bench_queries(name: str, work: Path, queries: list[dict], scratch: Path) -> dict:
    """The query phase alone, on the index an earlier run built in ``work``
    (a 100,000-article build takes twenty minutes); nothing is written there."""
    if not work.exists():
        raise PhaseError(f"no index at {work}: run without --queries-only first")
    log(f"{name}: running {len(queries)} queries on {work} ...")
    return query_phase(name, work, queries, scratch)


def bench_freshness(home: Path, corpus: dict, args) -> dict:
    log("ours: freshness ...")
    texts = [normalise(t + "\n" + "\n".join(p)) for _, t, p in iter_articles(home / "corpus")]
    article = freshness.fresh_article(corpus["count"] + 1, corpus["seed"], texts)
    scratch = Path(tempfile.mkdtemp(prefix="fresh-", dir=home))
    try:
        return freshness.measure(
            home / "corpus", home / "work" / "ours", scratch, article, args.fresh_timeout
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def environment() -> dict:
    packages = {}
    for name in ("whoosh3", "jieba", "psutil"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "packages": packages,
        "loadavg_at_start": os.getloadavg(),
    }


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed")
    parser.add_argument("--engines", default=",".join(engines.NAMES), help="comma-separated")
    parser.add_argument("--queries", type=int, help="queries in the mix (200; 60 with --quick)")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data", help="corpus cache")
    parser.add_argument("--json-out", type=Path, default=BENCH_DIR / "out" / "results.json")
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer queries and runs")
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="only the query mix, on the indexes an earlier run left in <data>/<count>-<seed>/work",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="only each engine's build, and jieba's own rate in the same run (no queries)",
    )
    parser.add_argument(
        "--jieba-sample",
        type=int,
        default=3000,
        help="articles jieba segments alone for the build's limit (0: skip)",
    )
    args = parser.parse_args(argv)
    args.engine_names = [e.strip() for e in args.engines.split(",") if e.strip()]
    for name in args.engine_names:
        if name not in engines.NAMES:
            parser.error(f"unknown engine {name!r}; choose from {', '.join(engines.NAMES)}")
    args.queries = args.queries or (60 if args.quick else 200)
    args.cold_runs = 1 if args.quick else 3
    args.fresh_timeout = 60.0 if args.quick else 600.0
    args.data = args.data.resolve()
    args.phases_dir = args.json_out.resolve().with_name(args.json_out.stem + "-phases")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home, corpus = ensure_corpus(args.data, args.count, args.seed)
    corpus["articles"] = len(article_paths(home / "corpus"))
    corpus["bytes"] = tree_bytes(home / "corpus")
    # a build needs no queries (their truth is a pass over the whole corpus)
    queries = [] if args.build_only else ensure_queries(home, args.queries, args.seed)
    results: dict = {
        "config": {
            "count": args.count,
            "seed": args.seed,
            "queries": args.queries,
            "quick": args.quick,
            "build_only": args.build_only,
            "engines": args.engine_names,
            **environment(),
        },
        "corpus": corpus,
        "queries": queries,
        "engines": {},
    }
    for name in args.engine_names:
        try:
            results["engines"][name] = bench_engine(name, home, corpus, queries, args)
        except (PhaseError, subprocess.TimeoutExpired) as exc:
            log(f"{name}: {exc}")
            results["engines"][name] = {"status": "failed", "reason": str(exc)[:3000]}
    ours_ok = results["engines"].get("ours", {}).get("status") == "ok" and not args.queries_only
    if ours_ok and not args.build_only:
        results["freshness"] = bench_freshness(home, corpus, args)
    if ours_ok and args.jieba_sample:
        log(f"jieba alone on {os.cpu_count()} cores, {args.jieba_sample} articles ...")
        results["jieba"] = jieba_rate(home / "corpus", os.cpu_count() or 1, args.jieba_sample)
    results["ratios"] = report.target_ratios(results["engines"], results.get("jieba"))
    results["config"]["loadavg_at_end"] = os.getloadavg()  # other work skews the figures
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report.render(results))
    print(f"\nfull results: {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
