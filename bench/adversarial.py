"""Adversarial exact phrases: our engine against SQLite FTS5 trigram, in one process.

The worst case for a character-bigram presence index is a quoted phrase whose
every bigram is common but which is itself rare or absent: the bigrams leave
thousands of candidate articles, and each must be checked. The phrases here
are joined from the corpus's most common bigrams (2 or 3 of them), keeping
only those whose every bigram, the joints included, is among the most common,
and which occur in at most ``--max-truth`` articles as a whole.

Both engines answer the same quoted phrases in this process, alternating
query by query so that load on the machine hits both alike (CPU time per
query is printed too: on a busy machine it is the steadier figure); ours through the
public API (``search``, snippets included), FTS5 through the harness's
engine (``MATCH '"phrase"'``, ``snippet()``). Every total is checked against
the brute-force truth.

    python bench/adversarial.py --count 10000
    python bench/adversarial.py --count 100000 --queries 100 --json-out bench/out/adv-100k.json

Indexes are those ``run.py`` builds (``bench/data/<count>-<seed>/work/{ours,fts5}``),
built here first when missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from random import Random

import engines
from articles import iter_articles, normalise
from corpora import BENCH_DIR, ensure_corpus, log
from queries import SubstringIndex
from report import latency

SAMPLE_ARTICLES = 2000  # bigram frequencies and a first absence test come from these
TOP_BIGRAMS = 300  # "common": among this many most frequent CJK bigrams
JOIN_FROM = 150  # phrases are joined from the most frequent of those


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def common_bigrams(texts: list[str]) -> list[str]:
    """CJK bigrams by the number of articles containing them, most first."""
    counts: dict[str, int] = {}
    for text in texts:
        for bigram in {text[i : i + 2] for i in range(len(text) - 1)}:
            if is_cjk(bigram[0]) and is_cjk(bigram[-1]):
                counts[bigram] = counts.get(bigram, 0) + 1
    return sorted(counts, key=lambda b: (-counts[b], b))[:TOP_BIGRAMS]


def adversarial_phrases(
    texts: list[str], count: int, seed: int, max_truth: int
) -> list[tuple[str, int]]:
    """(phrase, articles containing it) for ``count`` adversarial phrases."""
    rng = Random(seed)
    sample = [texts[i] for i in sorted(rng.sample(range(len(texts)), SAMPLE_ARTICLES))]
    top = common_bigrams(sample)
    common = set(top)
    sample_index = SubstringIndex(sample)
    full_index = SubstringIndex(texts)
    found: dict[str, int] = {}
    for _ in range(2000 * count):
        if len(found) == count:
            break
        parts = [rng.choice(top[:JOIN_FROM]) for _ in range(rng.choice((2, 2, 3)))]
        phrase = "".join(parts)
        bigrams = {phrase[i : i + 2] for i in range(len(phrase) - 1)}
        if phrase in found or not bigrams <= common or sample_index.articles_with(phrase):
            continue
        truth = len(full_index.articles_with(phrase))
        if truth <= max_truth:
            found[phrase] = truth
    return list(found.items())


def ensure_index(name: str, home: Path) -> Path:
    work = home / "work" / name
    marker = work / ("fts5.db" if name == "fts5" else "CURRENT")
    if not marker.exists():
        log(f"{name}: building {work} ...")
        started = time.perf_counter()
        engines.load(name).build(home / "corpus", work)
        log(f"{name}: built in {time.perf_counter() - started:.1f} s")
    return work


def measure(searchers: dict, phrases: list[tuple[str, int]]) -> dict:
    """Per engine: ms and total of each quoted phrase, alternating engines."""
    results: dict[str, list[dict]] = {name: [] for name in searchers}
    for searcher in searchers.values():
        searcher.search('"西双版纳"', True)  # warm-up, not timed
    for phrase, truth in phrases:
        for name, searcher in searchers.items():
            started, cpu = time.perf_counter(), time.process_time()
            total, _ = searcher.search(f'"{phrase}"', True)
            ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            results[name].append(
                {"phrase": phrase, "truth": truth, "total": total, "ms": ms, "cpu_ms": cpu_ms}
            )
    return results


class Fts5Phrase:
    """The FTS5 engine given the bare phrase (its query syntax quotes it)."""

    def __init__(self, work: Path):
        self.inner = engines.load("fts5").Searcher(work)

    def search(self, query: str, with_snippets: bool):
        return self.inner.search(query.strip('"'), with_snippets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=100, help="adversarial phrases")
    parser.add_argument("--max-truth", type=int, default=3, help="most articles a phrase is in")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--ours-index", type=Path, help="our index (default: run.py's)")
    parser.add_argument("--json-out", type=Path, default=BENCH_DIR / "out" / "adversarial.json")
    args = parser.parse_args(argv)
    home, _ = ensure_corpus(args.data.resolve(), args.count, args.seed)
    texts = [normalise(t + "\n" + "\n".join(p)) for _, t, p in iter_articles(home / "corpus")]
    phrases = adversarial_phrases(texts, args.queries, args.seed, args.max_truth)
    del texts
    log(f"{len(phrases)} adversarial phrases, e.g. {', '.join(p for p, _ in phrases[:5])}")
    searchers = {
        "ours": engines.load("ours").Searcher(args.ours_index or ensure_index("ours", home)),
        "fts5": Fts5Phrase(ensure_index("fts5", home)),
    }
    results = measure(searchers, phrases)
    summary = {name: latency([r["ms"] for r in rows]) for name, rows in results.items()}
    cpu = {name: latency([r["cpu_ms"] for r in rows]) for name, rows in results.items()}
    wrong = {name: [r for r in rows if r["total"] != r["truth"]] for name, rows in results.items()}
    ratio = summary["ours"]["p95_ms"] / summary["fts5"]["p95_ms"]
    cpu_ratio = cpu["ours"]["p95_ms"] / cpu["fts5"]["p95_ms"]
    print(f"{args.count} articles, {len(phrases)} quoted phrases (in 0-{args.max_truth} articles)")
    for name, figures in summary.items():
        print(
            f"{name:6} p50 {figures['p50_ms']:7.2f}  p95 {figures['p95_ms']:7.2f}  "
            f"p99 {figures['p99_ms']:7.2f} ms   wrong totals: {len(wrong[name])}"
        )
    for name, figures in cpu.items():
        print(
            f"{name:6} CPU time: p50 {figures['p50_ms']:7.2f}  p95 {figures['p95_ms']:7.2f}  "
            f"p99 {figures['p99_ms']:7.2f} ms"
        )
    print(f"ours p95 / fts5 p95 = {ratio:.2f} (wall), {cpu_ratio:.2f} (CPU time)")
    slowest = sorted(results["ours"], key=lambda r: -r["ms"])[:5]
    print("slowest for ours: " + ", ".join(f"{r['phrase']} {r['ms']:.1f} ms" for r in slowest))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(
        json.dumps(
            {
                "count": args.count,
                "summary": summary,
                "cpu": cpu,
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
                "results": results,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
