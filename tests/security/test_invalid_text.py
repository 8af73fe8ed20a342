"""Issue 11 item 6: a lone surrogate is refused with 422 and never fails other clients' requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.security.conftest import AUTH

pytestmark = pytest.mark.slow
HEADERS = {**AUTH, "Content-Type": "application/json"}
BAD_BODIES = [
    ("/v1/chat/completions", b'{"model": "article-qa", "messages": [{"role": "user", "content": "\\ud800 Who?"}]}'),
    ("/v1/chat/completions", b'{"model": "article-qa", "messages": [{"role": "user", "content": '
                             b'[{"type": "text", "text": "\\udfff Who?"}]}]}'),
    ("/v1/ask", b'{"question": "\\ud800 Who hosted the retreat?"}'),
    ("/v1/search", b'{"query": "Camp David \\udc00"}'),
]


@pytest.mark.parametrize(("path", "body"), BAD_BODIES)
def test_lone_surrogate_is_422(secured, path, body):
    response = httpx.post(secured.base + path, content=body, headers=HEADERS, timeout=60)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"].lower()
    assert "surrogate" in message or "unicode" in message


def test_bad_text_never_fails_other_requests(secured):
    def good(i: int) -> int:
        query = f"Code for Unplanned Encounters at Sea {i}"
        return httpx.post(f"{secured.base}/v1/search", json={"query": query, "k": 2}, headers=AUTH,
                          timeout=60).status_code

    def bad(i: int) -> int:
        path, body = BAD_BODIES[i % len(BAD_BODIES)]
        return httpx.post(secured.base + path, content=body, headers=HEADERS, timeout=60).status_code

    with ThreadPoolExecutor(16) as pool:
        goods = [pool.submit(good, i) for i in range(24)]
        bads = [pool.submit(bad, i) for i in range(24)]
        assert [f.result() for f in goods] == [200] * 24
        assert [f.result() for f in bads] == [422] * 24
