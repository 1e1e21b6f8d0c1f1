"""Shared fixtures: a copy of the fixture corpus, a real index built from it
once per session, the real Flask app over that index, and its clients."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_CORPUS = FIXTURES / "corpus"


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
    if app.extensions.get("search_index") is not None:
        app.extensions["search_index"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()
