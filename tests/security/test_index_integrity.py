"""Issue 11 item 11 (damaged index files and a full disk end in one clear message, exit 2 / JSON 503, the
previous index intact) and item 9 (writers in several processes, kill -9 among them, lose no acknowledged
document). The server here may write files of at most 256 KB (RLIMIT_FSIZE): a stand-in for a full disk."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from qa.index.store import IndexStore

from tests.security.conftest import ARTICLE_ID, qa_cli, start_server

pytestmark = pytest.mark.slow
FILE_LIMIT = 256 * 1024


def limit_file_size(limit: int = FILE_LIMIT):  # type: ignore[no-untyped-def]
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: EFBIG


def many_sentences(n: int) -> bytes:
    return " ".join(f"Fact number {i} concerns harbour {i * 7} and river {i * 13}." for i in range(n)).encode()


@pytest.fixture(scope="module")
def writers(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("writers"), preexec_fn=limit_file_size()) as server:
        yield server


@pytest.fixture(scope="module")
def index_copy(writers, tmp_path_factory):
    def copy(name: str):  # type: ignore[no-untyped-def]
        target = tmp_path_factory.mktemp("copies") / name
        shutil.copytree(writers.index, target, ignore=shutil.ignore_patterns(".writer.lock"))
        return target
    return copy


def damage(index, case: str) -> None:  # type: ignore[no-untyped-def]
    if case == "binary-current":
        (index / "CURRENT").write_bytes(b"\xff\xfe\x00\x81garbage")
        return
    manifest = index / (index / "CURRENT").read_text().strip() / "manifest.json"
    data = json.loads(manifest.read_text())
    if case == "manifest-array":
        data = [data]
    else:
        data["files"] = [] if case == "files-list" else None
    manifest.write_text(json.dumps(data))


def test_damaged_index_gives_one_line_and_exit_2(writers, index_copy):
    cases = ["files-list", "files-null", "manifest-array", "binary-current"]
    running = {}
    for case in cases:
        index = index_copy(case)
        damage(index, case)
        running[case] = subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "info", "--index", str(index)],
                                         env=writers.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for case, proc in running.items():
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (case, err[-1500:])
        assert "Traceback" not in err and "qa index build" in err and len(err.strip().splitlines()) == 1, (case, err)


def test_full_disk_cli_one_line_exit_2_index_intact(writers, index_copy, tmp_path):
    index = index_copy("cli-full")
    big = tmp_path / "big.txt"
    big.write_bytes(many_sentences(30))  # 53 chunks: vectors.npy outgrows 48 KB (the article alone: 35 KB)
    result = qa_cli("index", "add", str(big), "--index", str(index), env=writers.env,
                    preexec_fn=limit_file_size(48 * 1024))
    assert result.returncode == 2, result.stderr[-1500:]
    assert "Traceback" not in result.stderr and "unchanged" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert set(IndexStore.load(index).documents) == {ARTICLE_ID}


def test_full_disk_server_503_index_intact(writers):
    files = {"file": ("big.txt", many_sentences(200))}
    response = httpx.post(f"{writers.base}/v1/documents", files=files, timeout=120)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["type"] == "index_write_error"
    assert "unchanged" in response.json()["error"]["message"]
    assert [d["doc_id"] for d in httpx.get(f"{writers.base}/v1/documents").json()] == [ARTICLE_ID]
    assert set(IndexStore.load(writers.index).documents) == {ARTICLE_ID}


def test_kill_9_among_concurrent_writers_loses_no_acknowledged_document(writers, tmp_path):
    """Last in this module: it ends with kill -9 of the server itself. Each round starts two `qa index add`
    (the victim first), pauses the server's uploads, kills the victim with -9 as soon as a save is half-way
    (most likely its own), then lets server uploads run beside the other CLI writer."""
    acknowledged: set[str] = set()
    stop, web_paused = threading.Event(), threading.Event()

    def upload_through_server() -> None:
        for i in range(12):
            while web_paused.is_set() and not stop.is_set():
                time.sleep(0.05)
            if stop.wait(0.8):
                return
            note = {"file": (f"web-{i}.txt", f"Web note {i} on ports.".encode())}
            try:
                r = httpx.post(f"{writers.base}/v1/documents", files=note, timeout=60)
            except httpx.HTTPError:
                return  # the server was killed
            if r.status_code == 201:
                acknowledged.add(r.json()["doc_id"])

    def cli_add(stem: str) -> subprocess.Popen:
        path = tmp_path / f"{stem}.txt"
        path.write_text(f"Command line note {stem} about rivers.")
        return subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "add", str(path)], env=writers.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    web = threading.Thread(target=upload_through_server)
    web.start()
    for round_ in range(2):
        web_paused.set()
        time.sleep(1.0)  # an upload in flight finishes
        victim = cli_add(f"victim-{round_}")
        time.sleep(1.5)
        procs = {f"victim-{round_}": victim, f"cli-{round_}": cli_add(f"cli-{round_}")}
        while victim.poll() is None and not any(writers.index.glob(".staging-*")):
            time.sleep(0.002)
        victim.send_signal(signal.SIGKILL)
        web_paused.clear()
        for stem, proc in procs.items():
            if proc.wait(timeout=300) == 0:
                acknowledged.add(stem)
    time.sleep(1.0)
    os.kill(writers.proc.pid, signal.SIGKILL)  # mid-upload, most likely
    stop.set()
    web.join()

    store = IndexStore.load(writers.index)  # loads, and holds every acknowledged document
    missing = acknowledged - set(store.documents)
    assert not missing, f"acknowledged but lost: {sorted(missing)}"
    assert ARTICLE_ID in store.documents and {"cli-0", "cli-1"} <= acknowledged
