"""Peak resident memory of a benchmark phase, measured from inside the phase.

Linux carries ``ru_maxrss`` across ``exec``: a phase process started by a
parent holding 120 MiB reports at least 120 MiB from ``RUSAGE_SELF`` (and the
parent's ``RUSAGE_CHILDREN`` inherits the same inflation). So the phase's own
peak is read from ``VmHWM`` in ``/proc/self/status``, which belongs to the
current program image only. ``RUSAGE_CHILDREN`` is kept for the largest single
child (Whoosh's sub-writers). Whoosh's ``procs=2`` writer runs three processes
at once, so we also sample the whole process tree with psutil (when
installed) and keep the peak of the sum; sampling every 50 ms can miss a
short spike.
"""

from __future__ import annotations

import resource
import threading

try:
    import psutil
except ImportError:  # optional: bench/requirements.txt
    psutil = None

SAMPLE_SECONDS = 0.05


def proc_status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def maxrss_mib() -> dict[str, float]:
    """Peak and current RSS of this process, and the peak of its largest reaped child."""
    peak = proc_status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    current = proc_status_kib("VmRSS") or 0
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "self_mib": round(peak / 1024, 1),
        "current_mib": round(current / 1024, 1),
        # anonymous (not file-backed) memory: the process's own; memory-mapped
        # index files are shared by every worker through the page cache
        "anon_mib": round((proc_status_kib("RssAnon") or 0) / 1024, 1),
        "children_mib": round(children / 1024, 1),
    }


class TreeSampler:
    """Context manager that records the peak summed RSS of this process tree."""

    def __init__(self) -> None:
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, me) -> None:
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # the child exited between listing and reading
                pass
        self.peak_bytes = max(self.peak_bytes, total)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            self._sample(me)
            self._stop.wait(SAMPLE_SECONDS)
        self._sample(me)

    def __enter__(self) -> TreeSampler:
        if psutil is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if psutil is not None:
            self._stop.set()
            self._thread.join()

    @property
    def peak_mib(self) -> float | None:
        return round(self.peak_bytes / 2**20, 1) if psutil is not None else None
