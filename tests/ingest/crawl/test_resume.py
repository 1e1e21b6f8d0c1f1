"""A crawl killed with SIGKILL mid-way and started again ends with the same
corpus as one that ran through, and reports the whole crawl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.crawl.fixtures import ARTICLES, G1, G3, G4, G5, J1, RSS_ONLY, SITEMAP_ONLY
from tests.ingest.crawl.test_crawl import file_of

ROOT = Path(__file__).resolve().parents[3]


def corpus_files(corpus: Path) -> dict[str, bytes]:
    """Every file under the corpus but the crawl state, with its bytes."""
    return {
        p.relative_to(corpus).as_posix(): p.read_bytes()
        for p in sorted(corpus.rglob("*"))
        if p.is_file() and ".crawl" not in p.parts
    }


def crawl_command(site, tmp_path: Path, corpus: Path) -> list[str]:
    config = tmp_path / "sites.toml"
    config.write_text(
        f'[[site]]\nname = "fixture"\nstart_urls = ["{site.base}/"]\n'
        "delay = 0\nbackoff = 0\nmax_per_pattern = 3\n",
        "utf-8",
    )
    command = [sys.executable, "-m", "indexer", "crawl", "--json"]
    return [*command, "--config", str(config), "--corpus", str(corpus)]


@pytest.mark.slow
def test_a_killed_crawl_resumes_to_the_same_corpus(site, run_crawl, tmp_path):
    corpus = tmp_path / "killed"
    site.hold_path = J1.path  # the crawler waits here, mid-way, until killed
    process = subprocess.Popen(crawl_command(site, tmp_path, corpus), cwd=ROOT)
    try:
        assert site.reached.wait(60), "the crawl never reached the held page"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        process.kill()
    site.hold_path = ""
    site.release.set()
    saved = [f for f in corpus_files(corpus) if f.startswith("sites/")]
    assert saved == sorted(file_of(site, p) for p in [G1, G3, G4, G5, SITEMAP_ONLY, RSS_ONLY])

    resumed = subprocess.run(
        crawl_command(site, tmp_path, corpus), cwd=ROOT, capture_output=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr.decode()
    report = json.loads(resumed.stdout)
    assert sorted(report["new"]) == sorted(site.base + p.path for p in ARTICLES)

    report = run_crawl(tmp_path / "straight")
    assert corpus_files(corpus) == corpus_files(tmp_path / "straight")
