"""A one-off search from a shell starts quickly: it loads the search side of
the library only, never the indexing side (writers, the vocabulary builder,
key terms, file formats), whose imports cost a search time it does not need.
The figures are in bench/first_search.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEXING = ("indexer.index.build", "indexer.index.writer", "indexer.index.prepare", "pypinyin")


def test_a_search_from_the_shell_loads_no_indexing_module(index_dir):
    script = (
        "import runpy, sys\n"
        "sys.argv = ['indexer', 'search', '--index', sys.argv[1], '党建']\n"
        "try:\n"
        "    runpy.run_module('indexer', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"print(sorted(m for m in sys.modules if m.startswith({INDEXING!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("5 articles (")  # the search ran and found them
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_reindex_is_still_there_when_asked_for():
    import indexer
    from indexer.index.build import reindex

    assert indexer.reindex is reindex
