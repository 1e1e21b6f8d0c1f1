"""``python -m indexer`` / ``policy-search``: thin click adapters over the
library. Each command parses its options, calls one library function and
prints the result; library errors become ``Error: ...`` with exit status 1."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

import click

import indexer
from indexer.errors import IndexerError
from indexer.index.debounce import DEFAULT_DEBOUNCE
from indexer.index.reader import open_index
from indexer.models import ReindexReport, listed
from indexer.paths import DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, DEFAULT_SITES_FILE
from indexer.search.engine import search as run_search

# The defaults are the checkout's folders, whatever the working directory
# (indexer/paths.py); the FLASK_* variables are the ones the web app reads.
corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    default=DEFAULT_CORPUS_DIR,
    show_default=True,
    envvar="FLASK_CORPUS_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of article files.",
)
index_option = click.option(
    "--index",
    "index_dir",
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    envvar="FLASK_INDEX_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the index.",
)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does.")
def cli(verbose: bool) -> None:
    """Build and query the 西双版纳先锋 article index."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@contextmanager
def _errors_as_click():
    try:
        yield
    except (IndexerError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from e


@cli.command()
@corpus_option
@index_option
@click.option("--full", is_flag=True, help="Rebuild from nothing instead of updating.")
@click.option("--wait", is_flag=True, help="Wait for a running reindex instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def reindex(corpus_dir: Path, index_dir: Path, full: bool, wait: bool, as_json: bool) -> None:
    """Index new, changed and deleted article files (all with --full)."""
    with _errors_as_click(), _progress_bar(enabled=not as_json) as progress:
        report = indexer.reindex(corpus_dir, index_dir, full=full, progress=progress, wait=wait)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


@contextmanager
def _progress_bar(enabled: bool, unit: str = "file", desc: str = "indexing"):
    """A tqdm bar (files/s, ETA) on a terminal; nothing otherwise."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit=unit, desc=desc, leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def format_report(report: ReindexReport) -> str:
    """The human summary of a reindex."""
    lines = [
        f"{'full rebuild' if report.full else 'update'}: "
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.deleted)} deleted, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed; {report.documents} articles in the index "
        f"({report.seconds:.1f}s)"
    ]
    for label, names in (
        ("added", report.added),
        ("updated", report.updated),
        ("deleted", report.deleted),
    ):
        lines.extend(listed(label, names))
    lines.extend(f"  failed: {f.path}: {f.reason}" for f in report.failed)
    return "\n".join(lines)


@cli.command()
@click.argument("query")
@index_option
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--per-page", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(query: str, index_dir: Path, page: int, per_page: int, as_json: bool) -> None:
    """Search the index (for checking from a shell)."""
    with _errors_as_click():
        result = run_search(open_index(index_dir), query, page=page, per_page=per_page)
    if as_json:
        click.echo(json.dumps(_page_dict(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} articles ({result.took_ms:.1f} ms)")
    for notice in result.notices:
        click.echo(f"note: {notice}")
    for hit in result.hits:
        click.echo(f"{hit.date or '----------'}  {hit.id}\n    {hit.title}")


def _page_dict(result) -> dict:
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "took_ms": result.took_ms,
        "notices": result.notices,
        "hits": [h.as_dict() for h in result.hits],
    }


# --- publish: the live generation to read replicas (indexer/index/publish.py)


@cli.command()
@click.argument("destinations", metavar="DEST...", nargs=-1, required=True)
@index_option
def publish(destinations: tuple[str, ...], index_dir: Path) -> None:
    """Copy the live generation to replica index folders (DIR or host:path).

    Each replica switches when its copy is whole; one that fails is reported
    and the others are still published to (exit status 1 if any failed)."""
    from indexer.index.publish import publish as run_publish

    failed = 0
    for dest in destinations:
        try:
            click.echo(run_publish(index_dir, dest).summary())
        except IndexerError as e:
            failed += 1
            click.echo(f"Error: {e}", err=True)
    if failed:
        raise SystemExit(1)


# --- check: the index against the corpus and itself ---------------------------


@cli.command()
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.pass_context
def check(ctx: click.Context, corpus_dir: Path, index_dir: Path, as_json: bool) -> None:
    """Verify the index against the corpus and itself (changes nothing).

    Exit status 1 when anything differs."""
    from indexer.index.check import check_index, format_check

    with _errors_as_click():
        report = check_index(corpus_dir, index_dir)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_check(report))
    if not report.ok:
        ctx.exit(1)


# --- watch: reindex whenever the corpus changes (indexer/watch.py) ------------


@cli.command()
@corpus_option
@index_option
@click.option(
    "--debounce",
    default=DEFAULT_DEBOUNCE,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds without further changes before reindexing.",
)
def watch(corpus_dir: Path, index_dir: Path, debounce: float) -> None:
    """Reindex whenever article files in the corpus change (Ctrl-C stops)."""
    from datetime import datetime

    from indexer.index.watch import CorpusWatcher

    def echo_report(report: ReindexReport) -> None:
        click.echo(f"[{datetime.now():%Y-%m-%d %H:%M:%S}] {format_report(report)}")

    with _errors_as_click():
        watcher = CorpusWatcher(corpus_dir, index_dir, debounce, on_report=echo_report)
    click.echo(f"watching {corpus_dir} (Ctrl-C stops)")
    try:
        watcher.run()
    except KeyboardInterrupt:
        click.echo("stopped watching")


# --- crawl: fetch the configured sites' articles into the corpus --------------


@cli.command()
@click.argument("urls", nargs=-1)
@corpus_option
@click.option(
    "--config",
    "config_path",
    default=DEFAULT_SITES_FILE,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sites to crawl when no URL is given (see sites.example.toml).",
)
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to a host.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Requests per site, this time.")
@click.option(
    "--revalidate",
    type=click.IntRange(min=0),
    help="Known pages to check again, those checked longest ago (sites.toml: revalidate).",
)
@click.option("--revalidate-all", is_flag=True, help="Check every known page again.")
@click.option("--contact", help="Contact URL named in the User-Agent.")
@click.option("--test", "test_url", metavar="URL", help="Show what a crawl would do with URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def crawl(
    urls: tuple[str, ...],
    corpus_dir: Path,
    config_path: Path,
    delay: float | None,
    max_pages: int | None,
    revalidate: int | None,
    revalidate_all: bool,
    contact: str | None,
    test_url: str | None,
    as_json: bool,
) -> None:
    """Fetch new and changed articles of the sites into the corpus (then reindex)."""
    from indexer.ingest import crawl as crawler

    if revalidate_all:
        revalidate = crawler.REVALIDATE_ALL
    settings: dict[str, object] = {
        "delay": delay,
        "max_pages": max_pages,
        "revalidate": revalidate,
        "contact": contact,
    }
    with _errors_as_click():  # a corpus it cannot write to, too
        if test_url:
            site = crawler.site_for(test_url, list(urls), config_path, **settings)
            click.echo(crawler.format_inspection(crawler.inspect_url(site, test_url), as_json))
            return
        sites = crawler.sites_for(list(urls), config_path, **settings)
        with _progress_bar(not as_json, unit="page", desc="crawling") as progress:
            report = crawler.crawl(sites, corpus_dir, progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(crawler.format_crawl(report))
