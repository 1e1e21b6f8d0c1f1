"""The admin pages as site staff meet them: log in, upload a file with the
form and see it indexed, in Debian's Chromium under the app's strict CSP.

Screenshots go to test-artifacts/screenshots/admin-*.png.
"""

import pytest
from conftest import screenshot
from playwright.sync_api import expect

import indexer
from search_app import create_app

pytestmark = pytest.mark.browser

TOKEN = "browser-admin-token-0123456789"
WORD = "曼听公园孔雀湖"


@pytest.fixture
def live_admin(corpus_dir, tmp_path, serve):
    """Base URL of the real app with the admin on, over a private corpus and index."""
    index = tmp_path / "index"
    indexer.reindex(corpus_dir, index)
    config = {"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir), "ADMIN_TOKEN": TOKEN}
    return serve(create_app({"TESTING": True, **config}))


def test_log_in_upload_and_reindex(page, live_admin, tmp_path):
    article = tmp_path / "景洪新闻.txt"
    article.write_text(
        "今天是:\n工作动态\n\n景洪市曼听社区党建\n\n"
        "来源 :西双版纳先锋 访问次数 : 发布时间 :2024-04-13\n\n"
        f"近日，{WORD}开展党建活动。\n\n来源:西双版纳先锋\n",
        encoding="utf-8",
    )
    page.goto(f"{live_admin}/admin")
    expect(page).to_have_url(f"{live_admin}/admin/login")
    page.fill("#token", "wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".notice-error")).to_have_text("令牌不正确。")
    page.fill("#token", TOKEN)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".admin-status")).to_contain_text("索引中共有 6 篇文章。")
    page.set_input_files("#files", str(article))  # "reindex after saving" is ticked
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".admin-outcome")).to_contain_text("uploads/景洪新闻.txt")
    expect(page.locator(".admin-report-summary")).to_contain_text("新增 1")
    expect(page.locator(".admin-status")).to_contain_text("索引中共有 7 篇文章。")
    screenshot(page, "admin-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "admin-phone")
    page.goto(f"{live_admin}/search?q={WORD}")
    expect(page.locator(".hit-title").first).to_contain_text("景洪市曼听社区党建")
    assert page.console_errors == []  # nothing the CSP blocked
