"""Logout ends a session for every worker, even for a copy of its cookie,
and the failed-login limit is one limit across workers (the attack run's
logout replay and 5 x 5 token guesses). Two apps over one admin state file
stand for two gunicorn workers."""

from __future__ import annotations

import pytest
from conftest import close_app

import indexer
from search_app import create_app
from tests.web.test_admin import TOKEN, csrf_of


@pytest.fixture
def workers(corpus_dir, tmp_path):
    index = tmp_path / "index"
    indexer.reindex(corpus_dir, index)
    config = {
        "TESTING": True,
        "INDEX_DIR": str(index),
        "CORPUS_DIR": str(corpus_dir),
        "ADMIN_TOKEN": TOKEN,
        "ADMIN_STATE_DB": str(tmp_path / "admin.sqlite"),
    }
    apps = [create_app(config), create_app(config)]
    yield apps
    for app in apps:
        close_app(app)


def test_a_cookie_copied_before_logout_opens_nothing_after_it(workers):
    first, second = (app.test_client() for app in workers)
    first.post("/admin/login", data={"token": TOKEN})
    csrf = csrf_of(first.get("/admin").text)
    copied = first.get_cookie("session", path="/admin").value
    second.set_cookie("session", copied, path="/admin")
    assert second.get("/admin").status_code == 200  # the copy works while logged in
    assert first.post("/admin/logout", data={"csrf_token": csrf}).status_code == 303
    thief = workers[0].test_client()
    thief.set_cookie("session", copied, path="/admin")
    for client in (thief, second):  # on the worker that logged out and on another
        assert client.get("/admin").status_code == 303
        replay = client.post("/admin/reindex", data={"csrf_token": csrf})
        assert (replay.status_code, replay.location) == (303, "/admin/login")


def test_a_new_login_after_a_logout_works(workers):
    client = workers[0].test_client()
    client.post("/admin/login", data={"token": TOKEN})
    client.post("/admin/logout", data={"csrf_token": csrf_of(client.get("/admin").text)})
    assert client.post("/admin/login", data={"token": TOKEN}).status_code == 303
    assert workers[1].test_client().get("/admin").status_code == 303  # no cookie there
    assert client.get("/admin").status_code == 200


def test_failed_logins_are_counted_across_workers(workers):
    clients = [app.test_client() for app in workers]
    codes = [
        clients[n % 2].post("/admin/login", data={"token": "guess"}).status_code for n in range(6)
    ]
    assert codes == [403, 403, 403, 403, 403, 429]  # five in all, not five per worker
    assert clients[0].post("/admin/login", data={"token": TOKEN}).status_code == 429
