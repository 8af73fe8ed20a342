"""The wheel: one import root (`qa`) holding every package and data file; installed into a fresh
virtualenv, its `qa serve` answers over HTTP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, running_server

INSTALLED_AS = {"qa": "qa", "index": "qa/index", "ui": "qa/ui"}  # repository folder -> place in the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built with pip from a copy of the files git would commit (so no build/ lands in the checkout)."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"], capture_output=True,
                            text=True, check=False)
    if listed.returncode != 0:
        pytest.skip("needs a git checkout to list the source files")
    source = tmp_path_factory.mktemp("source")
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(dist), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    return next(dist.glob("*.whl"))


def test_the_wheel_installs_one_top_level_package_qa(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert len(dist_info) == 1 and top - dist_info == {"qa"}
    packages = [p.parent.relative_to(ROOT) for folder in INSTALLED_AS for p in (ROOT / folder).rglob("__init__.py")]
    assert len(packages) >= 6
    for package in packages:
        folder, *rest = package.parts
        assert "/".join([INSTALLED_AS[folder], *rest, "__init__.py"]) in names, f"{package} is not in the wheel"
    assert {"qa/data/questions.jsonl", "qa/data/south-korea-japan-security-ties.txt",
            "qa/data/reader/reader.safetensors", "qa/data/reader/reader.json"} <= set(names)
    assert "qa/generators/lean/decoder.py" in names


@pytest.mark.slow
def test_the_installed_wheel_serves_from_a_fresh_virtualenv(wheel, tmp_path, monkeypatch):
    """The venv reaches the dependencies already installed here through a .pth line (no download);
    the product itself comes from the wheel only: the checkout is neither on the path nor the cwd."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                                str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr[-2000:]
    monkeypatch.chdir(tmp_path)
    where = subprocess.run([str(python), "-c", "import qa, qa.index, qa.ui; print(qa.__file__, qa.index.__file__)"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(path).is_relative_to(purelib) for path in where), where

    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_GENERATOR": "extractive", "QA_INDEX_DIR": str(tmp_path / "index"),
           "QA_CACHE_DIR": str(tmp_path / "cache"), "QA_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl")}
    base = f"http://127.0.0.1:{port}"
    with running_server([str(venv / "bin" / "qa"), "serve", "--port", str(port)], f"{base}/readyz",
                        tmp_path / "server.log", env):
        assert httpx.get(f"{base}/readyz").json()["chunks"] > 0
        answer = httpx.post(f"{base}/v1/ask", json={"question": "Who hosted a retreat in rural Virginia?"},
                            timeout=60).json()
    assert answer["generator"] == "extractive" and not answer["refused"]
    assert "Kurt Campbell" in answer["answer"] and answer["citations"]
