"""Production serving: ``gunicorn`` run from this folder reads this file.

    .venv/bin/gunicorn                      # same as: gunicorn -c gunicorn.conf.py
    HOST=0.0.0.0 PORT=8000 WEB_CONCURRENCY=3 .venv/bin/gunicorn

Searching is CPU-bound Python, so capacity comes from processes, not threads:
several sync workers, each loading the app itself (no preload) so that each
has its own jieba dictionary, its own open index and its own searchers. Every
worker picks up a finished ``python -m indexer reindex`` on its next request;
nothing needs restarting or signalling. Sync workers expect a buffering proxy
in front for slow clients: see "Production" in README.md for the nginx block.
"""

import os

import gunicorn
import gunicorn.http.wsgi


def default_workers() -> int:
    """One worker per core and one more, counting only the cores this process
    may run on (a container's CPU set, not the host's).

    Gunicorn's rule of thumb, 2 x cores + 1, is for workers that wait on I/O;
    ours compute, so more workers than cores only share the cores and stretch
    every request. Under 16 clients on 2 cores (bench/throughput.py, 10,000
    articles) 5 workers served 360 requests/s at a p95 of 60 ms, 3 workers
    417/s at 50 ms. The one spare worker keeps the site answering while
    another is busy with something long (an admin reindex)."""
    return len(os.sched_getaffinity(0)) + 1


# What gunicorn runs: the app factory, called once in each worker.
wsgi_app = "search_app:create_app()"
preload_app = False  # each worker imports the app and opens its own index

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())

# A search takes milliseconds; a worker silent for 30 s is stuck and gets replaced.
timeout = 30
graceful_timeout = 20  # on SIGTERM/HUP, in-flight requests get this long to finish
keepalive = 5  # only used by threaded workers (--worker-class gthread)

# Whose X-Forwarded-Proto gunicorn believes: the same proxies the app trusts
# (FLASK_PROXY_FIX, see README), else nobody's. Gunicorn's default believes
# 127.0.0.1, so any local client could claim HTTPS.
PROXIES_TRUSTED = os.environ.get("FLASK_PROXY_FIX", "0").strip().lower() not in (
    "",
    "0",
    "false",
    "no",
    "off",
)
forwarded_allow_ips = "127.0.0.1,::1" if PROXIES_TRUSTED else ""

accesslog = "-"
errorlog = "-"
# Remote address, forwarded-for chain, request, status, bytes, time taken, worker pid.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms %(p)s'

# Gunicorn 25+ opens a control socket at one fixed per-user path, so two
# instances on one machine (the nginx set-up) would fight over it. Unused here.
control_socket_disable = True

# No server software or version in responses: gunicorn writes its own
# ``Server: gunicorn`` line before the app's headers, so a WSGI middleware
# cannot replace it. Its response class reads this module-level name.
SERVER_HEADER = "xsbn-search"  # what the development server sends too
gunicorn.SERVER = SERVER_HEADER
gunicorn.http.wsgi.SERVER = SERVER_HEADER


def post_worker_init(worker) -> None:
    """Log when a worker can serve: loading jieba and the index takes a second
    or more after gunicorn's "Booting worker" line."""
    worker.log.info("Worker ready (app loaded): pid %s", worker.pid)
