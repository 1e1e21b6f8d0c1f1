"""Shared fixtures: a copy of the fixture corpus, a real index built from it
once per session, the real Flask app over that index, and its clients."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The crawler's fixture site (a module, not a conftest.py: test folders have no
# __init__.py, so a second conftest would shadow this one's name).
pytest_plugins = ["tests.ingest.crawl.fixtures"]

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_CORPUS = FIXTURES / "corpus"


@pytest.fixture(scope="session", autouse=True)
def session_query_log(tmp_path_factory) -> Iterator[Path]:
    """Apps made by module- or session-wide fixtures log queries and keep
    their synonyms here, not in the checkout's instance/ folder (each test
    then gets its own, below)."""
    folder = tmp_path_factory.mktemp("app-files")
    names = {"FLASK_QUERY_LOG": "querylog.sqlite", "FLASK_SYNONYMS_LOCAL": "synonyms.txt"}
    extra = ["FLASK_HOT_CACHE_SECONDS", "FLASK_ADMIN_STATE_DB"]
    old = {name: os.environ.get(name) for name in [*names, *extra]}
    os.environ.update({name: str(folder / file) for name, file in names.items()})
    os.environ["FLASK_HOT_CACHE_SECONDS"] = "0"  # tests see each search's effect at once
    os.environ["FLASK_ADMIN_STATE_DB"] = str(folder / "admin.sqlite")
    yield folder / names["FLASK_QUERY_LOG"]
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def private_query_log(tmp_path, monkeypatch) -> Path:
    """Every app a test creates logs its queries and keeps its own synonyms
    in the test's own folder, never in the checkout's instance/ folder."""
    path = tmp_path / "querylog.sqlite"
    monkeypatch.setenv("FLASK_QUERY_LOG", str(path))
    monkeypatch.setenv("FLASK_SYNONYMS_LOCAL", str(tmp_path / "synonyms.txt"))
    monkeypatch.setenv("FLASK_HOT_CACHE_SECONDS", "0")
    monkeypatch.setenv("FLASK_ADMIN_STATE_DB", str(tmp_path / "admin.sqlite"))
    return path


@pytest.fixture(scope="session")
def session_corpus_dir(tmp_path_factory) -> Path:
    """The fixture corpus, copied so no test can modify the originals."""
    target = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, session_corpus_dir) -> Path:
    """A real index of the fixture corpus, built once; tests only read it."""
    from indexer import reindex

    target = tmp_path_factory.mktemp("index") / "index"
    reindex(session_corpus_dir, target)
    return target


@pytest.fixture(scope="session")
def search_index(index_dir):
    from indexer import open_index

    with open_index(index_dir) as ix:
        yield ix


@pytest.fixture(scope="session")
def quality_index(tmp_path_factory):
    """An index of tests/fixtures/quality: small articles written for the
    search quality tests (numbers, unknown words, compounds, ranking by what
    an article is about, highlights), apart from the main fixture corpus so
    each test can state its whole expected list."""
    from indexer import open_index, reindex

    folder = tmp_path_factory.mktemp("quality")
    shutil.copytree(FIXTURES / "quality", folder / "corpus")
    reindex(folder / "corpus", folder / "index")
    with open_index(folder / "index") as ix:
        yield ix


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """A private, writable copy of the fixture corpus for tests that change it."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


@pytest.fixture
def app(index_dir, session_corpus_dir):
    from search_app import create_app

    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(session_corpus_dir)}
    )
    yield app
    close_app(app)


@pytest.fixture
def own_app(index_dir, tmp_path):
    """The app over its own copy of the index, so that the query log it
    keeps beside the index starts empty and is this test's alone."""
    from search_app import create_app

    index = tmp_path / "site" / "index"
    shutil.copytree(index_dir, index)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "QUERY_LOG": None})
    yield app
    close_app(app)


def close_app(app) -> None:
    """Close what an app opened: its index and its query log (once its
    start-up warm-up is done with the index)."""
    if app.extensions.get("warm_up") is not None:
        app.extensions["warm_up"].join()
    if app.extensions.get("search_index") is not None:
        app.extensions["search_index"].close()
    if app.extensions.get("query_log") is not None:
        app.extensions["query_log"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def reader_search(client, q: str, reader: int = 1, headers: dict | None = None, **params):
    """GET /search as reader number ``reader`` would, typing ``q`` in a
    browser: their own address and a browser's user agent, so the search
    counts for the hot list (a reader's repeats the same day do not)."""
    return client.get(
        "/search",
        query_string={"q": q, **params},
        headers={"User-Agent": BROWSER_AGENT, **(headers or {})},
        environ_base={"REMOTE_ADDR": f"10.0.{reader // 250}.{reader % 250 + 1}"},
    )


# The site's own scripts, served from 'self' (the CSP allows nothing else).
OWN_SCRIPTS = (
    '<script src="/static/reading.js"></script>',
    '<script src="/static/suggest.js" defer></script>',
)


def without_own_scripts(html: str) -> str:
    """``html`` without the site's own script tags: any <script> left was injected."""
    for tag in OWN_SCRIPTS:
        html = html.replace(tag, "")
    return html


# --- real browser: Debian's Chromium through Playwright, the real app over HTTP

CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox, and no background connections
# (Chromium would try Google's hosts at every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the session. Playwright must not download a browser
    of its own: it uses the system's, and fails clearly when it is missing."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with 'apt-get install -y chromium'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def serve() -> Iterator[Callable]:
    """serve(app) -> base URL of ``app`` served on an ephemeral port of
    127.0.0.1 from a background thread; stopped (and its index closed) at
    the end of the test."""
    from werkzeug.serving import make_server

    from search_app import QuietRequestHandler

    running = []

    def _serve(app) -> str:
        server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread, app))
        return f"http://127.0.0.1:{server.port}"

    yield _serve
    for server, thread, app in running:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        close_app(app)


SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server(index_dir, serve) -> str:
    """Base URL of the real app over the session index, served over HTTP."""
    from search_app import create_app

    return serve(
        create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "BUILD_IF_MISSING": False})
    )


@pytest.fixture
def page(new_page):
    """A desktop-sized page (tests that need a phone ask new_page for one)."""
    return new_page(DESKTOP)


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Save what the page shows to test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def assert_all_local(page, live_server: str) -> None:
    """No console errors (CSP violations land there) and nothing requested
    from outside the app."""
    assert page.console_errors == []
    outside = [url for url in page.requested if not url.startswith(live_server + "/")]
    assert outside == []


@pytest.fixture
def new_page(chromium) -> Iterator[Callable]:
    """new_page(viewport) -> a page in a fresh browser context that records
    its console errors (``page.console_errors``: CSP violations land there)
    and every URL it requests (``page.requested``)."""
    contexts = []

    def _new_page(viewport: dict | None = None):
        context = chromium.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.requested = []
        page.on("console", lambda m: _console_error(page, m))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.on("request", lambda r: page.requested.append(r.url))
        return page

    yield _new_page
    for context in contexts:
        context.close()


def _console_error(page, message) -> None:
    """Keep console errors, except Chromium's note that a page we opened on
    purpose answered 4xx; a failed stylesheet or image still counts."""
    url = message.location.get("url", "")
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and "/static/" not in url:
        return
    page.console_errors.append(f"{message.text} ({url})")
