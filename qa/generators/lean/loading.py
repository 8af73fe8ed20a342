"""Load a causal LM for the lean backend (HF id, local dir or GGUF file) and pack its weights.

GGUF weights are de-quantised by transformers on first load, then saved under the cache folder so
later starts load plain safetensors.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from qa.errors import ModelError
from qa.models import ResolvedModel

log = logging.getLogger(__name__)


def load_model(resolved: ResolvedModel, cache_dir: Path) -> tuple[Any, Any]:
    """(tokenizer, model in eval mode, float32); a GGUF is converted once and cached."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        if resolved.gguf_file is None:
            tokenizer = AutoTokenizer.from_pretrained(resolved.location)
            model = AutoModelForCausalLM.from_pretrained(resolved.location, dtype="float32")
            return tokenizer, model.eval()
        cached = _cache_path(resolved, cache_dir)
        if (cached / "config.json").is_file():
            log.info("Loading converted weights from %s", cached)
            tokenizer = AutoTokenizer.from_pretrained(cached)
            return tokenizer, AutoModelForCausalLM.from_pretrained(cached, dtype="float32").eval()
        tokenizer = AutoTokenizer.from_pretrained(resolved.location, gguf_file=resolved.gguf_file)
        model = AutoModelForCausalLM.from_pretrained(resolved.location, gguf_file=resolved.gguf_file,
                                                     dtype="float32").eval()
        _save_converted(tokenizer, model, cached)
        return tokenizer, model
    except (OSError, ValueError) as err:
        raise ModelError(f"Cannot load generator model '{resolved.name}': {err}") from None


def pack_weights(model: Any, quantize: str) -> str:
    """Apply the weight packing `quantize` asks for; returns a description of the precision."""
    from qa.generators.lean.packing import is_int4_exact, pack_model

    exact = quantize in ("auto", "int4") and is_int4_exact(model)  # checks every layer: do it once
    scheme = quantize
    if scheme == "auto":  # int4 only where it is lossless: weights that came from a Q4 GGUF
        scheme = "int4" if exact else "none"
    if scheme == "none":
        return "float32"
    if scheme == "int4" and not exact:
        log.warning("These weights are not 4-bit already: int4 packing rounds them (answers may change).")
    try:
        pack_model(model, scheme)
    except RuntimeError as err:  # e.g. layer sizes the packed kernels do not support
        raise ModelError(f"Cannot pack the generator weights to {scheme}: {err}") from None
    exact = " (lossless: the GGUF's own 4-bit blocks)" if scheme == "int4" and quantize == "auto" else ""
    return f"{scheme} weights{exact}, bfloat16 activations"


def _cache_path(resolved: ResolvedModel, cache_dir: Path) -> Path:
    source = Path(resolved.location) / (resolved.gguf_file or "")
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir / "models" / f"{Path(resolved.gguf_file or 'model').stem}-{key}"


def _save_converted(tokenizer: Any, model: Any, target: Path) -> None:
    """Save de-quantised weights atomically (temp folder, then rename); a failure only costs speed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
    try:
        # the weights are plain float32 now; drop the GGUF marker so transformers will save them
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        staging.rename(target)
    except (OSError, ValueError) as err:
        log.warning("Could not cache converted weights at %s: %s", target, err)
        shutil.rmtree(staging, ignore_errors=True)
