"""Work a build hands to forked processes so that it can go on feeding
Whoosh's writer processes (writing a character segment takes seconds; idle
writer processes would waste a core meanwhile).

Forked, not spawned: the data reaches the child by copy-on-write, not
pickled. A child dies with the reindex that forked it (store.py's fork hook).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.process import BaseProcess


class ForkedTasks:
    """Tasks running in forked processes, waited for together."""

    def __init__(self) -> None:
        self.running: list[BaseProcess] = []

    def start(self, target: Callable[..., object], *args: object) -> None:
        process = multiprocessing.get_context("fork").Process(target=target, args=args)
        process.start()
        self.running.append(process)

    def join(self) -> None:
        """Wait for every task; raise if one failed (its traceback is on stderr)."""
        running, self.running = self.running, []
        for process in running:
            process.join()
        failed = [p.exitcode for p in running if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"a forked task of the build failed (exit {failed[0]})")

    def kill(self) -> None:
        for process in self.running:
            process.kill()
            process.join()
        self.running = []
