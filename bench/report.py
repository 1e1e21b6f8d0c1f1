"""Turn raw phase results into the figures we track, and print them.

Kept apart from ``run.py`` so the arithmetic (percentiles, ratios, recall)
can be read, and re-run on a saved results.json, without running anything.
"""

from __future__ import annotations

import math
import statistics

KINDS = ("common", "two_words", "phrase", "rare")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(ms: list[float]) -> dict:
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else None,
    }


def summarise_queries(queries: list[dict], results: list[dict]) -> dict:
    """Latency overall and per kind, and recall against the brute-force truth."""
    summary = latency([r["ms"] for r in results])
    summary["by_kind"] = {
        kind: latency([r["ms"] for q, r in zip(queries, results, strict=True) if q["kind"] == kind])
        for kind in KINDS
    }
    recall: dict = {kind: {"exact": 0, "under": 0, "over": 0} for kind in KINDS}
    misses = []
    for query, result in zip(queries, results, strict=True):
        got, truth = result["total"], query["truth"]
        verdict = "exact" if got == truth else "under" if got < truth else "over"
        recall[query["kind"]][verdict] += 1
        if verdict == "under":
            misses.append({**query, "got": got})
    summary["recall"] = recall
    summary["misses"] = misses
    summary["empty_snippets"] = sum(1 for r in results if r["ids"] and not any(r["snippet"]))
    return summary


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def target_ratios(engines: dict, jieba: dict | None = None) -> dict:
    """The ratios our targets are stated in; None where an engine did not run.
    ``jieba`` is jieba_rate.py's measurement of the same run."""
    jieba = jieba or {}

    def get(name: str, *path: str):
        value = engines.get(name, {})
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    p95 = {name: get(name, "query", "p95_ms") for name in ("ours", "naive", "fts5")}
    rate = {name: get(name, "build", "articles_per_s") for name in ("ours", "naive")}
    cpu_rate = get("ours", "build", "articles_per_cpu_s")
    return {
        "ours_p95_over_fts5_p95": ratio(p95["ours"], p95["fts5"]),
        "naive_p95_over_ours_p95": ratio(p95["naive"], p95["ours"]),
        "ours_rate_over_naive_rate": ratio(rate["ours"], rate["naive"]),
        "ours_index_over_corpus": get("ours", "build", "index_ratio"),
        "ours_rate_over_jieba_rate": ratio(rate["ours"], jieba.get("articles_per_s")),
        "ours_cpu_rate_over_jieba_cpu_rate": ratio(cpu_rate, jieba.get("articles_per_cpu_s")),
        "ours_anon_rss_mib": get("ours", "query", "rss", "anon_mib"),
    }


