"""从网站更新 on /admin: a crawl and a reindex in the background, one at a time,
with its progress and last result on the page."""

from __future__ import annotations

import threading

import pytest

from search_app import create_app
from tests.conftest import close_app
from tests.ingest.crawl.fixtures import G1, T1

TOKEN = "s3cret-token-for-updates"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def make_admin(site, tmp_path):
    apps = []

    def make(sites_toml: str | None = None):
        sites = tmp_path / "sites.toml"
        if sites_toml is None:
            sites_toml = (
                f'[[site]]\nname = "fixture"\nstart_urls = ["{site.base}/"]\n'
                "delay = 0\nbackoff = 0\nmax_per_pattern = 3\n"
            )
        sites.write_text(sites_toml, "utf-8")
        (tmp_path / "corpus").mkdir(exist_ok=True)
        config = {
            "TESTING": True,
            "ADMIN_TOKEN": TOKEN,
            "CORPUS_DIR": str(tmp_path / "corpus"),
            "INDEX_DIR": str(tmp_path / "index"),
            "SITES_FILE": str(sites),
            "UPDATE_STATUS": str(tmp_path / "update-status.json"),
        }
        app = create_app(config)
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        close_app(app)


def wait_for_update() -> None:
    """Join the background job's thread (no sleeping)."""
    for thread in threading.enumerate():
        if thread.name == "site-update":
            thread.join(60)
            assert not thread.is_alive()


def test_update_runs_in_the_background_one_at_a_time(site, make_admin, tmp_path):
    admin = make_admin()
    site.hold_path = T1.path  # the crawl waits here until released
    started = admin.post("/admin/update", headers=BEARER)
    assert started.status_code == 200
    assert started.get_json()["update"]["state"] == "running"
    assert site.reached.wait(60)
    again = admin.post("/admin/update", headers=BEARER)
    assert (again.status_code, again.get_json()["error"]) == (
        409,
        "另一个更新任务正在进行，请等它完成。",
    )
    status = admin.get("/admin", headers=BEARER).get_json()["update"]
    assert (status["state"], status["phase"]) == ("running", "crawl")
    site.release.set()
    wait_for_update()
    status = admin.get("/admin", headers=BEARER).get_json()["update"]
    assert (status["state"], status["phase"], len(status["crawl"]["new"])) == ("done", "", 9)
    port = site.server.server_port
    assert f"sites/127.0.0.1_{port}{G1.path}" in status["reindex"]["added"]
    hits = admin.get("/api/search", query_string={"q": "橡胶林管护"}).get_json()["hits"]
    assert [h["id"] for h in hits] == [f"sites/127.0.0.1_{port}{T1.path}"]


def test_update_page_shows_the_last_result(site, make_admin):
    admin = make_admin()
    admin.post("/admin/update", headers=BEARER)
    wait_for_update()
    assert admin.post("/admin/login", data={"token": TOKEN}).status_code == 303
    page = admin.get("/admin").get_data(as_text=True)
    assert '<button class="button" type="submit">从网站更新</button>' in page
    assert "新文章 9 篇，修改 0 篇，删除 0 篇；附件 2 个；失败 1 个。" in page
    assert f"<li><code>{site.base}/missing.html</code>：HTTP 404</li>" in page


def test_an_update_without_sites_says_how_to_configure_them(make_admin, tmp_path):
    admin = make_admin("[defaults]\ndelay = 1\n")
    admin.post("/admin/update", headers=BEARER)
    wait_for_update()
    status = admin.get("/admin", headers=BEARER).get_json()["update"]
    sites = tmp_path / "sites.toml"
    assert (status["state"], status["error"]) == (
        "failed",
        f"{sites}: no [[site]] table; see sites.example.toml",
    )
