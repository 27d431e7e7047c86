"""End to end in a real headless browser: Debian's chromium, driven by Playwright, against the real
waitress server on a free loopback port, over an index of the seeds. Completions by keyboard, the chips
of a filter, the phone layout, and axe-core's accessibility rules on every kind of page."""

from __future__ import annotations

import re
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
# axe-core from the npm registry, vendored (see tests/vendor/axe-core/README.md)
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SEED_2020 = "000_d69fc6f4f0811f96"
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
    page.keyboard.press("Shift+Tab")  # from the search box back to the help link beside it
    expect(page.get_by_role("link", name="Hakuohjeet")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the search button
    expect(page.get_by_role("button", name="Hae")).to_be_focused()
    outline = page.get_by_role("button", name="Hae").evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"


def test_completions_are_picked_by_keyboard_and_the_results_show_the_filters_as_chips(page: Page, base_url: str):
    page.goto(base_url + "/")
    box = page.get_by_role("combobox", name="Hae tiedotteista")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()
    page.keyboard.type("kaupunginh")
    options = page.get_by_role("listbox", name="Ehdotukset").get_by_role("option")
    expect(options.first).to_contain_text("kaupunginhallitus")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#q-status")).to_have_text("1 ehdotus. Valitse nuolinäppäimillä.")

    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    page.keyboard.press("Enter")  # picks the completion and searches for it
    page.wait_for_url(re.compile(r"/\?q=kaupunginhallitus(&|$)"))
    expect(page.locator(".count")).to_contain_text("2 osumaa")

    page.locator(".facet").get_by_role("link", name="2020").click()
    chip = page.get_by_role("link", name="Poista rajaus Vuosi: 2020")
    expect(chip).to_be_visible()
    expect(page.locator(".count")).to_contain_text("1 osuma")
    chip.click()
    expect(page.locator(".chips")).to_have_count(0)
    expect(page.locator(".count")).to_contain_text("2 osumaa")


def test_escape_closes_the_completions_and_the_box_works_without_picking(page: Page, base_url: str):
    page.goto(base_url + "/")
    expect(page.get_by_label("Hae tiedotteista")).to_be_focused()  # autofocus may come after the load event
    page.keyboard.type("kokeilu")
    listbox = page.get_by_role("listbox", name="Ehdotukset")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?q=kokeilu(&|$)"))


def test_on_a_phone_the_facets_wait_behind_a_toggle_above_the_hits_and_the_sort_is_one_line(browser: Browser, base_url: str):
    context = browser.new_context(locale="fi-FI", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "/?q=kaupunginhallitus")
    toggle = page.get_by_text("Rajaa tuloksia")
    expect(toggle).to_be_visible()
    expect(page.locator(".facet").first).to_be_hidden()
    assert toggle.bounding_box()["y"] < page.locator("ol.hits").bounding_box()["y"]
    sort = page.locator("nav.sort ul").bounding_box()
    line = page.locator("nav.sort a").first.bounding_box()["height"]
    assert sort["height"] < 1.6 * line, sort  # one line, not three
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    toggle.click()
    expect(page.locator(".facet").first).to_be_visible()
    context.close()


@pytest.mark.parametrize(("path", "lang"), [
    ("/", "fi"), ("/?q=kaupunginhallitus&year=2020", "fi"), (f"/bulletins/{SEED_2020}?q=kokeiluja", "fi"),
    ("/?q=kaupunginhalitus&lang=en", "en"), ("/help", "fi"), ("/?q=kaupunginhallitus", "en"),
])
def test_axe_finds_no_accessibility_violations(browser: Browser, base_url: str, path: str, lang: str):
    # axe is injected as a script of its own, which the page's policy rightly refuses: bypass it for the test
    context = browser.new_context(locale=f"{lang}-FI", bypass_csp=True, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(base_url + path)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]]) for v in results["violations"]]
    context.close()
    assert violations == []
