"""The `qa` command line, run as a real subprocess (as users run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def qa(*args: str, env_index=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if env_index:
        env["QA_INDEX_DIR"] = str(env_index)
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_build_info_search_json(tmp_path):
    index = tmp_path / "idx"
    built = qa("index", "build", "--index", str(index))
    assert built.returncode == 0, built.stderr
    assert "Indexed 1 document(s)" in built.stderr and "packaged copy" in built.stderr
    info = json.loads(qa("index", "info", "--json", env_index=index).stdout)
    assert info["documents"][0]["doc_id"] == "south-korea-japan-security-ties"
    result = qa("search", "Who hosted the retreat in rural Virginia?", "--k", "3", "--json", env_index=index)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert set(hits[0]) >= {"rank", "score", "doc_id", "chunk_id", "start", "end", "text"}
    assert "Kurt Campbell" in hits[0]["text"]
    for streamed in ("--stream", "--no-stream"):
        asked = qa("ask", "Who hosted the retreat in rural Virginia?", "--generator", "extractive", streamed,
                   env_index=index)
        assert asked.returncode == 0, asked.stderr
        # the answer once (streamed or not), then its status in words (not swallowed as markup)
        assert asked.stdout.count("Kurt Campbell hosted") == 2  # the answer, and its citation's quote
        assert "(grounded)" in asked.stdout and "[1] south-korea-japan-security-ties" in asked.stdout


def test_errors_are_one_line_with_nonzero_exit(tmp_path):
    missing = qa("search", "anything", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2
    assert "No index found" in missing.stderr and "Traceback" not in missing.stderr
    bad = qa("index", "build", str(tmp_path / "nope.txt"), "--index", str(tmp_path / "i"))
    assert bad.returncode == 2 and "No such file" in bad.stderr
