"""The search as a user meets it: Debian's Chromium, driven by Playwright, on the
real app served over HTTP from a background thread.

Screenshots of the pages go to test-artifacts/screenshots/ for a look by eye.
"""

import re
import urllib.request

import pytest
from conftest import DESKTOP, PHONE, assert_all_local, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHRASE = "边疆党建长廊"


def test_search_then_open_the_article(page, live_server):
    page.goto(live_server + "/")
    screenshot(page, "home-desktop")
    box = page.get_by_label("搜索关键词")
    expect(box).to_be_focused()
    box.fill(PHRASE)
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page).to_have_title(f"{PHRASE} - 西双版纳先锋 · 站内搜索")
    expect(page.locator(".summary")).to_contain_text("共找到")
    expect(page.locator(".hit-title mark").first).to_have_text(PHRASE)
    expect(page.locator(".hit-snippet mark").first).to_have_text(PHRASE)
    expect(box).to_have_value(PHRASE)
    screenshot(page, "results-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "results-phone")
    page.set_viewport_size(DESKTOP)

    first = page.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/article/.+\?q="))
    expect(page.locator(".article-title")).to_have_text(title)
    expect(page.locator(".article mark").first).to_have_text(PHRASE)
    expect(page.get_by_role("link", name="返回搜索结果")).to_be_visible()
    screenshot(page, "article-desktop", full_page=False)
    page.set_viewport_size(PHONE)
    screenshot(page, "article-phone", full_page=False)
    assert_all_local(page, live_server)


def test_highlight_is_visible(page, live_server):
    page.goto(f"{live_server}/search?q={PHRASE}")
    mark = page.locator(".hit-title mark").first
    expect(mark).to_have_text(PHRASE)
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_phone_layout_does_not_scroll_sideways(page, live_server):
    page.set_viewport_size(PHONE)
    for path in ["/", f"/search?q={PHRASE}", "/search?q=x&page=0", "/article/nope"]:
        page.goto(live_server + path)
        expect(page.get_by_label("搜索关键词")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], path
    page.goto(live_server + "/")
    screenshot(page, "home-phone")
    assert_all_local(page, live_server)


def test_bad_page_and_missing_article_render_in_the_browser(page, live_server):
    response = page.goto(f"{live_server}/search?q={PHRASE}&page=0")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_have_text("页码无效：页码应为正整数。")
    response = page.goto(f"{live_server}/article/no-such.txt")
    assert response.status == 404
    expect(page.locator(".error-title")).to_have_text("页面不存在")
    assert_all_local(page, live_server)


def test_server_header_has_no_versions(live_server):
    with urllib.request.urlopen(live_server + "/healthz") as response:
        server = response.headers.get("Server", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Werkzeug" not in server and "Python" not in server


def test_facet_links_narrow_the_results(page, live_server):
    page.goto(f"{live_server}/search?q=党建")
    before = int(page.locator(".summary strong").inner_text())
    place = page.locator(".facet-place a.facet-value", has_text="勐海县")
    expected = int(place.locator(".facet-count").inner_text())
    assert 0 < expected < before
    place.click()
    expect(page).to_have_url(re.compile(r"place=%E5%8B%90%E6%B5%B7%E5%8E%BF"))
    expect(page.locator(".summary strong")).to_have_text(str(expected))
    expect(page.locator(".facet-place .facet-value.current")).to_contain_text("勐海县")
    expect(page.locator(".hit")).to_have_count(expected)
    screenshot(page, "facets-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "facets-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="清除筛选").click()
    expect(page.locator(".summary strong")).to_have_text(str(before))
    assert_all_local(page, live_server)


def test_did_you_mean_link_runs_the_corrected_search(page, live_server):
    page.goto(f"{live_server}/search?q=勐海县 党见")
    expect(page.locator(".steps")).to_contain_text("任一词")
    offer = page.locator(".did-you-mean a")
    expect(offer).to_have_text("勐海县 党建")
    screenshot(page, "did-you-mean-desktop")
    offer.click()
    expect(page.get_by_label("搜索关键词")).to_have_value("勐海县 党建")
    expect(page.locator(".did-you-mean")).to_have_count(0)
    expect(page.locator(".steps")).to_have_count(0)
    expect(page.locator(".hit-title mark").first).to_be_visible()
    assert_all_local(page, live_server)


def test_zero_results_page_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/search?q=强边固访")
    expect(page.locator(".steps")).to_contain_text("强边固防")
    expect(page.locator(".keywords a").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(page, "corrected-phone")
    assert_all_local(page, live_server)
