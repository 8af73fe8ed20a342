"""The transformers backend: a causal LM (HF id, local dir or GGUF file) run in-process on the CPU.

GGUF weights are de-quantised by transformers on first load, then saved under the cache folder so
later starts load plain safetensors. Generation is serialised: one model, one request at a time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from qa.errors import ModelError
from qa.models import ResolvedModel, resolve_gen_model
from qa.protocols import GenerationRequest

log = logging.getLogger(__name__)


class TransformersGenerator:
    """Greedy (or sampled, with temperature > 0) streaming generation with a chat template."""

    name = "transformers"

    def __init__(self, model: str, cache_dir: Path = Path(".qa/cache"), threads: int = 0,
                 quantize: str = "auto") -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        resolved = resolve_gen_model(model)
        self.model = resolved.name
        self._lock = threading.Lock()
        # one long-lived thread runs every generation, so torch reuses one OpenMP team
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-generate")
        self._tokenizer, self._model = _load(resolved, cache_dir)
        precision = _pack(self._model, quantize)
        self.description = f"{resolved.describe()} ({precision})"
        log.info("Generator model: %s", self.description)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield text as it is decoded. Closing the iterator early (a client that went away) stops
        generation at the next token and frees the model for the next request."""
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        stop = threading.Event()

        class StopWhenAbandoned(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return stop.is_set()

        inputs = self._tokenizer.apply_chat_template(
            list(request.messages), add_generation_prompt=True, return_tensors="pt", return_dict=True)
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=300)
        kwargs: dict[str, Any] = dict(**inputs, streamer=streamer, max_new_tokens=request.max_new_tokens,
                                      pad_token_id=self._tokenizer.eos_token_id, cache_implementation="static",
                                      stopping_criteria=StoppingCriteriaList([StopWhenAbandoned()]))
        if request.temperature > 0:
            kwargs.update(do_sample=True, temperature=request.temperature, top_p=0.95)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                self._model.generate(**kwargs)
            except BaseException as err:  # surfaced to the caller below
                errors.append(err)
                streamer.end()

        with self._lock:
            done = self._worker.submit(run)
            try:
                yield from (text for text in streamer if text)
            finally:
                stop.set()
                done.result()
        if errors:
            raise ModelError(f"Generation failed: {type(errors[0]).__name__}: {errors[0]}")

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])


def _pack(model: Any, quantize: str) -> str:
    """Apply the weight packing `quantize` asks for; returns a description of the precision."""
    from qa.generators.packing import is_int4_exact, pack_model

    scheme = quantize
    if scheme == "auto":  # int4 only where it is lossless: weights that came from a Q4 GGUF
        scheme = "int4" if is_int4_exact(model) else "none"
    if scheme == "none":
        return "float32"
    if scheme == "int4" and not is_int4_exact(model):
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


def _load(resolved: ResolvedModel, cache_dir: Path) -> tuple[Any, Any]:
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


def _save_converted(tokenizer: Any, model: Any, target: Path) -> None:
    """Save de-quantised weights atomically (temp folder, then rename); a failure only costs speed."""
    import shutil
    import tempfile

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
