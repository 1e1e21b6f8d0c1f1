"""What the pruned jieba dictionary costs in recall against the full one.

Matching reads the character index, so the dictionary matters only on the
query side: how a query is cut into the words of the all-words rule and the
parts of compounds. This parses many queries with each dictionary (each in a
process of its own: jieba loads one per process) against one index and
compares the articles they match.

    .venv/bin/python bench/generate.py --count 3000 --out /tmp/c --seed 1
    .venv/bin/python -m indexer reindex --corpus /tmp/c --index /tmp/i
    .venv/bin/python bench/relevance/dictionary.py --corpus /tmp/c --index /tmp/i

Queries: the speed benchmark's mix (queries.py, 400), the judged queries, and
600 runs of two or three dictionary words typed as one.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path
from random import Random

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))


def make_queries(corpus: Path) -> list[str]:
    from generate import SITE_TERMS, load_vocabulary
    from queries import build_queries
    from relevance.judged import QUERIES

    texts = [q.text for q in build_queries(corpus, 400, 1)] + [q.text for q in QUERIES]
    vocab, rng = load_vocabulary(), Random(7)
    pool = vocab.common[:3000] + SITE_TERMS + vocab.rare[:2000]
    texts += ["".join(rng.choice(pool) for _ in range(rng.choice([2, 3]))) for _ in range(600)]
    return list(dict.fromkeys(texts))


def matches(index: Path, texts: list[str], full: bool) -> dict[str, list[int]]:
    """Run in a child process: the articles each query matches."""
    import indexer.analysis

    if full:
        indexer.analysis.MIN_WORD_FREQ = 0
    import indexer

    matching = importlib.import_module("indexer.search.matching")
    query = importlib.import_module("indexer.search.query")
    with indexer.open_index(index) as ix, ix.searcher() as (gen, _):
        return {q: matching.Matcher(gen).match(query.parse_query(q)).cids.tolist() for q in texts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--child", choices=["pruned", "full"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    texts = make_queries(args.corpus)
    if args.child:
        json.dump(matches(args.index, texts, args.child == "full"), sys.stdout)
        return 0
    found = {}
    for kind in ("pruned", "full"):
        cmd = [sys.executable, __file__, "--corpus", str(args.corpus), "--index", str(args.index)]
        out = subprocess.run([*cmd, "--child", kind], capture_output=True, check=True, text=True)
        found[kind] = json.loads(out.stdout)
    pruned, full = found["pruned"], found["full"]
    differ = [q for q in texts if pruned[q] != full[q]]
    only_full = sum(len(set(full[q]) - set(pruned[q])) for q in texts)
    only_pruned = sum(len(set(pruned[q]) - set(full[q])) for q in texts)
    print(f"{len(texts)} queries, {len(differ)} match other articles with the full dictionary")
    print(f"articles only the full dictionary finds: {only_full}; only the pruned: {only_pruned}")
    for q in differ:
        print(f"  {q}: pruned {len(pruned[q])}, full {len(full[q])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
