"""Issue 11 items 1 and 3 in a real headless Chromium: the key's login cookie opens the UI, the UI works under
the Content-Security-Policy, and a remote image or stylesheet put into the page is never fetched."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.security.conftest import KEY

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
INJECT = """async () => {
  const blocked = [];
  document.addEventListener('securitypolicyviolation', e => blocked.push(e.blockedURI));
  const img = document.createElement('img'); img.src = 'http://evil.example/pixel.png';
  document.body.appendChild(img);
  const css = document.createElement('link'); css.rel = 'stylesheet'; css.href = 'https://evil.example/x.css';
  document.head.appendChild(css);
  await new Promise(done => setTimeout(done, 1500));
  return blocked;
}"""


def test_ui_loads_with_the_cookie_and_fetches_nothing_remote(secured):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    session = httpx.post(f"{secured.base}/login", data={"key": KEY}).cookies["qa_session"]
    failed: dict[str, str] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            anonymous = browser.new_page()
            anonymous.goto(secured.base + "/", wait_until="load")
            assert "/login" in anonymous.url and anonymous.locator("input[type=password]").count() == 1

            context = browser.new_context()
            context.add_cookies([{"name": "qa_session", "value": session, "url": secured.base}])
            page = context.new_page()
            page.on("requestfailed", lambda r: failed.setdefault(r.url, str(r.failure)))
            page.goto(secured.base + "/", wait_until="load")
            page.locator("textarea").first.wait_for(timeout=90_000)  # the Gradio app rendered under the CSP
            blocked = page.evaluate(INJECT)
        finally:
            browser.close()
    remote = ["http://evil.example/pixel.png", "https://evil.example/x.css"]
    assert sorted(blocked) == sorted(remote), blocked  # the browser's CSP refused both loads
    assert all(failed.get(u) == "csp" for u in remote), failed  # never reached the network
