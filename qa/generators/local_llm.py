"""The transformers backend: a causal LM (HF id, local dir or GGUF file) run in-process on the CPU.

GGUF weights are de-quantised by transformers on first load, then saved under the cache folder so
later starts load plain safetensors. Generation is serialised (one model, one request at a time)
and runs on the process's compute thread; Llama-architecture models decode with the lean decoder.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.compute import compute
from qa.errors import ModelError
from qa.generators.llama_decode import LlamaDecoder, supports
from qa.models import ResolvedModel, resolve_gen_model
from qa.protocols import GenerationRequest

log = logging.getLogger(__name__)


class TransformersGenerator:
    """Greedy (or sampled, with temperature > 0) streaming generation with a chat template."""

    name = "transformers"

    def __init__(self, model: str, cache_dir: Path = Path(".qa/cache"), threads: int = 0,
                 quantize: str = "auto", decoder: str = "auto") -> None:
        import torch

        if threads:
            compute.run(torch.set_num_threads, threads)
        resolved = resolve_gen_model(model)
        self.model = resolved.name
        self._lock = threading.Lock()
        self._tokenizer, self._model = compute.run(_load, resolved, cache_dir)
        precision = compute.run(_pack, self._model, quantize)
        self._eos_ids = _eos_ids(self._tokenizer, self._model)
        self._decoder = compute.run(LlamaDecoder, self._model) if decoder == "auto" and supports(self._model) else None
        loop = "lean decoder" if self._decoder else "generate()"
        self.description = f"{resolved.describe()} ({precision}; {loop})"
        log.info("Generator model: %s", self.description)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield text as it is decoded. Closing the iterator early (a client that went away) stops
        generation at the next token and frees the model for the next request."""
        from transformers import TextIteratorStreamer

        stop = threading.Event()
        inputs = self._tokenizer.apply_chat_template(
            list(request.messages), add_generation_prompt=True, return_tensors="pt", return_dict=True)
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=300)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                if self._decoder is not None:
                    self._decode(inputs["input_ids"], request, streamer, stop)
                else:
                    self._generate(inputs, request, streamer, stop)
            except BaseException as err:  # surfaced to the caller below
                errors.append(err)
                streamer.end()

        with self._lock:
            done = compute.submit(run)
            try:
                yield from (text for text in streamer if text)
            finally:
                stop.set()
                done.result()
        if errors:
            raise ModelError(f"Generation failed: {type(errors[0]).__name__}: {errors[0]}")

    def _decode(self, input_ids: Any, request: GenerationRequest, streamer: Any, stop: threading.Event) -> None:
        """The lean decoder: token ids go to the streamer one by one."""
        import torch

        assert self._decoder is not None
        streamer.put(input_ids)  # the streamer skips the prompt
        for token in self._decoder.tokens(input_ids, request.max_new_tokens, self._eos_ids,
                                          sample=_sampler(request.temperature), stop=stop):
            streamer.put(torch.tensor([token]))
            compute.run_pending()  # e.g. another client's question waiting to be embedded
        streamer.end()

    def _generate(self, inputs: Any, request: GenerationRequest, streamer: Any, stop: threading.Event) -> None:
        """transformers' generate(), for architectures the lean decoder does not walk."""
        from transformers import StoppingCriteria, StoppingCriteriaList

        class BetweenTokens(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                compute.run_pending()
                return stop.is_set()

        kwargs: dict[str, Any] = dict(**inputs, streamer=streamer, max_new_tokens=request.max_new_tokens,
                                      pad_token_id=self._tokenizer.eos_token_id, cache_implementation="static",
                                      stopping_criteria=StoppingCriteriaList([BetweenTokens()]))
        if request.temperature > 0:
            kwargs.update(do_sample=True, temperature=request.temperature, top_p=0.95)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        self._model.generate(**kwargs)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])


def _sampler(temperature: float) -> Any:
    """None for greedy decoding; else a function drawing the next id with temperature and top-p 0.95,
    as generate() does."""
    if temperature <= 0:
        return None
    import torch
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopPLogitsWarper

    warpers = LogitsProcessorList([TemperatureLogitsWarper(temperature), TopPLogitsWarper(0.95)])
    return lambda scores, ids: torch.multinomial(torch.softmax(warpers(ids, scores), dim=-1), 1)[:, 0]


def _eos_ids(tokenizer: Any, model: Any) -> set[int]:
    configured = model.generation_config.eos_token_id
    ids = set(configured if isinstance(configured, list) else [configured] if configured is not None else [])
    return ids | ({tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set())


def _pack(model: Any, quantize: str) -> str:
    """Apply the weight packing `quantize` asks for; returns a description of the precision."""
    from qa.generators.packing import is_int4_exact, pack_model

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
