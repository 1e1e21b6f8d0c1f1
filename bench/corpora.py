"""The benchmark's generated corpora and sampled query sets, cached under
bench/data/ and made again only when the code that made them changed. Shared
by run.py, load.py, adversarial.py and jieba_rate.py."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

from generate import generate
from queries import build_queries

BENCH_DIR = Path(__file__).resolve().parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def source_version(name: str) -> str:
    """Hash of a bench module: cached data is reused only if that code made it."""
    return hashlib.sha256((BENCH_DIR / name).read_bytes()).hexdigest()[:12]


def ensure_corpus(data_dir: Path, count: int, seed: int) -> tuple[Path, dict]:
    home = data_dir / f"{count}-{seed}"
    marker = home / "corpus.json"
    want = {"count": count, "seed": seed, "generator": source_version("generate.py")}
    if marker.exists():
        info = json.loads(marker.read_text())
        if {k: info.get(k) for k in want} == want:
            return home, info
    shutil.rmtree(home, ignore_errors=True)
    log(f"generating {count} articles (seed {seed}) into {home / 'corpus'} ...")
    started = time.perf_counter()
    written = generate(count, home / "corpus", seed)
    info = {**want, "bytes": written, "generate_seconds": time.perf_counter() - started}
    marker.write_text(json.dumps(info))
    return home, info


def ensure_queries(home: Path, count: int, seed: int) -> list[dict]:
    cache = home / f"queries-{count}-{source_version('queries.py')}.json"
    if not cache.exists():
        log(f"sampling {count} queries and counting their true hits ...")
        queries = [q.as_dict() for q in build_queries(home / "corpus", count, seed)]
        cache.write_text(json.dumps(queries, ensure_ascii=False, indent=0), encoding="utf-8")
    return json.loads(cache.read_text(encoding="utf-8"))
