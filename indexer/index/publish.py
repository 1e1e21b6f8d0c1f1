"""Copying the live generation to read replicas: ``publish(index_dir, dest)``.

One writer machine crawls and reindexes; read replicas only serve. A replica
is an ordinary index folder (store.py's layout), so its web workers switch to
a published generation the way they switch after a local reindex: on their
next request after ``CURRENT`` changes.

The order is what makes a replica safe to read while it is fed: the
generation folder first (files that did not change hard-linked from the
replica's own live generation, the rest copied), ``CURRENT`` last, replaced
atomically. An interrupted publish leaves at most a folder ``CURRENT`` does
not name, so the replica keeps serving its last generation; the next publish
clears or completes it. A replica already on the live generation copies
nothing.

``dest`` is a local folder (copied here, in Python) or ``host:path``, copied
with rsync over ssh, the well-kept tool for it (``--link-dest`` gives the same
hard links). Files count as unchanged when size and modification time agree,
as rsync's quick check has it: generations never rewrite a file in place.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import IndexMissingError, PublishError
from indexer.index.layout import GenerationFiles
from indexer.index.store import (
    CURRENT,
    current_generation,
    generation_number,
    prune,
    remove_stale,
    writer_lock,
)
from indexer.index.store import publish as switch_to

# ssh never asks for a password (a replica needs key-based login) and gives up
# on an unreachable host instead of hanging; rsync stops a stalled transfer.
SSH_COMMAND = "ssh -o BatchMode=yes -o ConnectTimeout=10"
RSYNC_TIMEOUT_S = 120
SKIPPED = re.compile(re.escape(GenerationFiles.WHOOSH_LOCK) + "$")  # never part of a generation


@dataclass
class PublishReport:
    """What one publish did to one replica."""

    destination: str
    generation: str
    copied: int = 0  # files copied
    copied_bytes: int = 0
    unchanged: int = 0  # files the replica had: hard-linked, not copied
    already_current: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        if self.already_current:
            return f"{self.destination}: already on {self.generation}, nothing copied"
        return (
            f"{self.destination}: now on {self.generation}: {self.copied} files copied "
            f"({self.copied_bytes / 2**20:.1f} MiB), {self.unchanged} unchanged "
            f"({self.seconds:.1f}s)"
        )


def is_remote(dest: str) -> bool:
    """``host:path`` (rsync's rule: a colon before any slash) or a local path."""
    head = dest.split("/", 1)[0]
    return ":" in head and not head.startswith(":")


def publish(index_dir: str | Path, dest: str) -> PublishReport:
    """Make the replica ``dest`` serve the live generation of ``index_dir``.

    Raises IndexMissingError when there is nothing to publish, PublishError
    when the replica cannot be reached or refuses."""
    index_dir = Path(index_dir)
    name = current_generation(index_dir)
    if name is None:
        raise IndexMissingError(str(index_dir))
    started = time.monotonic()
    source = index_dir / name
    if is_remote(dest):
        report = RsyncReplica(dest).publish(source)
    else:
        try:
            report = publish_local(source, Path(dest))
        except OSError as e:  # not a folder, no space, no permission
            raise PublishError(f"{dest}: cannot publish here: {e}") from e
    report.seconds = time.monotonic() - started
    return report


def publish_local(source: Path, dest: Path) -> PublishReport:
    """Publish generation folder ``source`` into the index folder ``dest``."""
    name = source.name
    report = PublishReport(str(dest), name)
    with writer_lock(dest):  # one publish (or reindex) at a time per replica
        remove_stale(dest)  # what an interrupted publish left
        theirs = current_generation(dest)
        _refuse_going_back(dest, name, theirs)
        if theirs == name and _same_file(
            source / GenerationFiles.MANIFEST, dest / name / GenerationFiles.MANIFEST
        ):
            report.already_current = True
            return report
        tmp = dest / f"{name}.tmp-{os.getpid()}"
        _copy_tree(source, tmp, dest / theirs if theirs else None, report)
        switch_to(dest, tmp, name)  # fsync, rename into place, then CURRENT
        prune(dest)
    return report


def _refuse_going_back(dest: object, name: str, theirs: str | None) -> None:
    if generation_number(theirs) > generation_number(name):
        raise PublishError(
            f"{dest} serves {theirs}, newer than the {name} being published; "
            "was the writer's index rebuilt elsewhere? Empty the replica's folder to reset it."
        )


def _copy_tree(source: Path, tmp: Path, previous: Path | None, report: PublishReport) -> None:
    """Copy ``source`` into the new folder ``tmp``, hard-linking every file
    the replica's ``previous`` generation already has unchanged."""
    for src in sorted(source.rglob("*")):
        rel = src.relative_to(source)
        target = tmp / rel
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        if SKIPPED.search(src.name):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        old = previous / rel if previous else None
        if old is not None and _unchanged(src, old):
            os.link(old, target)
            report.unchanged += 1
        else:
            shutil.copy2(src, target)  # keeps the mtime: the next publish's quick check
            report.copied += 1
            report.copied_bytes += src.stat().st_size


def _unchanged(src: Path, old: Path) -> bool:
    try:
        a, b = src.stat(), old.stat()
    except FileNotFoundError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _same_file(a: Path, b: Path) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except FileNotFoundError:
        return False


class RsyncReplica:
    """A replica reached with rsync: ``host:path`` over ssh (or a local path,
    which rsync copies the same way; the tests use that).

    Four steps, each one rsync call: read the replica's CURRENT; copy the
    generation into its own folder there, linking unchanged files to the
    replica's live generation (``--link-dest``); upload CURRENT (rsync writes
    a temporary file and renames it: atomic); delete generations older than
    the replica's previous one."""

    def __init__(self, remote: str):
        self.remote = remote.rstrip("/") or remote

    def command(self, *args: str) -> list[str]:
        return ["rsync", "-e", SSH_COMMAND, f"--timeout={RSYNC_TIMEOUT_S}", *args]

    def copy_command(self, source: Path, theirs: str | None) -> list[str]:
        """-a keeps mtimes for the quick check, which compares nanoseconds
        (--modify-window=-1; whole seconds by default would take a file
        rewritten within the same second for unchanged); --delete completes
        a folder an interrupted publish left; --fsync before CURRENT names it."""
        link = [f"--link-dest=../{theirs}"] if theirs and theirs != source.name else []
        return self.command(
            "-a",
            "--modify-window=-1",
            "--delete",
            "--mkpath",
            "--fsync",
            "--stats",
            "--exclude=*WRITELOCK",
            *link,
            f"{source}/",
            f"{self.remote}/{source.name}/",
        )

    def prune_command(self, empty: Path, keep: list[str]) -> list[str]:
        """Sync an empty folder with --delete, every top-level entry except old
        generation folders excluded (so protected)."""
        rules = [f"--filter=- /{name}/" for name in keep]
        rules += ["--filter=+ /g[0-9][0-9][0-9][0-9][0-9][0-9]/***", "--filter=- *"]
        return self.command("-r", "--delete", *rules, f"{empty}/", f"{self.remote}/")

    def publish(self, source: Path) -> PublishReport:
        name = source.name
        report = PublishReport(self.remote, name)
        with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
            work = Path(scratch)
            theirs = self._fetch_text(f"{CURRENT}", work)
            theirs = theirs.strip() if theirs else None
            _refuse_going_back(self.remote, name, theirs)
            if theirs == name and self._fetch_text(f"{name}/{GenerationFiles.MANIFEST}", work) == (
                source / GenerationFiles.MANIFEST
            ).read_text(encoding="utf-8"):
                report.already_current = True
                return report
            stats = self._run(self.copy_command(source, theirs)).stdout
            report.copied = _stat(stats, r"Number of regular files transferred: ([\d,]+)")
            report.copied_bytes = _stat(stats, r"Total transferred file size: ([\d,]+)")
            files = _stat(stats, r"Number of files: [\d,]+ \(reg: ([\d,]+)")
            report.unchanged = files - report.copied
            pointer = work / "out" / CURRENT
            pointer.parent.mkdir()
            pointer.write_text(name + "\n", encoding="utf-8")
            # -I: always send it (same size, maybe the same second as the last one)
            self._run(self.command("-I", "--fsync", str(pointer), f"{self.remote}/{CURRENT}"))
            empty = work / "empty"
            empty.mkdir()
            self._run(self.prune_command(empty, [name, theirs] if theirs else [name]))
        return report

    def _fetch_text(self, rel: str, work: Path) -> str | None:
        """A small file of the replica, or None when it has none."""
        target = work / "fetched"
        target.unlink(missing_ok=True)
        done = self._run(self.command(f"{self.remote}/{rel}", str(target)), missing_ok=True)
        return target.read_text(encoding="utf-8") if done.returncode == 0 else None

    def _run(self, command: list[str], missing_ok: bool = False) -> subprocess.CompletedProcess:
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except FileNotFoundError:
            raise PublishError("rsync is not installed; it is needed for host:path") from None
        # 23: some files could not be transferred (here: the file does not exist)
        if done.returncode == 0 or (missing_ok and done.returncode == 23):
            return done
        reason = "; ".join(done.stderr.strip().splitlines()[:3])
        raise PublishError(f"{self.remote}: rsync failed (exit {done.returncode}): {reason}")


def _stat(stats: str, pattern: str) -> int:
    """A number from rsync's --stats output (digits grouped with commas)."""
    found = re.search(pattern, stats, re.MULTILINE)
    return int(found.group(1).replace(",", "")) if found else 0
