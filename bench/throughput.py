"""Throughput under load: our production set-up against SQLite FTS5 trigram
served the same way, on the benchmark's query mix.

For each engine it starts gunicorn on 127.0.0.1 (ours with the project's
``gunicorn.conf.py`` and its default worker count, as ``make serve-prod``
does; FTS5 with ``fts5app.py`` and one worker per core), then runs two
closed loops of clients asking ``/api/search`` back to back (loadclients.py):

1. one client for ``--single`` seconds: the single-client p50;
2. ``--clients`` clients for ``--duration`` seconds: requests per second,
   latency percentiles and errors.

The issue's rule for "no waiting beyond the CPU's own queue" is printed
beside: with C clients on K cores, a request waits for at most C/K requests
ahead of it, so the p95 under load should stay within C/K x the
single-client p50. The clients run on the same machine and take their own
share of the cores, which this rule does not allow for.

Our engine keeps whole answers per index generation (the day's hot queries
repeat), so a mix of 200 queries asked over and over would soon be answered
from memory alone. Unless ``--cached`` is given, each query is therefore
asked in VARIANTS forms that differ only in trailing spaces: the search
ignores them, the answers cache does not, so almost every request does the
whole search (FTS5 gets the same forms; its ``split()`` ignores them too).

Beside each run it prints the CPU time a request cost, the server's
(gunicorn's processes, from /proc) plus the clients' (this process), and
C/K times that: the mean latency a closed loop must have when the cores
are busy (Little's law), before any spread of costs. ``--one QUERY`` asks
that one query only, as it is: after its first request every answer comes
from the answers cache, so every request costs about the same and the
figures show what the queue alone does to the p95.

It reuses the indexes ``run.py`` built in ``<data>/<count>-<seed>/work/``
(ours is opened through a folder of hard links, so whatever a worker writes
beside the index stays out of the cached one), so a 100,000-article figure
needs no new build:

    python bench/throughput.py --count 10000
    python bench/throughput.py --count 100000 --duration 60 --json-out bench/out/throughput.json
    python bench/throughput.py --count 10000 --one 三抓三促 --engines ours
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import BENCH_DIR, ensure_queries
from loadclients import Client
from loadreport import latency_ms
from servers import (
    LISTENING,
    ROOT,
    Gunicorn,
    alive,
    start_gunicorn,
    stop,
    wait_until,
)

CORES = len(os.sched_getaffinity(0))
QUERY_MIX = 200
VARIANTS = 64  # forms of each query, so that answers are rarely repeated (see above)


def serve_prod_workers() -> int:
    """gunicorn.conf.py's default worker count: what ``make serve-prod`` runs."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf.default_workers()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_fts5(work_dir: Path, home: Path) -> Gunicorn:
    """gunicorn over fts5app.py with one sync worker per core."""
    env = {**os.environ, "FTS5_WORK": str(work_dir)}
    error_log = home / "fts5-error.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(CORES)]
    command += ["--bind", "127.0.0.1:0", "--chdir", str(BENCH_DIR), "fts5app:app"]
    with open(error_log, "wb") as err:
        proc = subprocess.Popen(command, cwd=BENCH_DIR, env=env, stdout=err, stderr=err)
    server = Gunicorn("fts5", proc, error_log)
    try:
        listening = lambda: alive(server) and LISTENING.search(server.log_text())  # noqa: E731
        found = wait_until(listening, 60, "fts5")
        server.port = int(found.group(1))  # type: ignore[union-attr]
    except BaseException:
        stop(proc)
        raise
    return server


