"""Real `qa serve` processes on loopback for the security suite; each module starts the one it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_ready

KEY = "test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
ARTICLE_ID = "south-korea-japan-security-ties"


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    index: Path
    log: Path
    env: dict


def server_env(index: Path, **settings: object) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update({"HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(index), "QA_GENERATOR": "extractive"})
    env.update({f"QA_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def qa_cli(*args: str, env: dict, preexec_fn: Callable[[], None] | None = None,
           timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, preexec_fn=preexec_fn)


@contextmanager
def start_server(tmp: Path, preexec_fn: Callable[[], None] | None = None, **settings: object) -> Iterator[Server]:
    """`qa serve` on a free port with its own index (built by the server on first start)."""
    port = free_port()
    env = server_env(tmp / "index", **settings)
    log = tmp / "server.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        try:
            wait_ready(proc, f"{base}/readyz", log, 300, "qa serve")
            yield Server(base, proc, tmp / "index", log, env)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def secured(tmp_path_factory) -> Iterator[Server]:
    """A server with an API key, short slow-client timeouts and a raised question limit (extractive)."""
    with start_server(tmp_path_factory.mktemp("secured"), api_key=KEY, header_timeout_s=2, body_timeout_s=2,
                      max_question_chars=3000, max_upload_bytes=2_000_000, max_pdf_pages=50) as server:
        yield server
