"""The load test's figures: latency percentiles, errors by kind, which index
generation answered the probe, and the printed summary."""

from __future__ import annotations

import re
from pathlib import Path

from loadclients import Sample
from report import percentile

# The end of an access log line in gunicorn.conf.py's format: "... 8353 77ms <26654>".
ACCESS_TIME = re.compile(r" (\d+)ms <\d+>$", re.MULTILINE)


def latency_ms(samples: list[Sample]) -> dict:
    """Percentiles of answered requests only: a failure's time says nothing of speed."""
    ms = [s.seconds * 1000 for s in samples if s.error is None]
    figures = {f"p{p}": percentile(ms, p) for p in (50, 95, 99)}
    return {**figures, "max": max(ms, default=None)}


def server_times_ms(access_logs: list[Path]) -> dict:
    """Percentiles of the time gunicorn itself spent on each request, from its
    access logs: what a client waits beyond that is queueing for a worker."""
    ms = [float(m) for log in access_logs for m in ACCESS_TIME.findall(log.read_text("utf-8"))]
    return {"requests": len(ms), **{f"p{p}": percentile(ms, p) for p in (50, 95, 99)}}


def probe_counts(samples: list[Sample], old: int, new: int, reindex_end: float | None) -> dict:
    """How many probe answers came from the old and from the new generation."""
    probes = [s for s in samples if s.kind == "probe" and s.error is None]
    late = [s for s in probes if reindex_end is not None and s.start > reindex_end]
    return {
        "old": sum(s.total == old for s in probes),
        "new": sum(s.total == new for s in probes),
        "other": sum(s.total not in (old, new) for s in probes),
        "old_after_reindex_finished": sum(s.total == old for s in late),
        "last_old_at": max((s.start for s in probes if s.total == old), default=None),
        "first_new_at": min((s.start for s in probes if s.total == new), default=None),
    }


def summarise(samples: list[Sample], elapsed: float, events: dict, probe: dict) -> dict:
    """All figures of a run as plain data, for the printed summary and the JSON."""
    errors: dict[str, int] = {}
    for s in samples:
        if s.error is not None:
            errors[s.error] = errors.get(s.error, 0) + 1
    served = sum(s.error is None for s in samples)
    kinds = sorted({s.kind for s in samples})
    return {
        "requests": len(samples),
        "served": served,
        "requests_per_second": served / elapsed,
        "errors": errors,
        "latency_ms": latency_ms(samples),
        "latency_ms_by_kind": {k: latency_ms([s for s in samples if s.kind == k]) for k in kinds},
        "events": events,
        "probe": probe,
    }


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def at(value: float | None) -> str:
    return "never" if value is None else f"t={value:.1f} s"


def render(config: dict, result: dict) -> str:
    lat, ev, pr = result["latency_ms"], result["events"], result["probe"]
    errors = ", ".join(f"{k} {v}" for k, v in sorted(result["errors"].items())) or "none"
    reindexed = ev.get("reindex_end") is not None and ev.get("reindex_status") == 0
    lines = [
        f"set-up    {config['setup']}; {config['clients']} clients; {config['duration']:.0f} s",
        f"corpus    {config['count']} articles, index built in {config['build_seconds']:.1f} s",
        f"requests  {result['served']} served of {result['requests']}, "
        f"{result['requests_per_second']:.1f} requests/s",
        f"errors    {sum(result['errors'].values())} ({errors})",
        f"latency   p50 {ms(lat['p50'])} ms, p95 {ms(lat['p95'])} ms, "
        f"p99 {ms(lat['p99'])} ms, max {ms(lat['max'])} ms",
    ]
    for kind, k in result["latency_ms_by_kind"].items():
        lines.append(f"  {kind:<10} p50 {ms(k['p50'])} ms, p95 {ms(k['p95'])} ms")
    server = result["server_ms"]
    lines.append(
        f"server    p50 {ms(server['p50'])} ms, p95 {ms(server['p95'])} ms, p99 {ms(server['p99'])}"
        f" ms: gunicorn's own time for {server['requests']} requests (access log)"
    )
    lines += [
        f"reindex   {config['changed']} articles changed or added at {at(ev.get('reindex_start'))};"
        f" finished: {'yes' if reindexed else 'NO'} ({at(ev.get('reindex_end'))},"
        f" exit {ev.get('reindex_status')})",
        f"probe     total {config['old_total']} (old) / {config['new_total']} (new):"
        f" {pr['old']} old, {pr['new']} new, {pr['other']} other;"
        f" last old {at(pr['last_old_at'])}, first new {at(pr['first_new_at'])};"
        f" old after the reindex finished: {pr['old_after_reindex_finished']}",
        f"kill      SIGKILL worker {ev['killed_pid']} (state {ev['killed_state']})"
        f" at {at(ev['kill'])}; replacement"
        f" {ev.get('respawned_pid', 'none')} ready at {at(ev.get('respawn'))};"
        f" workers now {ev['workers_after']}",
    ]
    if "nginx_upstream_errors" in result:
        lines.append(
            f"nginx     {result['nginx_upstream_errors']} upstream errors logged"
            " (each a request nginx then retried on the other instance)"
        )
    lines.append(f"final     probe total {result['final_total']} (expected {config['new_total']})")
    return "\n".join(lines)