def closed_loop(
    server: Gunicorn, queries: list[tuple[str, str]], clients: int, seconds: float
) -> dict:
    """``clients`` threads asking back to back for ``seconds``: the figures."""
    server_cpu, client_cpu = server.cpu_seconds(), own_cpu_seconds()
    start = time.monotonic()
    deadline = start + seconds
    threads = [Client(n, server.port, queries, None, deadline, n + 1) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    server_cpu, client_cpu = server.cpu_seconds() - server_cpu, own_cpu_seconds() - client_cpu
    samples = [s for t in threads for s in t.samples]
    elapsed = max((s.start + s.seconds for s in samples), default=start + seconds) - start
    errors: dict[str, int] = {}
    for s in samples:
        if s.error is not None:
            errors[s.error] = errors.get(s.error, 0) + 1
    served = sum(s.error is None for s in samples)
    return {
        "clients": clients,
        "seconds": elapsed,
        "served": served,
        "requests_per_second": served / elapsed if elapsed else 0.0,
        "errors": errors,
        "latency_ms": latency_ms(samples),
        "cpu_ms_per_request": {
            "server": 1000 * server_cpu / max(1, len(samples)),
            "clients": 1000 * client_cpu / max(1, len(samples)),
        },
    }


def own_cpu_seconds() -> float:
    """User + system CPU of this process: the clients' threads while a loop runs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, server: Gunicorn, queries: list, args: argparse.Namespace) -> dict:
    """Warm every worker on the mix, then the single-client and the loaded run."""
    log(f"{name}: warming up ...")
    closed_loop(server, queries, args.clients, args.warmup)
    log(f"{name}: one client for {args.single:.0f} s ...")
    single = closed_loop(server, queries, 1, args.single)
    log(f"{name}: {args.clients} clients for {args.duration:.0f} s ...")
    loaded = closed_loop(server, queries, args.clients, args.duration)
    bound = args.clients / CORES * (single["latency_ms"]["p50"] or 0.0)
    p95 = loaded["latency_ms"]["p95"]
    cpu = sum(loaded["cpu_ms_per_request"].values())
    return {
        "single": single,
        "loaded": loaded,
        "p95_bound_ms": bound,
        "queue_mean_ms": args.clients / CORES * cpu,
        "p95_within_bound": p95 is not None and p95 <= bound,
    }


def linked_copy(index: Path, work: Path) -> Path:
    """The cached index as hard links in ``work``: new files land in the copy."""
    target = work / "index"
    shutil.copytree(index, target, copy_function=os.link)
    return target


def run(args: argparse.Namespace, work: Path) -> dict:
    home = args.data / f"{args.count}-{args.seed}"
    ours_index, fts5_dir = home / "work" / "ours", home / "work" / "fts5"
    for needed in (ours_index, fts5_dir):
        if not needed.is_dir():
            raise SystemExit(f"{needed} is missing: run bench/run.py --count {args.count} first")
    mix = ensure_queries(home, QUERY_MIX, args.seed)
    queries = [(q["kind"], q["text"]) for q in mix]
    if args.one is not None:
        queries = [("one", args.one)]
    elif not args.cached:
        queries = [(kind, text + " " * n) for kind, text in queries for n in range(1, VARIANTS + 1)]
    results: dict = {}
    if "ours" in args.engines:
        index = linked_copy(ours_index, work)
        server = start_gunicorn("ours", args.workers, index, home / "corpus", work)
        try:
            results["ours"] = {"workers": args.workers, **measure("ours", server, queries, args)}
        finally:
            stop(server.proc)
    if "fts5" in args.engines:
        server = start_fts5(fts5_dir, work)
        try:
            results["fts5"] = {"workers": CORES, **measure("fts5", server, queries, args)}
        finally:
            stop(server.proc)
    return results


def render(args: argparse.Namespace, results: dict) -> str:
    lines = [
        f"{args.count} articles, {CORES} cores, {args.clients} clients, {args.duration:.0f} s "
        f"loaded (after {args.warmup:.0f} s warm-up and {args.single:.0f} s with one client), "
        + asked(args),
        f"{'engine':8} {'workers':>7} {'1-client p50':>12} {'req/s':>7} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'bound':>8} {'errors':>6} {'CPU/req':>16} {'C/K x CPU':>9}",
    ]
    for name, r in results.items():
        lat = r["loaded"]["latency_ms"]
        lines.append(
            f"{name:8} {r['workers']:>7} {_ms(r['single']['latency_ms']['p50']):>12} "
            f"{r['loaded']['requests_per_second']:>7.1f} {_ms(lat['p50']):>8} {_ms(lat['p95']):>8} "
            f"{_ms(lat['p99']):>8} {_ms(r['p95_bound_ms']):>8} "
            f"{sum(r['loaded']['errors'].values()):>6} {_cpu(r['loaded']):>16} "
            f"{r['queue_mean_ms']:>9.1f}"
        )
    lines.append("bound: clients / cores x the single-client p50 (the p95 should stay within it)")
    lines.append("CPU/req: ms of server + clients CPU per request under load")
    lines.append("C/K x CPU: the mean latency the loop must have with the cores busy")
    return "\n".join(lines)


def asked(args: argparse.Namespace) -> str:
    if args.one is not None:
        return f"only {args.one!r}, as it is"
    return "the mix as it is" if args.cached else f"each query in {VARIANTS} forms"


def _cpu(run: dict) -> str:
    cpu = run["cpu_ms_per_request"]
    return f"{cpu['server']:.2f} + {cpu['clients']:.2f}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients under load")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds under load")
    parser.add_argument("--single", type=float, default=15.0, help="seconds with one client")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up load")
    parser.add_argument(
        "--workers", type=int, default=serve_prod_workers(), help="our gunicorn workers"
    )
    parser.add_argument("--cached", action="store_true", help="ask the mix as it is (see above)")
    parser.add_argument("--one", metavar="QUERY", help="ask only QUERY, as it is (see above)")
    parser.add_argument("--engines", default="ours,fts5", help="comma-separated: ours,fts5")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data", help="corpus cache")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    for seconds in (args.duration, args.single, args.warmup):
        if not 0 < seconds <= 600:
            parser.error("durations must be between 0 and 600 seconds")
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    args.data = args.data.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xsbn-throughput-") as tmp:
        results = run(args, Path(tmp))
    print(render(args, results))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        report = {"count": args.count, "cores": CORES, "clients": args.clients, **results}
        args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    ours = results.get("ours")
    return 0 if ours is None or not ours["loaded"]["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
