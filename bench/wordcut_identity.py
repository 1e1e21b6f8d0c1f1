"""Whether our segmenter (indexer/wordcut.py) gives exactly jieba's words on
a whole corpus, and how much faster it is.

Every article is segmented both ways, with the dictionary the build uses
(analysis.setup_jieba): jieba.lcut(text, HMM=False) against wordcut.lcut,
on the texts the build gives jieba (each title and body as the indexer
reads them, normalised and split around number and Latin tokens,
analysis.jieba_tokens) and on the texts bench/jieba_rate.py gives it (the
title and the paragraphs as the benchmark's truth reads them). One process
per core. Prints the counts and exits with status 1 on any difference.

    python bench/wordcut_identity.py --count 100000 --data /work/benchdata
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from functools import partial
from pathlib import Path

from articles import article_paths, parse_article
from corpora import BENCH_DIR, ensure_corpus

EXAMPLES = 5  # differences shown


def _jieba_cut(text: str) -> list[str]:
    import jieba

    return jieba.lcut(text, HMM=False)


def _texts(path: Path, corpus_dir: Path) -> list[tuple[str, str]]:
    """(kind, text) pairs of one file: the build's and jieba_rate.py's."""
    from indexer.index.prepare import prepare_file

    texts = []
    for article in prepare_file((path, corpus_dir)).docs:
        texts += [("build", article.title), ("build", article.body)]
    title, paragraphs = parse_article(path.read_text(encoding="utf-8"))
    return texts + [("raw", title), ("raw", "\n".join(paragraphs))]


def _compare(paths: list[str], corpus_dir: Path) -> dict:
    from indexer.analysis import jieba_tokens, setup_jieba
    from indexer.wordcut import lcut

    setup_jieba()
    ways = {
        "build": (partial(jieba_tokens, cut=_jieba_cut), jieba_tokens),
        "raw": (_jieba_cut, lcut),
    }
    out = {"texts": 0, "words": 0, "different": 0, "examples": [], "jieba_s": 0.0, "ours_s": 0.0}
    for path in paths:
        for kind, text in _texts(Path(path), corpus_dir):
            theirs, ours = ways[kind]
            started = time.process_time()
            expected = theirs(text)
            middle = time.process_time()
            got = ours(text)
            out["jieba_s"] += middle - started
            out["ours_s"] += time.process_time() - middle
            out["texts"] += 1
            out["words"] += len(expected)
            if got != expected:
                out["different"] += 1
                if len(out["examples"]) < EXAMPLES:
                    out["examples"].append({"file": path, "kind": kind, "text": text[:200]})
    return out


def compare(corpus_dir: Path, processes: int) -> dict:
    paths = [str(p) for p in article_paths(corpus_dir)]
    shares = [paths[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(partial(_compare, corpus_dir=corpus_dir), shares, chunksize=1)
    total = {k: sum(p[k] for p in parts) for k in ("texts", "words", "different")}
    jieba_s, ours_s = sum(p["jieba_s"] for p in parts), sum(p["ours_s"] for p in parts)
    return {
        "files": len(paths),
        **total,
        "jieba_cpu_s": jieba_s,
        "ours_cpu_s": ours_s,
        "examples": [e for p in parts for e in p["examples"]][:EXAMPLES],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data")
    args = parser.parse_args(argv)
    home, _ = ensure_corpus(args.data.resolve(), args.count, args.seed)
    result = compare(home / "corpus", args.processes)
    print(
        f"{result['files']} files, {result['texts']} texts, {result['words']:,} words: "
        f"{result['different']} texts segmented differently. CPU: jieba "
        f"{result['jieba_cpu_s']:.1f} s, ours {result['ours_cpu_s']:.1f} s "
        f"({result['ours_cpu_s'] / max(result['jieba_cpu_s'], 1e-9):.0%})"
    )
    print(json.dumps(result, ensure_ascii=False))
    return 1 if result["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