def fmt(value, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def table(engines: dict) -> list[str]:
    header = (
        f"{'engine':<7}{'build s':>9}{'art/s':>8}{'idx/corp':>9}{'buildMiB':>9}"
        f"{'p50':>8}{'p95':>8}{'p99':>8}{'cold s':>8}{'qryMiB':>8}{'misses':>8}"
    )
    lines = [header, "-" * len(header)]
    for name, e in engines.items():
        if e["status"] != "ok":
            reason = [ln for ln in e.get("reason", "").splitlines() if ln.strip()]
            lines.append(f"{name:<7}  {e['status']}: {reason[-1] if reason else ''}")
            continue
        q = e["query"]
        b = e["build"] or {"seconds": None, "articles_per_s": None, "index_ratio": None}
        c = e["cold_start"] or {"median_in_process_s": None}  # both None with --queries-only
        rss = b.get("rss")
        build_mib = rss and (rss["tree_peak_mib"] or max(rss["self_mib"], rss["children_mib"]))
        lines.append(
            f"{name:<7}{fmt(b['seconds']):>9}{fmt(b['articles_per_s'], '.0f'):>8}"
            f"{fmt(b['index_ratio'], '.2f'):>9}{fmt(build_mib, '.0f'):>9}"
            f"{fmt(q['p50_ms']):>8}{fmt(q['p95_ms']):>8}{fmt(q['p99_ms']):>8}"
            f"{fmt(c['median_in_process_s'], '.2f'):>8}{fmt(q['rss']['self_mib'], '.0f'):>8}"
            f"{len(q['misses']):>8}"
        )
    return lines


def kind_lines(engines: dict) -> list[str]:
    lines = [f"{'p50/p95 ms':<11}" + "".join(f"{kind:>16}" for kind in KINDS)]
    for name, e in engines.items():
        if e["status"] == "ok":
            by_kind = e["query"]["by_kind"]
            cells = [f"{fmt(by_kind[k]['p50_ms'])}/{fmt(by_kind[k]['p95_ms'])}" for k in KINDS]
            lines.append(f"{name:<11}" + "".join(f"{c:>16}" for c in cells))
    return lines


def recall_lines(engines: dict, limit: int = 5) -> list[str]:
    lines = []
    for name, e in engines.items():
        if e["status"] != "ok":
            continue
        rec = e["query"]["recall"]
        parts = [f"{k} {v['exact']}/{v['under']}/{v['over']}" for k, v in rec.items()]
        lines.append(f"{name:<7}exact/under/over: " + ", ".join(parts))
        misses = sorted(e["query"]["misses"], key=lambda m: m["kind"] != "phrase")
        if not misses:
            continue
        phrases = [m for m in misses if m["kind"] == "phrase"]
        crossing = sum(1 for m in phrases if m["crosses"])
        lines.append(
            f"{'':<7}MISSES in {len(misses)} queries: {len(phrases)} phrases "
            f"({crossing} cut across a jieba word), {len(misses) - len(phrases)} others; e.g."
        )
        shown = list({m["text"]: m for m in misses}.values())[:limit]
        lines += [f"{'':<9}{m['text']!r} ({m['kind']}): {m['got']} of {m['truth']}" for m in shown]
    return lines


def render(results: dict) -> str:
    """The printed report: table, target ratios, recall, freshness."""
    corpus, config = results["corpus"], results["config"]
    if config.get("build_only"):
        return "\n".join(build_lines(results))
    lines = [
        f"corpus: {corpus['articles']} articles, {corpus['bytes'] / 2**20:.1f} MiB "
        f"(seed {config['seed']}); {len(results['queries'])} queries, "
        "latency in ms with snippets of the top 10",
        "load average at start/end: {:.1f}/{:.1f} on {} CPUs".format(
            config["loadavg_at_start"][0], config["loadavg_at_end"][0], config["cpus"]
        ),
        "",
        *table(results["engines"]),
        "",
        *kind_lines(results["engines"]),
        "",
        "target ratios:",
    ]
    for key, value in results["ratios"].items():
        lines.append(f"  {key:<28}{fmt(value, '.3f')}")
    lines += [
        "",
        "hit counts vs brute force, in queries (under = misses articles that contain the",
        "text; over = also returns articles without the exact text, e.g. AND of words):",
        *recall_lines(results["engines"]),
    ]
    fresh = results.get("freshness")
    if fresh:
        lines += ["", "freshness (ours): " + freshness_line(fresh)]
    return "\n".join(lines)


def freshness_line(fresh: dict) -> str:
    if "error" in fresh or "skipped" in fresh:
        return fresh.get("error") or fresh["skipped"]
    seen = fresh["seconds"]
    text = f"new article found after {fmt(seen, '.2f')} s" if seen else "NOT found (open handle)"
    text += f"; reindex command took {fmt(fresh['reindex_seconds'], '.2f')} s"
    text += f" (exit {fresh['reindex_exit_code']})"
    if fresh["visible_after_reopen"] is not None:
        text += f"; visible after reopening: {fresh['visible_after_reopen']}"
    return text


def build_lines(results: dict) -> list[str]:
    """The report of a --build-only run: each build against jieba's rate."""
    corpus, config, jieba = results["corpus"], results["config"], results.get("jieba") or {}
    lines = [
        f"corpus: {corpus['articles']} articles, {corpus['bytes'] / 2**20:.1f} MiB "
        f"(seed {config['seed']}); {config['cpus']} CPUs",
        "load average at start/end: {:.1f}/{:.1f}".format(
            config["loadavg_at_start"][0], config["loadavg_at_end"][0]
        ),
        "",
        f"{'':<7}{'wall s':>9}{'art/s':>8}{'CPU s':>9}{'art/CPU s':>10}{'idx/corp':>9}",
    ]
    for name, e in results["engines"].items():
        b = e.get("build")
        if e["status"] != "ok" or not b:
            lines.append(f"{name:<7}  {e['status']}")
            continue
        lines.append(
            f"{name:<7}{fmt(b['seconds']):>9}{fmt(b['articles_per_s'], '.0f'):>8}"
            f"{fmt(b['cpu_seconds']):>9}{fmt(b['articles_per_cpu_s'], '.0f'):>10}"
            f"{fmt(b['index_ratio'], '.2f'):>9}"
        )
    if jieba:
        lines.append(
            f"{'jieba':<7}{fmt(jieba['seconds']):>9}{fmt(jieba['articles_per_s'], '.0f'):>8}"
            f"{fmt(jieba['cpu_seconds']):>9}{fmt(jieba['articles_per_cpu_s'], '.0f'):>10}"
            f"   ({jieba['articles']} articles, {jieba['processes']} processes)"
        )
    ratios = results["ratios"]
    lines += [
        "",
        "ours / jieba, articles per second: "
        + fmt(ratios["ours_rate_over_jieba_rate"], ".3f")
        + "; per CPU second: "
        + fmt(ratios["ours_cpu_rate_over_jieba_cpu_rate"], ".3f"),
    ]
    return lines
