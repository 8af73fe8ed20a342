"""A real headless chromium asks a question in the chat UI, clicks a citation and checks that the
cited sentence is highlighted and scrolled into view in the source panel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = os.environ.get("QA_SCREENSHOT_DIR")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def ask_and_click(page, server: str, question: str) -> str:
    page.goto(server + "/", wait_until="load")
    page.locator("#qa-input textarea").wait_for(timeout=60_000)
    page.locator("#qa-input textarea").fill(question)
    page.locator("#qa-send").click()
    link = page.locator("#qa-chat a.cite-link").first
    link.wait_for(timeout=90_000)
    target = link.get_attribute("href")
    assert target and target.startswith("#cite-")
    link.click()
    return target[1:]


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_citation_click_highlights_source(browser, server, tmp_path, width, height, name):
    page = browser.new_page(viewport={"width": width, "height": height})
    mark_id = ask_and_click(page, server, "Who hosted a retreat in rural Virginia?")
    mark = page.locator(f"mark#{mark_id}")
    page.wait_for_function(f"document.getElementById('{mark_id}').classList.contains('active')", timeout=10_000)
    assert "Kurt Campbell hosted" in mark.inner_text()
    page.wait_for_timeout(800)  # smooth scrolling
    assert mark.evaluate("""m => { const r = m.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }"""), "cited sentence not scrolled into view"
    colour = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "Grounded" in page.locator("#qa-badge").inner_text()
    shot = tmp_path / f"ui-{name}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / shot.name)
    page.close()


def test_refusal_is_visibly_different(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/", wait_until="load")
    page.locator("#qa-input textarea").wait_for(timeout=60_000)
    page.locator("#qa-input textarea").fill("What recipe does the article recommend for kimchi?")
    page.locator("#qa-send").click()
    page.locator("#qa-badge .refused").wait_for(timeout=60_000)
    assert "does not say" in page.locator("#qa-chat").inner_text()
    page.close()
