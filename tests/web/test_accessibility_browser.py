"""Accessibility and 适老化 as readers meet them in Debian's Chromium: axe-core
(shipped inside axe-playwright-python, nothing fetched) on every page at
desktop and phone widths, the 大字/高对比 switch, reflow at 200 % zoom, the
keyboard-only path and the live region.

Screenshots of the pages go to test-artifacts/screenshots/a11y-*.png.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import DESKTOP, PHONE, assert_all_local, screenshot
from playwright.sync_api import expect

import indexer
from indexer.search.display import full_width
from search_app import create_app

pytestmark = pytest.mark.browser

TOKEN = "a11y-admin-token-0123456789"
ARTICLE = "2022-03-15-mengla-changlang-shifandai.txt"
PAGES = {
    "home": "/",
    "results": "/search?q=党建",  # facets (year, column, place) and a pager-free list
    "filtered": "/search?q=党建&column=工作动态&from=2021-01-01",  # chips
    "synonyms": "/search?q=网购",
    "did-you-mean": "/search?q=勐海县 党见",
    "corrected": "/search?q=强边固访",
    "no-results": "/search?q=没有这个词xyz",
    "article": f"/article/{ARTICLE}?q=党建",
    "advanced": "/advanced",
    "error": "/article/no-such.txt",
    "admin-login": "/admin/login",
    "admin": "/admin",
    "admin-articles": "/admin/articles",  # with a file the index could not take
}
BLOCKING = ("serious", "critical")
SHOWN_IN_READING_MODES = ("home", "results", "no-results", "article", "admin-articles")


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def live_site(index_dir, session_corpus_dir, tmp_path, serve) -> str:
    """The real app with the admin on and hot searches in its query log."""
    log = tmp_path / "querylog.sqlite"
    with indexer.QueryLog(log) as queries:
        for _ in range(3):
            queries.record("党建", 5)
    config = {
        "INDEX_DIR": str(index_dir),
        "CORPUS_DIR": str(session_corpus_dir),
        "ADMIN_TOKEN": TOKEN,
        "QUERY_LOG": str(log),
        "BUILD_IF_MISSING": False,
        "PAGE_SIZE": 2,  # results in pages: the pager is checked too
    }
    return serve(create_app({"TESTING": True, **config}))


def log_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("#token", TOKEN)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".admin-status")).to_be_visible()


def blocking_violations(axe: Axe, page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("modes", ["", "large contrast"], ids=["normal", "large-contrast"])
def test_no_serious_axe_violation_on_any_page(new_page, live_site, axe, size, modes):
    page = new_page(size)
    page.goto(live_site + "/")
    page.evaluate(f"localStorage.setItem('reading-modes', '{modes}')")
    log_in(page, live_site)
    found = {}
    for name, path in PAGES.items():
        if name == "admin-login":
            continue  # shown below, after logging out
        page.goto(live_site + path)
        found[name] = blocking_violations(axe, page)
        shot = f"a11y-{name}-{'phone' if size == PHONE else 'desktop'}"
        if not modes:
            screenshot(page, shot)
        elif name in SHOWN_IN_READING_MODES:
            screenshot(page, shot + "-large-contrast")
    page.context.clear_cookies()
    page.goto(live_site + PAGES["admin-login"])
    found["admin-login"] = blocking_violations(axe, page)
    assert found == {name: [] for name in PAGES}
    assert_all_local(page, live_site)


def test_large_text_and_contrast_switch_is_remembered(page, live_site):
    page.goto(live_site + "/")
    large = page.get_by_role("button", name="大字")
    contrast = page.get_by_role("button", name="高对比")
    body_size = "getComputedStyle(document.body).fontSize"
    assert page.evaluate(body_size) == "16px"
    expect(large).to_have_attribute("aria-pressed", "false")
    large.click()
    expect(large).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(body_size) == "24px"  # 18 pt, the 适老化 norm for body text

    page.goto(f"{live_site}/search?q=党建")  # another page: still large
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(body_size) == "24px"
    page.get_by_role("button", name="高对比").click()
    colours = (
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert page.evaluate(colours) == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    link = page.locator(".hit-title a").first
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    screenshot(page, "reading-large-contrast-desktop")

    page.goto(f"{live_site}/article/{ARTICLE}")
    expect(contrast).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.className") == "reading-large reading-contrast"
    page.get_by_role("button", name="大字").click()
    page.get_by_role("button", name="高对比").click()
    page.reload()
    assert page.evaluate("document.documentElement.className") == ""
    assert page.evaluate(body_size) == "16px"
    assert_all_local(page, live_site)


@pytest.mark.parametrize("modes", ["", "large"])
def test_pages_reflow_at_200_percent_zoom(new_page, live_site, modes):
    """200 % zoom of a 1280 px window is a 640 px wide page; 大字 on a phone
    is harder still. Neither may scroll sideways."""
    for width in (640, PHONE["width"]):
        page = new_page({"width": width, "height": 800})
        page.goto(live_site + "/")
        page.evaluate(f"localStorage.setItem('reading-modes', '{modes}')")
        log_in(page, live_site)
        wide = {}
        for name, path in PAGES.items():
            page.goto(live_site + path)
            wide[name] = page.evaluate("document.documentElement.scrollWidth")
        assert wide == {name: width for name in PAGES}, (width, modes)
    screenshot(page, f"reflow-phone-{modes or 'normal'}")


@pytest.mark.parametrize("modes", ["", "large"])
def test_placeholder_is_not_cut_on_a_phone(new_page, live_site, modes):
    page = new_page(PHONE)
    page.goto(live_site + "/")
    page.evaluate(f"localStorage.setItem('reading-modes', '{modes}')")
    for path in ("/", "/search?q=党建"):
        page.goto(live_site + path)
        fits = page.locator("#q").evaluate(
            """input => {
                const style = getComputedStyle(input);
                const ctx = document.createElement('canvas').getContext('2d');
                ctx.font = style.font;
                const room = input.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                return ctx.measureText(input.placeholder).width <= room;
            }"""
        )
        assert fits, path


def test_keyboard_only_search_result_article(page, live_site):
    page.goto(live_site + "/")
    expect(page.get_by_label("搜索关键词")).to_be_focused()
    page.keyboard.type("党建")
    page.keyboard.press("Enter")
    expect(page.locator(".result-status")).to_contain_text("共找到 5 篇")

    page.keyboard.press("Tab")  # the first stop skips the page's chrome
    skip = page.get_by_role("link", name="跳到搜索结果")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.keyboard.press("Tab")
    first = page.locator(".hit-title a").first
    expect(first).to_be_focused()
    assert first.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"  # focus is visible
    title = first.inner_text()
    page.keyboard.press("Enter")
    # the article page shows the scraper's ASCII punctuation full-width
    expect(page.locator(".article-title")).to_have_text(full_width(title))
    assert_all_local(page, live_site)


def test_every_tab_stop_shows_focus(page, live_site):
    """Facets, chips, pager and the switch are reachable, each with a ring."""
    page.goto(f"{live_site}/search?q=党建&from=2021-01-01")  # a chip and two pages
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => {
                const el = document.activeElement;
                if (el === document.body) return ['(left the page)', true];
                const ring = el.id === 'q' ? getComputedStyle(el.form).boxShadow
                    : getComputedStyle(el).outlineStyle;
                return [el.className || el.tagName, ring !== 'none'];
            }"""
            )
        )
    assert [s for s in stops if not s[1]] == []
    names = {s[0] for s in stops}
    expected = {"skip-link", "toolbar-link", "reading-toggle", "chip", "facet-value", "pager-num"}
    assert expected <= names


def test_result_count_and_did_you_mean_are_announced(page, live_site):
    page.goto(f"{live_site}/search?q=勐海县 党见")
    status = page.get_by_role("status").first
    expect(status.locator(".did-you-mean")).to_have_text("您是不是要找：勐海县 党建")
    expect(status.locator(".summary")).to_contain_text("共找到")
    page.goto(f"{live_site}/search?q=没有这个词xyz")
    expect(page.get_by_role("status")).to_have_text("没有找到与“没有这个词xyz”相关的文章。")


def test_an_article_prints_without_the_site_chrome(page, live_site):
    page.emulate_media(media="print")
    page.goto(f"{live_site}/article/{ARTICLE}")
    for chrome in (".toolbar", ".masthead", ".site-footer", ".back", ".related"):
        expect(page.locator(chrome)).to_be_hidden()
    origin = page.locator(".article-origin")
    expect(origin).to_be_visible()
    expect(origin).to_contain_text(f"本站网址：{live_site}/article/{ARTICLE}")
    screenshot(page, "article-print")
