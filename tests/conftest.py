"""Shared fixtures: real packaged models loaded once per session, fakes for unit tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from qa.index.ingest import load_path

from qa.corpus import default_corpus_paths
from qa.types import Document
from tests.fakes import HashingEmbedder

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "qa" / "data" / "questions.jsonl"


@pytest.fixture(scope="session")
def article() -> Document:
    return load_path(default_corpus_paths()[0])


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def embedder():
    """The real packaged all-MiniLM-L6-v2, loaded once."""
    from qa.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("sentence-transformers/all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def article_index(tmp_path_factory, embedder):
    """The default article indexed with the real embedder, saved under a temp dir."""
    from qa.config import Settings
    from qa.pipeline import build_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("index"))
    build_index(settings, embedder, default_corpus_paths())
    return settings


@pytest.fixture(scope="session")
def pipeline(article_index, embedder):
    """The shared pipeline over the default article (generators load lazily)."""
    from qa.pipeline import Pipeline

    return Pipeline.open(article_index, embedder=embedder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(proc: subprocess.Popen, ready_url: str, log_path: Path, timeout_s: float, name: str) -> None:
    """Wait until `ready_url` answers 200; fail with the log's tail if the process exits or time runs out."""
    deadline = time.time() + timeout_s
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{name} exited: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.time() > deadline:
            pytest.fail(f"{name} did not become ready; see {log_path}")
        time.sleep(0.5)


@contextmanager
def running_server(cmd: list[str], ready_url: str, log_path: Path, env: dict | None = None,
                   timeout_s: float = 180) -> Iterator[None]:
    """Start a server process (output to a log file: a pipe could fill up and block it), wait until
    `ready_url` answers 200, and stop it afterwards."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            wait_ready(proc, ready_url, log_path, timeout_s, cmd[2])
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`qa serve` with the extractive generator as default (fast), on a free loopback port."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("server")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(tmp / "index"), "QA_GENERATOR": "extractive",
           "QA_FEEDBACK_PATH": str(tmp / "feedback.jsonl"), "QA_MAX_UPLOAD_BYTES": "20000"}
    env.pop("QA_API_KEY", None)
    base = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], f"{base}/readyz",
                        tmp / "server.log", env):
        yield base
