"""A real headless chromium drives the chat UI (one server for the module, extractive generator except
where the LLM is the point): follow-ups, citations of older answers, reload, dark-mode contrast,
queue and Stop, upload/remove, the phone drawer and the offline API docs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = os.environ.get("QA_SCREENSHOT_DIR")
FIRST = "Who hosted a retreat in rural Virginia?"
ANSWER = "#qa-chat .qa-answer"

# WCAG relative luminance and contrast of two CSS colours, alpha composited over the page background.
CONTRAST_JS = """([el, pseudo]) => {
  const parse = c => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  let bg = [0, 0, 0, 0];
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (n === document.documentElement && c[3] === 0) c.splice(0, 4, 255, 255, 255, 1);
    bg = bg[3] === 0 ? c : (bg[3] < 1 ? over(bg, c) : bg);
    if (bg[3] >= 1) break;
  }
  const style = pseudo ? getComputedStyle(el, pseudo) : getComputedStyle(el);
  const fg = over(parse(style.color), bg);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def is_loopback(url: str) -> bool:
    return urlparse(url).hostname in ("127.0.0.1", "localhost", "::1") or url.startswith(("data:", "blob:"))


def open_page(browser, server: str, width: int = 1366, height: int = 900, dark: bool = False):
    """A fresh browser context (own localStorage) on the chat page."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme="dark" if dark else "light",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.external = []  # requests to other hosts than this machine
    page.on("request", lambda r: None if is_loopback(r.url) else page.external.append(r.url))
    page.goto(server + ("/?__theme=dark" if dark else "/"), wait_until="load")
    page.locator("#qa-input textarea").wait_for(timeout=60_000)
    return page


def ask(page, question: str, answers_before: int | None = None) -> None:
    """Send a question and, unless told not to wait (None), wait for answer number answers_before+1."""
    page.locator("#qa-input textarea").fill(question)
    page.locator("#qa-send").click()
    if answers_before is not None:
        page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length > {answers_before}",
                               timeout=90_000)


def click_citation(page, answer: int = 0) -> str:
    link = page.locator(ANSWER).nth(answer).locator("a.cite-link").first
    target = link.get_attribute("href")
    assert target and target.startswith("#src-")
    mark_id = target[1:]
    # the source panel is updated by the same event as the chat, but may reach the DOM a moment later
    page.locator(f"mark#{mark_id}").wait_for(state="attached", timeout=10_000)
    link.click()
    page.wait_for_function(f"document.getElementById('{mark_id}').classList.contains('active')", timeout=10_000)
    page.wait_for_timeout(700)  # smooth scrolling
    return mark_id


def in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate("""m => { const r = m.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight && r.height > 0; }""")


def screenshot(page, tmp_path: Path, name: str) -> None:
    shot = tmp_path / f"ui-{name}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / shot.name)


def test_follow_up_old_citations_and_reload(browser, server, tmp_path):
    page = open_page(browser, server)
    ask(page, FIRST, 0)
    click_citation(page)
    screenshot(page, tmp_path, "desktop")
    page.locator(f"{ANSWER} button.qa-copy").first.click()  # plain text with the sources, not HTML
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Kurt Campbell hosted" in copied and "\nSources:\n[1] " in copied and "<" not in copied
    ask(page, "who was he?", 1)
    second = page.locator(ANSWER).nth(1)
    assert "Not in the article" not in second.inner_text()  # answered with the history
    assert "Campbell" in second.inner_text()
    assert page.locator("#qa-chat [aria-live=polite]").count() == 0  # streamed words are not read out
    assert "Campbell" in page.locator("#qa-live").inner_text()  # the finished answer is
    mark_id = click_citation(page, answer=0)  # the first answer's citation still works after the second
    assert "Kurt Campbell hosted" in page.locator(f"mark#{mark_id}").inner_text()
    assert in_view(page, f"mark#{mark_id}"), "cited sentence not scrolled into view"
    page.wait_for_timeout(300)  # a new answer's panel scrolling must not take the highlight away
    assert page.locator("mark.cite.active").get_attribute("id") == mark_id
    page.reload(wait_until="load")  # the conversation is kept in the browser
    page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length == 2", timeout=30_000)
    assert FIRST in page.locator("#qa-chat").inner_text()
    assert page.external == [], "the chat page loaded something from the internet"
    page.context.close()


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_contrast_meets_wcag_aa(browser, server, tmp_path, dark):
    page = open_page(browser, server, dark=dark)
    assert page.evaluate("!!document.querySelector('.dark')") == dark, "theme not applied"
    ask(page, FIRST, 0)
    mark_id = click_citation(page)
    mark = page.locator(f"mark#{mark_id}")
    ratios = {"highlight (active)": mark.evaluate(f"m => ({CONTRAST_JS})([m, null])")}
    mark.evaluate("m => m.classList.remove('active')")
    ratios["highlight"] = mark.evaluate(f"m => ({CONTRAST_JS})([m, null])")
    mark.evaluate("m => m.classList.add('active')")
    ratios["placeholder"] = page.locator("#qa-input textarea").evaluate(
        f"t => ({CONTRAST_JS})([t, '::placeholder'])")
    ratios["badge"] = page.locator(f"{ANSWER} .qa-badge").first.evaluate(f"b => ({CONTRAST_JS})([b, null])")
    ratios["citation chip"] = page.locator(f"{ANSWER} a.cite-link").first.evaluate(
        f"a => ({CONTRAST_JS})([a, null])")
    footer = page.locator("footer a").all()
    assert footer, "no footer links to check"
    ratios["footer link"] = min(link.evaluate(f"a => ({CONTRAST_JS})([a, null])") for link in footer)
    low = {k: round(v, 2) for k, v in ratios.items() if v < 4.5}
    assert not low, f"contrast below WCAG AA 4.5:1 ({'dark' if dark else 'light'} mode): {low}"
    if dark:  # native parts (the source panel's scrollbar track was white) follow the theme
        assert page.locator(".qa-source").first.evaluate("e => getComputedStyle(e).colorScheme") == "dark"
        screenshot(page, tmp_path, "dark")
    page.context.close()


def test_phone_citation_opens_drawer(browser, server, tmp_path):
    page = open_page(browser, server, width=390, height=844)
    ask(page, FIRST, 0)
    mark_id = click_citation(page)
    drawer = page.locator("#qa-source-col")
    assert "qa-drawer-open" in (drawer.get_attribute("class") or "")
    assert drawer.evaluate("d => getComputedStyle(d).position") == "fixed"
    assert in_view(page, f"mark#{mark_id}")
    screenshot(page, tmp_path, "phone")
    page.locator("#qa-source-col button.qa-drawer-close").click()
    assert "qa-drawer-open" not in (drawer.get_attribute("class") or "")
    page.context.close()


def test_refusal_is_visibly_different(browser, server):
    page = open_page(browser, server)
    ask(page, "What recipe does the article recommend for kimchi?", 0)
    assert page.locator(f"{ANSWER} .qa-badge.refused").inner_text().endswith("Not in the article")
    page.context.close()


def test_upload_listed_then_removed(browser, server, tmp_path):
    doc = tmp_path / "zebra-notes.txt"
    doc.write_text("Zebra notes\n\nPlains zebras graze on tall grasses in the Serengeti every dry season.\n")
    too_big = tmp_path / "huge.txt"
    too_big.write_text("word " * 10_000)  # over the server's 20,000-byte limit
    page = open_page(browser, server)
    page.locator("#qa-documents").get_by_text("Documents").first.click()
    page.locator("#qa-documents input[type=file]").set_input_files([str(too_big), str(doc)])
    table = page.locator("#qa-docs")
    page.wait_for_function("document.querySelector('#qa-docs').innerText.includes('Zebra notes')", timeout=60_000)
    assert "this conversation" in table.inner_text()  # one bad file does not block the others
    assert "huge.txt is larger" in page.locator("#qa-upload-status").inner_text()
    ask(page, "What do plains zebras graze on?", 0)  # searchable as soon as it is listed
    mark_id = click_citation(page)
    assert "tall grasses" in page.locator(f"mark#{mark_id}").inner_text()
    assert in_view(page, f"mark#{mark_id}")  # the source panel switched to the uploaded document
    page.locator("#qa-doc-pick input").click()
    page.get_by_role("option", name="Zebra notes").click()
    page.locator("#qa-doc-remove").click()
    page.wait_for_function("!document.querySelector('#qa-docs').innerText.includes('Zebra notes')", timeout=30_000)
    assert "Removed" in page.locator("#qa-upload-status").inner_text()
    page.context.close()


def test_api_docs_render_offline(browser, server):
    context = browser.new_context()
    external: list[str] = []

    def only_loopback(route):
        if is_loopback(route.request.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto(server + "/docs", wait_until="networkidle")
    page.locator(".swagger-ui .info .title").wait_for(timeout=30_000)
    assert "Article Q&A API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 3
    page.goto(server + "/redoc", wait_until="networkidle")
    page.locator("h1").first.wait_for(timeout=30_000)
    assert "Article Q&A API" in page.locator("h1").first.inner_text()
    assert external == [], f"requests to non-loopback hosts: {external}"
    context.close()


def test_queue_and_stop_with_the_local_model(browser, server):
    """While the local model streams, a second question shows as queued; Stop ends the stream (and
    the queue). That queued questions are then answered in order is a unit test (tests/test_ui.py)."""
    page = open_page(browser, server)
    page.get_by_text("Answer settings").click()
    page.locator("#qa-generator input").click()
    page.get_by_role("option", name="Local model", exact=True).click()
    ask(page, "Why did South Korea say its destroyer was using radar?")
    page.wait_for_function("document.querySelector('#qa-chat').innerText.includes('▌')", timeout=120_000)
    ask(page, "When did the defense ministers reach the agreement?")  # sent while the first streams
    page.locator("#qa-chat .qa-note.queued").wait_for(timeout=10_000)
    page.locator("#qa-stop").click()
    page.locator("#qa-chat .qa-note.stopped").wait_for(timeout=10_000)
    page.locator("#qa-stop").wait_for(state="hidden", timeout=10_000)
    assert page.locator("#qa-chat .qa-note.queued").count() == 0 and "▌" not in page.locator("#qa-chat").inner_text()
    page.context.close()
