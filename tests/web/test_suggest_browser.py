"""The suggestion list under the search box (static/suggest.js) as a user meets
it: Debian's Chromium, driven by Playwright, on the real app over the real
index of the fixture corpus, served over HTTP from a background thread.

Only the test of untrusted markup fakes the answers of /api/suggest; all the
others ask the real endpoint. Screenshots with the list open go to
test-artifacts/screenshots/ for a look by eye.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import DESKTOP, PHONE, assert_all_local, screenshot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TYPED = "党建"
HAN = re.compile(r"[\u4e00-\u9fff]")


def search_box(page: Page):
    return page.get_by_role("combobox", name="搜索关键词")


def listbox(page: Page):
    return page.locator("#q-suggestions")


def options(page: Page):
    return listbox(page).get_by_role("option")


def option_texts(page: Page) -> list[str]:
    return listbox(page).locator(".suggestion-text").all_inner_texts()


def open_list(page: Page, text: str = TYPED) -> list[str]:
    """Type ``text`` into the box and wait for its suggestions."""
    box = search_box(page)
    box.fill(text)
    expect(listbox(page)).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    return option_texts(page)


def searched_for(page: Page) -> str:
    """The q of the results page the browser landed on."""
    page.wait_for_url(re.compile(r"/search\?"))
    return parse_qs(urlsplit(page.url).query)["q"][0]


def expect_no_highlight(page: Page) -> None:
    expect(page.locator("#q[aria-activedescendant]")).to_have_count(0)
    expect(listbox(page).locator(".suggestion.active")).to_have_count(0)
    expect(listbox(page).locator('[aria-selected="true"]')).to_have_count(0)


def expect_highlight(page: Page, index: int, text: str) -> None:
    option = options(page).nth(index)
    expect(option).to_have_id(f"q-suggestion-{index}")
    expect(option).to_have_class(re.compile(r"\bactive\b"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(listbox(page).locator(".suggestion.active")).to_have_count(1)
    expect(search_box(page)).to_have_attribute("aria-activedescendant", f"q-suggestion-{index}")
    expect(search_box(page)).to_have_value(text)


def test_typing_shows_suggestions_from_the_index(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-controls", "q-suggestions")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox(page)).to_be_hidden()

    texts = open_list(page)
    assert 1 <= len(texts) <= 8
    assert all(TYPED in text for text in texts), texts
    expect(page.get_by_role("listbox", name="搜索建议")).to_be_visible()
    for i in range(len(texts)):
        option = options(page).nth(i)
        expect(option).to_have_id(f"q-suggestion-{i}")
        expect(option).to_have_class(re.compile(r"^suggestion suggestion-(word|pinyin|title)$"))
    # Completions of a word, and the titles that contain it, tagged as articles.
    assert any(text.startswith(TYPED) and text != TYPED for text in texts), texts
    titles = listbox(page).locator(".suggestion-title")
    if titles.count():
        expect(titles.first.locator(".suggestion-kind")).to_have_text("文章")
    expect_no_highlight(page)
    expect(box).to_have_value(TYPED)
    screenshot(page, "suggest-desktop", full_page=False)

    box.fill("")
    expect(listbox(page)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(options(page)).to_have_count(0)
    assert_all_local(page, live_server)


def test_arrow_keys_move_the_highlight_and_escape_restores(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    texts = open_list(page)
    assert len(texts) >= 2, texts
    last = len(texts) - 1

    box.press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    box.press("ArrowDown")
    expect_highlight(page, 1, texts[1])
    box.press("ArrowUp")
    expect_highlight(page, 0, texts[0])
    # Past either end the box shows what was typed, then the list wraps.
    box.press("ArrowUp")
    expect_no_highlight(page)
    expect(box).to_have_value(TYPED)
    box.press("ArrowUp")
    expect_highlight(page, last, texts[last])
    box.press("ArrowDown")
    expect_no_highlight(page)
    expect(box).to_have_value(TYPED)
    expect(listbox(page)).to_be_visible()

    box.press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    box.press("Escape")
    expect(listbox(page)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(TYPED)
    expect_no_highlight(page)
    expect(box).to_be_focused()

    # ArrowDown opens the list again for what is in the box.
    box.press("ArrowDown")
    expect(listbox(page)).to_be_visible()
    expect(options(page)).to_have_count(len(texts))
    expect_no_highlight(page)

    # Typing after a highlight starts over from the new text.
    box.press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    box.press("End")
    box.press_sequentially("引")
    expect(box).to_have_value(texts[0] + "引")
    expect_no_highlight(page)
    assert_all_local(page, live_server)


def test_enter_on_a_highlighted_option_searches_for_it(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    texts = open_list(page)
    box.press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    box.press("Enter")

    assert searched_for(page) == texts[0]
    expect(page).to_have_title(f"{texts[0]} - 西双版纳先锋 · 站内搜索")
    expect(page.locator(".summary")).to_contain_text("共找到")
    expect(page.locator(".hit").first).to_be_visible()
    expect(search_box(page)).to_have_value(texts[0])
    expect(listbox(page)).to_be_hidden()
    assert_all_local(page, live_server)


def test_enter_without_a_highlight_searches_for_what_was_typed(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    open_list(page)
    box.press("Enter")

    assert searched_for(page) == TYPED
    expect(page.locator(".summary")).to_contain_text("共找到")
    expect(search_box(page)).to_have_value(TYPED)
    assert_all_local(page, live_server)


def test_clicking_an_option_searches_for_it(page, live_server):
    page.goto(f"{live_server}/search?q=勐海县")
    texts = open_list(page)
    options(page).last.click()

    assert searched_for(page) == texts[-1]
    expect(page.locator(".summary")).to_contain_text("共找到")
    expect(search_box(page)).to_have_value(texts[-1])
    assert_all_local(page, live_server)


def test_leaving_the_box_closes_the_list(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    open_list(page)
    box.press("Tab")
    expect(page.get_by_role("button", name="搜索")).to_be_focused()
    expect(listbox(page)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert_all_local(page, live_server)


def test_pinyin_finds_chinese_words(page, live_server):
    page.goto(live_server + "/")
    texts = open_list(page, "dangj")
    assert texts and all(HAN.search(text) for text in texts), texts
    assert TYPED in texts, texts
    expect(listbox(page).locator(".suggestion-pinyin").first).to_be_visible()

    search_box(page).press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    search_box(page).press("Enter")
    assert searched_for(page) == texts[0]
    expect(page.locator(".summary")).to_contain_text("共找到")
    assert_all_local(page, live_server)


def test_unknown_text_shows_no_list(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    open_list(page)
    # The list closes once the answer for the new text (no suggestions) is in.
    box.fill("zzzzqx")
    expect(listbox(page)).to_be_hidden()
    expect(options(page)).to_have_count(0)
    expect(box).to_have_attribute("aria-expanded", "false")
    assert_all_local(page, live_server)


def test_a_failing_endpoint_leaves_the_search_working(page, live_server):
    page.goto(live_server + "/")
    box = search_box(page)
    open_list(page)
    # The real app answers 404 for an endpoint that is not there.
    box.evaluate("el => { el.dataset.suggestUrl = '/api/no-such-endpoint'; }")
    with page.expect_response(lambda r: "/api/" in r.url) as answer:
        box.fill("勐海")
    assert answer.value.status == 404
    expect(listbox(page)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    assert searched_for(page) == "勐海"
    expect(page.locator(".summary")).to_contain_text("共找到")
    assert_all_local(page, live_server)


def test_suggestion_texts_are_never_markup(page, live_server):
    """Suggestion texts are untrusted: they show as text, never as HTML."""
    hostile = [
        {"text": '<img src=x onerror="document.title=1">', "kind": "word"},
        {"text": "<b>粗体</b>&amp;", "kind": "title"},
        {"text": "勐海县", "kind": 'x" onmouseover="document.title=2'},
    ]
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route(
        "**/api/suggest*",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"query": "x", "suggestions": hostile}),
        ),
    )
    page.goto(live_server + "/")
    texts = open_list(page, "勐")
    assert texts == [s["text"] for s in hostile]
    expect(listbox(page).locator("img, b")).to_have_count(0)
    for i in range(len(hostile)):
        expect(options(page).nth(i)).not_to_have_attribute("onmouseover", re.compile(".*"))
    expect(options(page).nth(2)).to_have_class("suggestion suggestion-xonmouseoverdocumenttitle")
    options(page).nth(2).hover()
    search_box(page).press("ArrowDown")
    expect(search_box(page)).to_have_value(hostile[0]["text"])
    expect(page).to_have_title("西双版纳先锋 · 站内搜索")
    assert dialogs == []
    assert not any(url.rstrip("/").endswith("/x") for url in page.requested)
    assert_all_local(page, live_server)


def test_phone_list_spans_the_box_with_touch_sized_rows(new_page, live_server):
    page = new_page(PHONE)
    page.goto(f"{live_server}/search?q=边疆党建长廊")
    texts = open_list(page, "勐")
    assert len(texts) >= 2, texts

    form = page.locator(".search-form").bounding_box()
    box = listbox(page).bounding_box()
    assert abs(box["x"] - form["x"]) <= 1
    assert abs(box["width"] - form["width"]) <= 1
    assert box["y"] >= form["y"] + form["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for i in range(len(texts)):
        row = options(page).nth(i).bounding_box()
        assert row["height"] >= 44, (i, row)
        assert row["x"] + row["width"] <= PHONE["width"]
    size = options(page).first.evaluate("o => parseFloat(getComputedStyle(o).fontSize)")
    assert size >= 15
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Over the results, not under them.
    on_top = options(page).first.evaluate(
        """o => {
            const r = o.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return hit.closest('li') === o;
        }"""
    )
    assert on_top
    search_box(page).press("ArrowDown")
    expect_highlight(page, 0, texts[0])
    screenshot(page, "suggest-phone", full_page=False)

    options(page).nth(1).click()
    assert searched_for(page) == texts[1]
    assert_all_local(page, live_server)


def test_without_javascript_the_box_is_a_plain_search_field(chromium, live_server):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        box = page.get_by_role("searchbox", name="搜索关键词")
        box.fill(TYPED)
        expect(page.locator("#q-suggestions")).to_have_count(0)
        box.press("Enter")
        assert searched_for(page) == TYPED
        expect(page.locator(".summary")).to_contain_text("共找到")
    finally:
        context.close()
