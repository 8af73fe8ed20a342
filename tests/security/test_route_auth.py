"""Issue 11 item 1 (route level) and item 3 (CSP): with QA_API_KEY set, every route but the health checks
needs the key, the Gradio UI and its API included; every response forbids remote loads."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import AUTH, KEY

pytestmark = pytest.mark.slow
ARTICLE_WORDS = "Shangri-La Dialogue"

PROTECTED = [
    ("GET", "/"), ("GET", "/config"), ("GET", "/gradio_api/info"), ("GET", "/gradio_api/openapi.json"),
    ("POST", "/gradio_api/upload"), ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data"),
    ("POST", "/gradio_api/call/chat"), ("POST", "/gradio_api/run/chat"), ("POST", "/gradio_api/api/evaluate"),
    ("GET", "/gradio_api/file=/etc/passwd"), ("GET", "/gradio_api/heartbeat/x"), ("GET", "/theme.css"),
    ("GET", "/docs"), ("GET", "/openapi.json"), ("GET", "/v1/documents"), ("POST", "/v1/ask"),
    ("POST", "/v1/documents"), ("GET", "/v1/no-such-route"),
]


def first_bytes(method: str, url: str, headers: dict) -> tuple[int, str]:
    """Status and the start of the body (some routes, e.g. heartbeats, stream forever when open)."""
    with httpx.stream(method, url, headers=headers, timeout=30) as response:
        if response.status_code != 401:
            return response.status_code, ""
        return 401, response.read().decode("utf-8", "replace")


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_route_needs_the_key(secured, method, path):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Cookie": "qa_session=forged"}):
        status, text = first_bytes(method, secured.base + path, headers)
        assert status == 401, (path, status, text[:200])
        assert '"authentication_error"' in text and ARTICLE_WORDS not in text


def test_health_checks_stay_open(secured):
    assert httpx.get(f"{secured.base}/healthz").status_code == 200
    assert httpx.get(f"{secured.base}/readyz").status_code == 200


def test_gradio_client_needs_the_key(secured):
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 (the client raises its own kinds for a 401)
        Client(secured.base + "/", verbose=False)
    client = Client(secured.base + "/", verbose=False, headers=AUTH)
    messages = client.predict("Who hosted a retreat in rural Virginia?", [], "extractive", 5, 0.0,
                              api_name="/chat")[0]
    assert "Kurt Campbell" in str(messages[-1]["content"])


def test_browser_login_sets_a_strict_http_only_cookie(secured):
    page = httpx.get(f"{secured.base}/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert ARTICLE_WORDS not in page.text
    wrong = httpx.post(f"{secured.base}/login", data={"key": "nope", "next": "/"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    right = httpx.post(f"{secured.base}/login", data={"key": KEY, "next": "//evil.example/"})
    assert right.status_code == 303 and right.headers["location"] == "/"
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    session = right.cookies["qa_session"]
    assert KEY not in session
    ui = httpx.get(f"{secured.base}/config", cookies={"qa_session": session})
    assert ui.status_code == 200 and ARTICLE_WORDS in ui.text


def _csp(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/config", "/v1/documents", "/login"])
def test_csp_forbids_remote_resources(secured, path):
    response = httpx.get(secured.base + path, headers=AUTH)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    for directive in ("img-src", "script-src", "style-src", "font-src", "media-src", "frame-src"):
        sources = csp[directive]
        assert not any(s in ("*", "http:", "https:") or "//" in s for s in sources), (directive, sources)
    assert csp["object-src"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
