"""Load test with faults: the production set-up under steady search traffic
while the corpus changes, a reindex runs and a worker is killed.

    python bench/load.py                          # 1,000 articles, 60 s, nginx if installed
    python bench/load.py --front none             # clients talk to gunicorn directly
    python bench/load.py --count 2000 --duration 30 --json-out bench/out/load.json

It copies a cached generated corpus (``bench/data/<count>-<seed>/``) into a
temporary work folder, builds the index there and starts gunicorn with the
project's ``gunicorn.conf.py``: one instance, or two behind nginx (``--front
nginx``, Debian's package) so a request lost with a dying worker is retried on
the other instance. Clients are Python threads, one keep-alive
``http.client`` connection each, asking ``/api/search`` back to back (a
closed loop) from the benchmark's query mix plus a probe query. Three
seconds into a 60-second run (5%), it marks a few hundred articles (changed
and new ones) with a phrase found nowhere else and starts ``python -m indexer
reindex``, early because under full load it takes tens of seconds; halfway, it
SIGKILLs one gunicorn worker. The probe is that phrase, so each probe answer
shows which index generation served it. All traffic goes to 127.0.0.1; every
loop is bounded in count and time; processes and the work folder are removed
at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from articles import article_paths, normalise
from corpora import BENCH_DIR, ensure_corpus, ensure_queries
from freshness import MARKERS
from generate import make_article
from loadclients import Client, probe_total
from loadreport import probe_counts, render, server_times_ms, summarise
from queries import SubstringIndex, find_absent
from servers import Gunicorn, Nginx, proc_stat, start_gunicorn, start_nginx, stop

CHANGE_AT, KILL_AT = 0.05, 0.5  # when the corpus changes and the worker dies, as run fractions
QUERY_MIX = 200  # distinct queries drawn from the corpus (bench/queries.py)
POLL_SECONDS = 0.05


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path, list[dict], float]:
    """Copy the cached corpus into ``work``, build its index; return the
    corpus, the index, the query mix and the build time in seconds."""
    home, _ = ensure_corpus(args.data, args.count, args.seed)
    mix = ensure_queries(home, QUERY_MIX, args.seed)
    corpus, index = work / "corpus", work / "index"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(home / "corpus", corpus)  # copy2 keeps mtimes: reindex sees no change
    log(f"building the index of {args.count} articles ...")
    started = time.monotonic()
    subprocess.run(reindex_command(corpus, index), check=True, capture_output=True)
    return corpus, index, mix, time.monotonic() - started


def reindex_command(corpus: Path, index: Path) -> list[str]:
    command = [sys.executable, "-m", "indexer", "reindex"]
    return [*command, "--corpus", str(corpus), "--index", str(index)]


def with_marker(text: str, marker: str) -> str:
    """The article with one more paragraph, holding ``marker``, before its trailer."""
    changed = text.replace("\n\n\u00a0", f"\n\n{marker},正式投入使用。\n\n\u00a0", 1)
    if changed == text:
        raise ValueError("article has no trailer to insert the marker before")
    return changed


def plan_changes(corpus: Path, count: int, seed: int, total: int) -> tuple[str, dict[Path, str]]:
    """A phrase in no article, and the new text of ``total`` files carrying it:
    two thirds are existing articles spread over the corpus, a third new ones."""
    paths = article_paths(corpus)
    texts = {path: path.read_text(encoding="utf-8") for path in paths}
    marker = find_absent(SubstringIndex([normalise(t) for t in texts.values()]), MARKERS)
    to_modify = total * 2 // 3
    modified = paths[:: max(1, len(paths) // max(1, to_modify))][:to_modify]
    changes = {path: with_marker(texts[path], marker) for path in modified}
    for number in range(count + 1, count + 1 + total - len(changes)):
        relpath, text = make_article(number, seed)
        changes[corpus / relpath] = with_marker(text, marker)
    return marker, changes


def start_servers(
    args: argparse.Namespace, stack: ExitStack, work: Path, corpus: Path, index: Path
) -> tuple[int, Gunicorn, Nginx | None]:
    """(port the clients use, the gunicorn that loses a worker, nginx or None)."""
    instances = 2 if args.front == "nginx" else 1
    gunicorns = []
    for number in range(instances):
        log(f"starting gunicorn {number + 1}/{instances} ...")
        server = start_gunicorn(
            f"gunicorn{number + 1}", args.workers // instances, index, corpus, work
        )
        stack.callback(stop, server.proc)
        gunicorns.append(server)
    if args.front == "none":
        return gunicorns[0].port, gunicorns[0], None
    nginx = start_nginx(work / "nginx", [g.port for g in gunicorns])
    stack.callback(stop, nginx.proc)
    return nginx.port, gunicorns[0], nginx


def sleep_until(moment: float) -> None:
    """Wait for a scheduled moment of the run (a timetable, not synchronisation)."""
    time.sleep(max(0.0, moment - time.monotonic()))


def start_reindex(
    stack: ExitStack, corpus: Path, index: Path, changes: dict[Path, str]
) -> subprocess.Popen:
    """Write the changed and new articles, then start ``python -m indexer reindex``."""
    for path, text in changes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    output = stack.enter_context(open(corpus.parent / "reindex.log", "wb"))
    reindex = subprocess.Popen(reindex_command(corpus, index), stdout=output, stderr=output)
    stack.callback(stop, reindex)
    return reindex


def process_state(pid: int) -> str:
    """The kernel's one-letter state of a process: R running, S sleeping, ..."""
    fields = proc_stat(pid)
    return "?" if fields is None else fields[0]


