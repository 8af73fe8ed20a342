"""Atomic on-disk layout: each save writes a new version folder, then swaps the CURRENT pointer.

A reader sees either the old index or the new one, never a half-written mix; old versions are pruned.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

POINTER = "CURRENT"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_version(root: Path) -> Path | None:
    """The folder CURRENT points at, or None when there is no index."""
    pointer = root / POINTER
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return root / name if name else None


def write_version(root: Path, fill: Callable[[Path], None], keep: int = 2) -> Path:
    """Create a new version folder with `fill(folder)`, publish it atomically, prune old ones."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    try:
        fill(staging)
        name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{staging.name[-6:]}"
        final = root / name
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    atomic_write_text(root / POINTER, name + "\n")
    _prune(root, keep=keep, current=name)
    return final


def _prune(root: Path, keep: int, current: str) -> None:
    versions = sorted((p for p in root.glob("v-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in versions[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
