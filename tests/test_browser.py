"""End to end in a real headless browser: Debian's chromium, driven by Playwright, against the real
waitress server on a free loopback port, over an index of the seeds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from search.web import create_app
from search.web.server import listen, make_server

# Debian's package, which `make test` installs: Playwright's own browser download cannot work here.
CHROMIUM = Path("/usr/bin/chromium")
# As root in a container chromium needs --no-sandbox; the rest keeps it off the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SEED_2020_TITLE = "Helsingin kaupunginhallituksen elinkeinojaosto kuuli kokouksessaan"


@pytest.fixture(scope="module")
def base_url(seed_index: Path) -> Iterator[str]:
    server = make_server(create_app({"INDEX_DIR": seed_index}), listen("127.0.0.1", 0), threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make test` (it installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fi-FI", viewport={"width": 1024, "height": 800})
    yield context.new_page()
    context.close()


def test_typing_an_inflected_query_finds_the_bulletin_and_leads_to_it(page: Page, base_url: str):
    page.goto(base_url + "/")
    box = page.get_by_label("Hae tiedotteista")
    expect(box).to_be_focused()  # autofocus: the person can type at once
    page.keyboard.type("kokeilujen")  # genitive plural: the text has kokeiluja, kokeilua, kokeiluille
    page.keyboard.press("Enter")

    first = page.locator("ol.hits > li").first
    expect(first.get_by_role("link")).to_contain_text(SEED_2020_TITLE)
    marks = first.locator(".snippet mark")
    expect(marks.first).to_be_visible()
    assert all(text.lower().startswith("kokeilu") for text in marks.all_inner_texts())

    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SEED_2020_TITLE)
    assert page.locator(".bulletin-body mark").count() >= 3
    page.get_by_role("link", name="Takaisin hakutuloksiin").click()
    expect(page.get_by_label("Hae tiedotteista")).to_have_value("kokeilujen")


def test_the_page_works_by_keyboard_with_a_visible_focus(page: Page, base_url: str):
    page.goto(base_url + "/?q=kokeiluja")
    expect(page.get_by_label("Hae tiedotteista")).to_be_focused()  # autofocus comes after the load
    page.keyboard.press("Shift+Tab")  # from the search box back to the language link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the search button
    expect(page.get_by_role("button", name="Hae")).to_be_focused()
    outline = page.get_by_role("button", name="Hae").evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"
