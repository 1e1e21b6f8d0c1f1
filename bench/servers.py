"""The processes a load test runs against: gunicorn instances started with the
project's own ``gunicorn.conf.py``, optionally nginx from Debian in front.

Everything listens on 127.0.0.1 only and lives in one work folder (logs,
nginx's configuration and temp files). Waiting is always bounded polling of a
condition, never a bare sleep, so a slow start fails loudly instead of racing.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
READY = re.compile(r"Worker ready \(app loaded\): pid (\d+)")
POLL_SECONDS = 0.05

NGINX_CONF = """\
# Written by bench/servers.py for one load test; see README.md "Production".
daemon off;
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {home}/tmp/body;
    proxy_temp_path {home}/tmp/proxy;
    fastcgi_temp_path {home}/tmp/fastcgi;
    uwsgi_temp_path {home}/tmp/uwsgi;
    scgi_temp_path {home}/tmp/scgi;
    upstream search {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://search;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""
UPSTREAM = "        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;"


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> object:
    """Poll ``condition`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"gave up after {seconds:.0f} s waiting for {what}")


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM (gunicorn and nginx both shut down cleanly on it), then SIGKILL."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def free_port() -> int:
    """A port nobody listens on right now (for nginx, which cannot report one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    """True once something on ``port`` answers /healthz with 200 (the app has loaded)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@dataclass
class Gunicorn:
    """One gunicorn master with its workers."""

    name: str
    proc: subprocess.Popen
    error_log: Path
    port: int = 0

    def log_text(self) -> str:
        return self.error_log.read_text(encoding="utf-8", errors="replace")

    def workers(self) -> list[int]:
        """Current worker pids: the master's children, from /proc."""
        pid = self.proc.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except FileNotFoundError:
            return []
        return sorted(int(p) for p in children.split())

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its current workers so
        far: the server's share of the cores between two readings."""
        return sum(process_cpu_seconds(pid) for pid in (self.proc.pid, *self.workers()))

    def ready_pids(self) -> list[int]:
        """Workers that logged they loaded the app, in order (respawns included)."""
        return [int(p) for p in READY.findall(self.log_text())]


def proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (the state
    first), or None once the process is gone. The name is cut at the last
    ")", since it may hold spaces and parentheses itself."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it is gone)."""
    fields = proc_stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_gunicorn(name: str, workers: int, index: Path, corpus: Path, home: Path) -> Gunicorn:
    """Start ``gunicorn -c gunicorn.conf.py`` on a kernel-chosen port and wait
    until every worker has loaded the app."""
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": "0",
        "WEB_CONCURRENCY": str(workers),
        "FLASK_INDEX_DIR": str(index),
        "FLASK_CORPUS_DIR": str(corpus),
        "FLASK_BUILD_IF_MISSING": "false",
    }
    error_log = home / f"{name}-error.log"
    with open(home / f"{name}-access.log", "wb") as out, open(error_log, "wb") as err:
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    server = Gunicorn(name, proc, error_log)
    try:
        found = wait_until(lambda: alive(server) and LISTENING.search(server.log_text()), 60, name)
        server.port = int(found.group(1))  # type: ignore[union-attr]
        wait_until(lambda: alive(server) and len(server.ready_pids()) >= workers, 120, name)
    except BaseException:
        stop(proc)
        raise
    return server


def alive(server: Gunicorn) -> bool:
    """Fail at once, with its log, if gunicorn exited while we wait for it."""
    if server.proc.poll() is not None:
        raise RuntimeError(f"{server.name} exited:\n{server.log_text()[-3000:]}")
    return True


@dataclass
class Nginx:
    proc: subprocess.Popen
    port: int
    home: Path

    def retries(self) -> int:
        """Upstream failures nginx logged; each made it try the other server."""
        log = (self.home / "error.log").read_text(encoding="utf-8", errors="replace")
        return sum(1 for line in log.splitlines() if "upstream" in line and "[error]" in line)


def start_nginx(home: Path, upstream_ports: list[int]) -> Nginx:
    """nginx in the foreground with a private prefix, balancing over the ports."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (home / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(UPSTREAM.format(port=p) for p in upstream_ports)
    conf = home / "nginx.conf"
    conf.write_text(NGINX_CONF.format(home=home, servers=servers, port=port), encoding="utf-8")
    command = [binary, "-p", str(home), "-c", str(conf), "-e", str(home / "error.log")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: nginx_up(proc, port), 30, "nginx")
    except BaseException:
        stop(proc)
        raise
    return Nginx(proc, port, home)


def nginx_up(proc: subprocess.Popen, port: int) -> bool:
    """Fail at once if nginx exited (a bad config); else whether it proxies /healthz."""
    if proc.poll() is not None:
        raise RuntimeError(f"nginx exited: {proc.stderr.read().decode() if proc.stderr else ''}")
    return healthy(port)
