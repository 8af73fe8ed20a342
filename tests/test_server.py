"""The real server process on loopback, driven by the official `openai` client, httpx and gradio_client."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.slow


def test_health_and_docs(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server}/readyz").json()["chunks"] > 0
    spec = httpx.get(f"{server}/openapi.json").json()
    assert "/v1/ask" in spec["paths"] and "/v1/chat/completions" in spec["paths"]
    assert httpx.get(f"{server}/docs").status_code == 200


def test_ask_search_and_stream(server):
    body = {"question": "Who hosted a retreat in rural Virginia?"}
    answer = httpx.post(f"{server}/v1/ask", json=body, timeout=60).json()
    assert "Kurt Campbell" in answer["answer"] and answer["grounded"] and not answer["refused"]
    cite = answer["citations"][0]
    article = httpx.get(f"{server}/v1/documents").json()[0]
    assert article["doc_id"] == cite["doc_id"]
    hits = httpx.post(f"{server}/v1/search", json={"query": "Code for Unplanned Encounters", "k": 2}).json()
    assert len(hits) == 2 and hits[0]["rank"] == 1
    with httpx.stream("POST", f"{server}/v1/ask?stream=true", json=body, timeout=60) as response:
        events = [line[7:] for line in response.iter_lines() if line.startswith("event: ")]
    assert events[0] == "token" and events[-2:] == ["citations", "answer"]


def test_documents_upload_and_delete(server):
    files = {"file": ("notes.md", b"# Notes\n\nThe Busan port handles many containers.", "text/markdown")}
    created = httpx.post(f"{server}/v1/documents", files=files, timeout=60)
    assert created.status_code == 201 and created.json()["doc_id"] == "notes"
    hits = httpx.post(f"{server}/v1/search", json={"query": "Busan port containers", "k": 1}).json()
    assert hits[0]["doc_id"] == "notes"
    assert httpx.delete(f"{server}/v1/documents/notes").status_code == 204
    assert httpx.delete(f"{server}/v1/documents/notes").status_code == 404


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("post", "/v1/ask", {"json": {"question": ""}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x" * 2001}}, 422),
    ("post", "/v1/ask", {"json": {"question": "q", "k": 0}}, 422),
    ("post", "/v1/ask", {"json": {"question": "q", "k": 51}}, 422),
    ("post", "/v1/ask", {"json": {"question": "q", "path": "/etc/passwd"}}, 422),
    ("post", "/v1/ask", {"content": b"{" * 2_000_000, "headers": {"content-type": "application/json"}}, 413),
    ("post", "/v1/documents", {"files": {"file": ("a.exe", b"MZ", "application/octet-stream")}}, 415),
    ("post", "/v1/documents", {"files": {"file": ("big.txt", b"a " * 20000, "text/plain")}}, 413),
    ("delete", "/v1/documents/nope", {}, 404),
    ("post", "/v1/chat/completions", {"json": {"model": "nope", "messages": [{"role": "user", "content": "q"}]}}, 404),
])
def test_limits_return_documented_status(server, method, path, kwargs, status):
    response = getattr(httpx, method)(f"{server}{path}", timeout=60, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and error["type"] and "Traceback" not in response.text


def test_openai_client(server):
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key="unused")
    models = [m.id for m in client.models.list()]
    assert "article-qa-extractive" in models and "article-qa-openai" not in models  # not configured here
    question = "In what year were the Code for Unplanned Encounters at Sea guidelines established?"
    completion = client.chat.completions.create(model="article-qa", messages=[{"role": "user", "content": question}])
    text = completion.choices[0].message.content
    assert "2014" in text and "[" in text
    extra = completion.model_extra or {}
    assert extra["citations"] and extra["grounded"] is True
    stream = client.chat.completions.create(
        model="article-qa-extractive", stream=True,
        messages=[{"role": "user", "content": "Who hosted a retreat in rural Virginia?"}])
    chunks = list(stream)
    assert "Kurt Campbell" in "".join(c.choices[0].delta.content or "" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_gradio_client_chat(server):
    from gradio_client import Client

    client = Client(f"{server}/", verbose=False)
    question = "When were the Code for Unplanned Encounters at Sea guidelines established?"
    answer = client.predict(question, [], "extractive", 5, 0.0, api_name="/chat")
    assert "2014" in answer["answer"] and answer["citations"] and answer["status"] == "grounded"


def test_gradio_client_chat_follow_up_with_content_parts(server):
    """Gradio 6 sends message contents as lists of parts; the history must still reach the pipeline."""
    from gradio_client import Client

    client = Client(f"{server}/", verbose=False)
    history = [{"role": "user", "content": [{"type": "text", "text": "Who hosted a retreat in rural Virginia?"}]},
               {"role": "assistant", "content": [{"type": "text", "text": "Kurt Campbell hosted it [1]."}]}]
    alone = client.predict("who was he?", [], "extractive", 5, 0.0, api_name="/chat")
    follow_up = client.predict("who was he?", history, "extractive", 5, 0.0, api_name="/chat")
    assert alone["status"] == "refused" and follow_up["status"] != "refused"


def test_gradio_client_evaluate_tab(server):
    from gradio_client import Client

    summary, report = Client(f"{server}/", verbose=False).predict(None, "extractive", 4, api_name="/evaluate")
    assert "| hit@1 |" in summary and "4 questions" in summary and "target" in summary
    assert "Worst questions" in report and "<iframe" not in report  # shown once, inline
