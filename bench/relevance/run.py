"""Relevance on the judged corpus: P@5, nDCG@10 and MRR for each engine.

Builds every engine (bench/engines: ours, naive jieba+Whoosh, FTS5 trigram)
over ``bench/relevance/corpus`` in a temporary folder, runs the judged
queries (judged.py) and scores the top 10 of each against ``qrels.tsv``.
An article with grade 2 or 3 counts as relevant for P@5 and MRR; nDCG uses
the grades. ``recall`` (ours only) is the share of judged articles (any
grade) that the whole result list holds, not only its top 10.

    .venv/bin/python bench/relevance/run.py                 # the table
    .venv/bin/python bench/relevance/run.py --by-kind       # and per kind of query
    .venv/bin/python bench/relevance/run.py --engines ours --full-dict  # jieba's whole dictionary

Takes about a minute (the naive build is the slow part).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

from engines import NAMES, TOP, load  # noqa: E402
from relevance.judged import QUERIES, Query  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
QRELS = HERE / "qrels.tsv"
RELEVANT = 2  # lowest grade that counts as an answer for P@5 and MRR


def read_qrels(path: Path = QRELS) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            qid, doc_id, grade = line.split("\t")
            judged[qid][doc_id] = int(grade)
    return judged


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    return sum(grades.get(d, 0) >= RELEVANT for d in ranked[:k]) / k


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(d, 0) for d in ranked]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, d in enumerate(ranked[:TOP]):
        if grades.get(d, 0) >= RELEVANT:
            return 1 / (i + 1)
    return 0.0


def scores(ranked: dict[str, list[str]], judged: dict[str, dict[str, int]]) -> dict:
    """Mean P@5, nDCG@10 and MRR over every query, and per kind."""
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for query in QUERIES:
        grades, top = judged.get(query.qid, {}), ranked[query.qid]
        triple = (precision_at(top, grades), ndcg_at(top, grades), reciprocal_rank(top, grades))
        rows["all"].append(triple)
        rows[query.kind].append(triple)
    return {
        kind: tuple(sum(t[i] for t in triples) / len(triples) for i in range(3))
        for kind, triples in rows.items()
    }


def recall(work: Path, judged: dict[str, dict[str, int]]) -> float:
    """Judged articles anywhere in our whole result list / judged articles."""
    import indexer

    found = wanted = 0
    with indexer.open_index(work) as ix:
        for query in QUERIES:
            grades = judged.get(query.qid, {})
            page = indexer.search(ix, query.text, per_page=1000)
            ids = {h.id for h in page.hits}
            wanted += len(grades)
            found += len(ids & grades.keys())
    return found / wanted


def run_engine(name: str, work: Path) -> dict[str, list[str]]:
    module = load(name)
    if module.UNAVAILABLE:
        raise SystemExit(f"{name}: {module.UNAVAILABLE}")
    module.build(CORPUS, work)
    searcher = module.Searcher(work)
    return {query.qid: searcher.search(query.text, False)[1] for query in QUERIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(NAMES), help="comma-separated")
    parser.add_argument("--by-kind", action="store_true", help="also print each kind of query")
    parser.add_argument(
        "--full-dict", action="store_true", help="ours with jieba's whole dictionary (not pruned)"
    )
    parser.add_argument("--show", metavar="QID", help="print ours' top 10 for one query")
    args = parser.parse_args(argv)
    if args.full_dict:
        import indexer.analysis

        indexer.analysis.MIN_WORD_FREQ = 0
    judged = read_qrels()
    print(f"{len(list(CORPUS.rglob('*.txt')))} articles, {len(QUERIES)} queries")
    print(f"| engine | P@5 | nDCG@10 | MRR |{' recall |' if 'ours' in args.engines else ''}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.engines.split(","):
            work = Path(tmp) / name
            ranked = run_engine(name, work)
            table = scores(ranked, judged)
            p5, ndcg, mrr = table["all"]
            extra = f" {recall(work, judged):.3f} |" if name == "ours" else ""
            print(f"| {name} | {p5:.3f} | {ndcg:.3f} | {mrr:.3f} |{extra}")
            if args.by_kind:
                for kind, (p5, ndcg, mrr) in sorted(table.items()):
                    if kind == "all":
                        continue
                    print(f"|   {kind} | {p5:.3f} | {ndcg:.3f} | {mrr:.3f} |")
            if args.show and name == "ours":
                show(args.show, ranked, judged)
    return 0


def show(qid: str, ranked: dict[str, list[str]], judged: dict[str, dict[str, int]]) -> None:
    query: Query = next(q for q in QUERIES if q.qid == qid)
    print(f"{qid} {query.text}")
    for doc_id in ranked[qid]:
        print(f"  {judged.get(qid, {}).get(doc_id, 0)} {doc_id}")


if __name__ == "__main__":
    sys.exit(main())
