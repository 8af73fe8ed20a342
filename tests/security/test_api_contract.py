"""Issue 11 item 12 (unknown paths, wrong methods, blank streamed questions) and issue 13 item 3 (the API's
question limit follows QA_MAX_QUESTION_CHARS, raised to 3000 on this server)."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import AUTH

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/nope", 404), ("POST", "/v1/ask/nope", 404), ("GET", "/v1/ask", 405),
    ("PUT", "/v1/documents", 405), ("GET", "/v1/chat/completions", 405), ("POST", "/v1/models", 405),
])
def test_unknown_paths_and_wrong_methods_answer_the_documented_error(secured, method, path, status):
    response = httpx.request(method, secured.base + path, headers=AUTH)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and error["type"] and "detail" not in response.json()
    if status == 405:
        assert response.headers["allow"]


@pytest.mark.parametrize("path", ["/v1/ask/stream", "/v1/ask?stream=true"])
@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_blank_streamed_question_is_422(secured, path, question):
    response = httpx.post(secured.base + path, json={"question": question}, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_question_limit_follows_the_settings(secured):
    long_query = ("Who hosted a retreat in rural Virginia? " * 70)[:2500]  # over the old fixed 2000
    ok = httpx.post(f"{secured.base}/v1/search", json={"query": long_query, "k": 1}, headers=AUTH, timeout=60)
    assert ok.status_code == 200, ok.text
    over = httpx.post(f"{secured.base}/v1/search", json={"query": "x" * 3001}, headers=AUTH)
    assert over.status_code == 422 and "3000" in over.text
    spec = httpx.get(f"{secured.base}/openapi.json", headers=AUTH).json()
    assert '"maxLength": 3000' in str(spec).replace("'", '"')
