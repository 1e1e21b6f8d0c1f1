"""How long a reader or an operator waits for the *first* search.

Figures, not a test. Two measurements over an existing index:

1. ``python -m indexer search`` from a shell: wall time of the whole
   process (interpreter start, imports, opening the index, jieba's
   dictionary, the search), median of ``--runs`` fresh processes.
2. The web app: the first /search right after start-up, then the median of
   the warm ones that follow, each for a query the process has not seen
   (so no cache flatters them), with the background warm-up (the default)
   and without it (``WARM_UP=False``). Each start-up is a fresh process.

    .venv/bin/python bench/first_search.py --index instance/index
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: start the app, wait for its warm-up (as a reader
# arriving a moment after start-up would find it), then time searches.
APP_SCRIPT = """
import json, sys, time
from search_app import create_app
index, warm, queries = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
app = create_app({"INDEX_DIR": index, "WARM_UP": warm, "QUERY_LOG": "", "BUILD_IF_MISSING": False})
if warm:
    app.extensions["warm_up"].join()
client = app.test_client()
times = []
for query in queries:  # each query new to the process: no cache helps the later ones
    started = time.perf_counter()
    assert client.get("/search", query_string={"q": query}).status_code == 200
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def cli_seconds(index: Path, query: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "indexer", "search", "--index", str(index), query],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times


QUERIES = ["乡村振兴", "基层治理", "强边固防", "党员教育", "边境贸易", "产业发展", "组织建设"]


def app_ms(index: Path, warm: bool) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", APP_SCRIPT, str(index), "1" if warm else "0", *QUERIES],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@click.command()
@click.option(
    "--index", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True
)
@click.option("--query", default="乡村振兴", show_default=True)
@click.option("--runs", default=5, show_default=True, help="CLI processes to time.")
def main(index: Path, query: str, runs: int) -> None:
    """Print the first-search figures for INDEX."""
    cli = cli_seconds(index, query, runs)
    click.echo(
        f"python -m indexer search: median {statistics.median(cli):.2f} s "
        f"(min {min(cli):.2f}, max {max(cli):.2f}, {runs} processes)"
    )
    for warm in (False, True):
        times = app_ms(index, warm)
        first, rest = times[0], statistics.median(times[1:])
        label = "with warm-up   " if warm else "without warm-up"
        click.echo(
            f"web app {label}: first search {first:.1f} ms, warm median {rest:.1f} ms "
            f"(first = {first / rest:.1f}x warm)"
        )


if __name__ == "__main__":
    main()
