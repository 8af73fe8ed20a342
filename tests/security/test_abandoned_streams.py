"""Issue 11 item 5: a client that leaves a stream stops its generation, so the model (one lock, one compute
thread) is free for the next answer; SIGTERM ends the server within seconds even mid-stream.

Uses the transformers generator: it is the backend with the lock that an abandoned stream used to keep."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.security.conftest import start_server

pytestmark = pytest.mark.slow
QUESTION = "Who hosted a retreat in rural Virginia?"


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("llm"), generator="transformers", max_new_tokens=48,
                      shutdown_timeout_s=2) as server:
        yield server


def open_stream(base: str, path: str, body: dict) -> socket.socket:
    url = urlparse(base)
    payload = json.dumps(body).encode()
    sock = socket.create_connection((url.hostname, url.port), timeout=120)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
    return sock


def read_until(sock: socket.socket, marker: bytes) -> bytes:
    received = b""
    while marker not in received:
        chunk = sock.recv(4096)
        assert chunk, f"connection closed before {marker!r}: {received[:300]!r}"
        received += chunk
    return received


@pytest.mark.parametrize(("path", "body", "marker"), [
    ("/v1/ask/stream", {"question": QUESTION}, b"event: token"),
    ("/v1/chat/completions", {"model": "article-qa", "stream": True,
                              "messages": [{"role": "user", "content": QUESTION}]}, b"chat.completion.chunk"),
])
def test_abandoned_stream_frees_the_model(llm_server, path, body, marker):
    sock = open_stream(llm_server.base, path, body)
    read_until(sock, marker)  # generation is under way (it holds the model) ...
    sock.close()  # ... and the client leaves
    started = time.perf_counter()
    answer = httpx.post(f"{llm_server.base}/v1/ask", json={"question": QUESTION}, timeout=150)
    assert answer.status_code == 200, answer.text
    assert answer.json()["generator"] == "transformers" and not answer.json()["refused"]
    assert time.perf_counter() - started < 120


def test_sigterm_ends_the_server_mid_stream(llm_server):
    """Last in this module: the server goes away."""
    streaming = open_stream(llm_server.base, "/v1/ask/stream", {"question": QUESTION})
    waiting = open_stream(llm_server.base, "/v1/ask/stream", {"question": QUESTION})
    read_until(streaming, b"event: token")
    started = time.perf_counter()
    os.kill(llm_server.proc.pid, signal.SIGTERM)
    llm_server.proc.wait(timeout=20)
    assert time.perf_counter() - started < 12
    streaming.close()
    waiting.close()
