"""从网站更新: a crawl of the configured sites, then a reindex, in the background.

A crawl takes minutes to hours (one request a second per host), far past any
request's life and gunicorn's worker timeout, so the admin page only starts
it: the job runs in a thread of its own and writes its progress and result to
a status file (``UPDATE_STATUS``), which every worker process reads, so the
page shows the same state whichever worker answers. One job at a time: a file
lock (``<status>.lock``) held for the whole job refuses a second one, from
this process or another, and is released by the OS however the job ends, so
a killed worker leaves no stale "running". The crawl and the reindex keep
their own locks too (cron's ``make update`` and this button cannot collide).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import indexer
from indexer.errors import IndexerError
from indexer.ingest.crawl import crawl, load_sites

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 2.0  # seconds between two writes of the status file while crawling


class UpdateBusy(Exception):
    """An update is already running."""


def update_status(config: Mapping[str, Any]) -> dict:
    """The running or last update: state (running/done/failed), phase,
    pages done of queued, the crawl and reindex summaries, error; {} if none yet."""
    path = Path(config["UPDATE_STATUS"])
    try:
        status = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if status.get("state") == "running" and not _is_locked(path):
        status |= {"state": "failed", "error": "更新任务意外中止（进程已退出）。"}
    return status


def start_update(config: Mapping[str, Any]) -> None:
    """Start a crawl + reindex in a background thread; UpdateBusy if one runs."""
    status_path = Path(config["UPDATE_STATUS"])
    status_path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(_lock_path(status_path), "a+")  # noqa: SIM115 (held by the thread)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        lock.close()
        raise UpdateBusy("另一个更新任务正在进行，请等它完成。") from e
    job = _Job(status_path, lock, config["SITES_FILE"], config["CORPUS_DIR"], config["INDEX_DIR"])
    job.write(state="running", phase="crawl", started=_now())
    threading.Thread(target=job.run, name="site-update", daemon=True).start()


class _Job:
    def __init__(self, status_path: Path, lock: IO, sites: str, corpus: str, index: str):
        self.status_path, self.lock = status_path, lock
        self.sites, self.corpus, self.index = Path(sites), Path(corpus), Path(index)
        self.status: dict[str, Any] = {}
        self.last_write = 0.0

    def run(self) -> None:
        try:
            report = crawl(load_sites(self.sites), self.corpus, progress=self.progress)
            self.write(phase="reindex", crawl=report.as_dict())
            result = indexer.reindex(self.corpus, self.index, wait=True)
            self.write(state="done", phase="", reindex=result.as_dict(), finished=_now())
        except (IndexerError, OSError) as e:
            self.write(state="failed", error=str(e), finished=_now())
        except Exception as e:  # a bug must still end the job visibly, not leave "running"
            logger.exception("site update failed")
            self.write(state="failed", error=f"{type(e).__name__}: {e}", finished=_now())
        finally:
            self.lock.close()  # releases the lock

    def progress(self, done: int, total: int) -> None:
        if time.monotonic() - self.last_write >= PROGRESS_EVERY or done == total:
            self.write(done=done, total=total)

    def write(self, **changes: Any) -> None:
        """Update the status file in one rename, so readers never see half of it."""
        self.status.update(changes)
        self.last_write = time.monotonic()
        tmp = self.status_path.with_name(f".{self.status_path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self.status, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.status_path)


def _lock_path(status_path: Path) -> Path:
    return status_path.with_name(status_path.name + ".lock")


def _is_locked(status_path: Path) -> bool:
    """Whether a job (in any process) holds the update lock now."""
    try:
        with open(_lock_path(status_path), "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")
