"""Atomic on-disk layout: each save writes a new version folder, then swaps the CURRENT pointer.

A reader sees either the old index or the new one, never a half-written mix; old versions are pruned.
Writers in any process serialise on one file lock (`writer_lock`) and apply their change to the newest version.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as LockTimeout

from qa.errors import IndexCorruptError, IndexWriteError

POINTER = "CURRENT"
LOCK_FILE = ".writer.lock"
LOCK_WAIT_S = 300.0  # a writer waits this long for another one (a big build) before giving up
VERSION_NAME = re.compile(r"v-[A-Za-z0-9._-]+")


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


def current_name(root: Path) -> str | None:
    """The version name CURRENT holds (a cheap read), or None when there is no index."""
    try:
        raw = (root / POINTER).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise IndexCorruptError(f"The index pointer at '{root / POINTER}' is unreadable ({err.strerror}).") from None
    try:
        name = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        name = ""
    if not VERSION_NAME.fullmatch(name):
        raise IndexCorruptError(f"The index pointer '{root / POINTER}' does not name a version.")
    return name


def current_version(root: Path) -> Path | None:
    """The folder CURRENT points at, or None when there is no index."""
    name = current_name(root)
    return root / name if name else None


@contextmanager
def writer_lock(root: Path, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the index's cross-process writer lock (released by the OS if the holder dies, even by kill -9).

    Leftover staging folders of writers that died are removed once the lock is held."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(root / LOCK_FILE), timeout=wait_s)
        lock.acquire()
    except LockTimeout:
        raise IndexWriteError(f"Another writer has held the index at '{root}' for over {wait_s:.0f} s; "
                              "try again later.") from None
    except OSError as err:
        raise IndexWriteError(f"Cannot write the index at '{root}' ({err.strerror or err}).") from None
    try:
        for leftover in root.glob(".staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield
    finally:
        lock.release()


def write_version(root: Path, fill: Callable[[Path], None], keep: int = 2) -> Path:
    """Create a new version folder with `fill(folder)`, publish it atomically, prune old ones.

    A failed write (disk full, read-only folder) leaves the previous version in place and raises
    `IndexWriteError`."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    except OSError as err:
        raise IndexWriteError(f"Cannot write the index at '{root}' ({err.strerror or err}).") from None
    name = ""
    try:
        fill(staging)
        name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{staging.name[-6:]}"
        os.replace(staging, root / name)
        atomic_write_text(root / POINTER, name + "\n")
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if name:  # moved into place but never published
            shutil.rmtree(root / name, ignore_errors=True)
        if isinstance(err, OSError):
            raise IndexWriteError(f"Cannot write the index at '{root}' ({err.strerror or err}); "
                                  "the previous version is unchanged.") from None
        raise
    _prune(root, keep=keep, current=name)
    return root / name


def _prune(root: Path, keep: int, current: str) -> None:
    versions = sorted((p for p in root.glob("v-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in versions[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
