"""The load test's clients: threads asking ``/api/search`` back to back.

Each thread keeps one HTTP/1.1 connection (``http.client``), reopened only
when the server closes it (gunicorn's sync workers close after every
response; nginx keeps it alive). There are no retries here: any connection
error or non-2xx answer is recorded as a failure, by kind, so that whatever
absorbs faults has to be the server side.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, replace
from random import Random
from urllib.parse import quote

PROBE_SHARE = 0.1  # one request in ten asks the probe query
MAX_REQUESTS = 100_000  # per client, a bound besides the deadline
TIMEOUT = 10.0  # seconds for one connect, send or read


@dataclass(frozen=True)
class Sample:
    """One request: when it started, how long it took, and what came back."""

    start: float
    seconds: float
    kind: str
    error: str | None = None  # "HTTP 502", "RemoteDisconnected", ...
    total: int | None = None  # probe answers only

    def relative_to(self, origin: float) -> Sample:
        return replace(self, start=self.start - origin)


def search_path(text: str) -> str:
    return "/api/search?q=" + quote(text)


def probe_total(port: int, query: str) -> int:
    """One search outside the load, for the probe's total before and after."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", search_path(query))
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"probe answered {response.status}: {body[:200]!r}")
    return json.loads(body)["total"]


class Client(threading.Thread):
    """One simulated user: queries from the mix (and the probe) until the deadline."""

    def __init__(
        self,
        number: int,
        port: int,
        queries: list[tuple[str, str]],
        probe: str | None,
        deadline: float,
        seed: int,
    ):
        super().__init__(name=f"client-{number}", daemon=True)
        self.rng = Random(seed * 1000 + number)  # each client its own, repeatable order
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.queries, self.probe, self.deadline = queries, probe, deadline
        self.samples: list[Sample] = []

    def run(self) -> None:
        try:
            for _ in range(MAX_REQUESTS):
                if time.monotonic() >= self.deadline:
                    break
                if self.probe is not None and self.rng.random() < PROBE_SHARE:
                    self.samples.append(self.request("probe", self.probe))
                else:
                    self.samples.append(self.request(*self.rng.choice(self.queries)))
        finally:
            self.conn.close()

    def request(self, kind: str, text: str) -> Sample:
        started = time.monotonic()
        try:
            self.conn.request("GET", search_path(text))
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()  # the next request opens a new connection
            return Sample(started, time.monotonic() - started, kind, type(e).__name__)
        seconds = time.monotonic() - started
        if not 200 <= response.status < 300:
            return Sample(started, seconds, kind, f"HTTP {response.status}")
        total = json.loads(body)["total"] if kind == "probe" else None
        return Sample(started, seconds, kind, total=total)
