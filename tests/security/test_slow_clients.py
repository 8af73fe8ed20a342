"""Issue 11 item 8: slow clients are cut off (headers and body each have a deadline; 2 s on this server)."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import pytest

from tests.security.conftest import AUTH

pytestmark = pytest.mark.slow


def connect(base: str) -> socket.socket:
    url = urlparse(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    sock.settimeout(0.5)
    return sock


def closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> tuple[bool, bytes]:
    """Drip a byte every 0.5 s until the server closes the connection (True) or `seconds` pass."""
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if drip:
                sock.sendall(drip)
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


def test_slow_headers_are_cut(secured):
    sock = connect(secured.base)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    closed, _ = closed_within(sock, 15, drip=b"X")
    assert closed and time.monotonic() - started < 8
    sock.close()


def test_idle_connection_is_cut(secured):
    sock = connect(secured.base)
    closed, _ = closed_within(sock, 15)
    assert closed
    sock.close()


def test_slow_body_is_cut_with_408(secured):
    sock = connect(secured.base)
    auth = AUTH["Authorization"].encode()
    sock.sendall(b"POST /v1/search HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
                 b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\": ")
    started = time.monotonic()
    closed, received = closed_within(sock, 15, drip=b" ")
    assert closed and time.monotonic() - started < 8
    assert received.startswith(b"HTTP/1.1 408"), received[:200]
    sock.close()