def kill_worker(victim: Gunicorn) -> tuple[int, str]:
    """SIGKILL a worker of ``victim`` (no clean-up, as the OOM killer would),
    preferably one that is running, i.e. in the middle of a request: an idle
    sync worker waits in select() and takes no request down with it. Returns
    the pid and the state it was killed in."""
    busy: list[int] = []
    for _ in range(400):  # at most about 2 s of looking
        busy = [pid for pid in victim.workers() if process_state(pid) == "R"]
        if busy:
            break
        time.sleep(0.005)
    pid = (busy or victim.workers())[0]
    state = process_state(pid)
    os.kill(pid, signal.SIGKILL)
    return pid, state


def run_faults(
    args: argparse.Namespace,
    stack: ExitStack,
    victim: Gunicorn,
    corpus: Path,
    index: Path,
    changes: dict[Path, str],
    start: float,
) -> dict:
    """The scripted events of one run, on the main thread while clients run:
    change the corpus and start the reindex, later kill a worker, and all the
    while note when the reindex finishes and when the master has a replacement
    worker ready. Times are seconds since ``start``."""
    sleep_until(start + args.duration * CHANGE_AT)
    reindex = start_reindex(stack, corpus, index, changes)
    events: dict = {"reindex_start": time.monotonic() - start}
    kill_at = start + args.duration * KILL_AT
    deadline = start + args.duration + args.reindex_grace
    ready_before: set[int] = set()
    while time.monotonic() < deadline and not ("reindex_end" in events and "respawn" in events):
        now = time.monotonic()
        if "kill" not in events and now >= kill_at:
            ready_before = set(victim.ready_pids())
            events["killed_pid"], events["killed_state"] = kill_worker(victim)
            events["kill"] = time.monotonic() - start
        if "reindex_end" not in events and reindex.poll() is not None:
            events["reindex_end"], events["reindex_status"] = now - start, reindex.returncode
        respawned = [p for p in victim.ready_pids() if p not in ready_before]
        if "kill" in events and "respawn" not in events and respawned:
            events["respawn"], events["respawned_pid"] = now - start, respawned[0]
        time.sleep(POLL_SECONDS)
    events["workers_after"] = len(victim.workers())
    return events


def run(args: argparse.Namespace, stack: ExitStack, work: Path) -> tuple[dict, dict]:
    corpus, index, mix, build_seconds = prepare(args, work)
    marker, changes = plan_changes(corpus, args.count, args.seed, args.change)
    port, victim, nginx = start_servers(args, stack, work, corpus, index)
    probe_query = f'"{marker}"'  # quoted: the exact phrase only
    old_total = probe_total(port, probe_query)
    queries = [(q["kind"], q["text"]) for q in mix]
    start = time.monotonic()
    clients = [
        Client(n, port, queries, probe_query, start + args.duration, args.seed)
        for n in range(args.clients)
    ]
    for client in clients:
        client.start()
    log(f"running {args.clients} clients for {args.duration:.0f} s ...")
    events = run_faults(args, stack, victim, corpus, index, changes, start)
    for client in clients:
        client.join(timeout=30)
    samples = [s.relative_to(start) for c in clients for s in c.samples]
    elapsed = max((s.start + s.seconds for s in samples), default=args.duration)
    new_total = old_total + len(changes)
    probe = probe_counts(samples, old_total, new_total, events.get("reindex_end"))
    result = summarise(samples, elapsed, events, probe)
    result["server_ms"] = server_times_ms(sorted(work.glob("gunicorn*-access.log")))
    result["final_total"] = probe_total(port, probe_query)
    if nginx is not None:
        result["nginx_upstream_errors"] = nginx.retries()
    front = "nginx -> 2 gunicorn instances" if nginx else "gunicorn"
    config = {
        "setup": f"{front}, {args.workers} sync workers in all, 127.0.0.1",
        "clients": args.clients,
        "duration": args.duration,
        "count": args.count,
        "build_seconds": build_seconds,
        "changed": len(changes),
        "old_total": old_total,
        "new_total": new_total,
        "probe_query": probe_query,
    }
    return config, result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of traffic")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers in all")
    parser.add_argument("--change", type=int, default=200, help="articles changed or added")
    default_front = "nginx" if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "none"
    parser.add_argument("--front", choices=["nginx", "none"], default=default_front)
    parser.add_argument("--reindex-grace", type=float, default=60.0, help="extra seconds to wait")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data", help="corpus cache")
    parser.add_argument("--work", type=Path, help="keep files here instead of a temp folder")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 300:
        parser.error("--duration must be between 0 and 300 seconds")
    if args.change < 1:
        parser.error("--change must be at least 1: the probe tells generations apart by it")
    if args.front == "nginx" and args.workers < 2:
        parser.error("--front nginx needs at least 2 workers (one per instance)")
    args.data = args.data.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        if args.work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="xsbn-load-")))
        else:
            work = args.work.resolve()
            work.mkdir(parents=True, exist_ok=True)
        config, result = run(args, stack, work)
    print(render(config, result))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        report = {"config": config, **result}
        args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    failed = sum(result["errors"].values())
    return 0 if failed == 0 and result["final_total"] == config["new_total"] else 1


if __name__ == "__main__":
    sys.exit(main())
