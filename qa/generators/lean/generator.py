"""The transformers backend: a causal LM run in-process on the CPU, on the process's compute thread.

Generation is serialised (one model, one request at a time). Llama-architecture models decode with
the lean decoder over packed weights; other architectures go through transformers' generate().
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from qa.compute import compute
from qa.errors import ModelError
from qa.generators.lean.decoder import LlamaDecoder, supports
from qa.generators.lean.loading import load_model, pack_weights
from qa.models import resolve_gen_model
from qa.protocols import GenerationRequest

log = logging.getLogger(__name__)


class TransformersGenerator:
    """Greedy (or sampled, with temperature > 0) streaming generation with a chat template.
    `tokenizer` and `lm` are the loaded transformers objects."""

    name = "transformers"

    def __init__(self, model: str, cache_dir: Path = Path(".qa/cache"), threads: int = 0,
                 quantize: str = "auto", decoder: str = "auto") -> None:
        import torch

        if threads:
            compute.run(torch.set_num_threads, threads)
        resolved = resolve_gen_model(model)
        self.model = resolved.name
        self._lock = threading.Lock()
        self.tokenizer, self.lm = compute.run(load_model, resolved, cache_dir)
        precision = compute.run(pack_weights, self.lm, quantize)
        self._eos_ids = eos_ids(self.tokenizer, self.lm)
        self.decoder = compute.run(LlamaDecoder, self.lm) if decoder == "auto" and supports(self.lm) else None
        loop = "lean decoder" if self.decoder else "generate()"
        self.description = f"{resolved.describe()} ({precision}; {loop})"
        log.info("Generator model: %s", self.description)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield text as it is decoded. Closing the iterator early (a client that went away) stops
        generation at the next token and frees the model for the next request."""
        inputs = self.tokenizer.apply_chat_template(
            list(request.messages), add_generation_prompt=True, return_tensors="pt", return_dict=True)

        def produce(emit: Callable[[str], None], stop: threading.Event) -> None:
            _seed(request.seed)
            streamer = _text_emitter(self.tokenizer, emit)
            if self.decoder is not None:
                self._decode(self.decoder, inputs["input_ids"], request, streamer, stop)
            else:
                self._generate(inputs, request, streamer, stop)

        with self._lock:
            try:
                yield from compute.stream(produce)
            except Exception as err:
                raise ModelError(f"Generation failed: {type(err).__name__}: {err}") from None

    def _decode(self, decoder: LlamaDecoder, input_ids: Any, request: GenerationRequest, streamer: Any,
                stop: threading.Event) -> None:
        """The lean decoder: token ids go to the streamer one by one."""
        import torch

        streamer.put(input_ids)  # the streamer skips the prompt
        for token in decoder.tokens(input_ids, request.max_new_tokens, self._eos_ids,
                                    sample=sampler(request.temperature, request.top_p), stop=stop):
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
                                      pad_token_id=self.tokenizer.eos_token_id, cache_implementation="static",
                                      stopping_criteria=StoppingCriteriaList([BetweenTokens()]))
        if request.temperature > 0:
            kwargs.update(do_sample=True, temperature=request.temperature, top_p=request.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        self.lm.generate(**kwargs)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])


def sampler(temperature: float, top_p: float) -> Callable[[Any, Any], Any] | None:
    """None for greedy decoding; else a function (scores, ids) -> next id drawing with temperature
    and top-p, as generate() does (from torch's global generator: seed it for reproducible draws)."""
    if temperature <= 0:
        return None
    import torch
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopPLogitsWarper

    warpers = LogitsProcessorList([TemperatureLogitsWarper(temperature), TopPLogitsWarper(top_p)])
    return lambda scores, ids: torch.multinomial(torch.softmax(warpers(ids, scores), dim=-1), 1)[:, 0]


def eos_ids(tokenizer: Any, model: Any) -> set[int]:
    """Every id that ends an answer: the generation config's and the tokenizer's."""
    configured = model.generation_config.eos_token_id
    ids = set(configured if isinstance(configured, list) else [configured] if configured is not None else [])
    return ids | ({tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set())


def _text_emitter(tokenizer: Any, emit: Callable[[str], None]) -> Any:
    """A transformers streamer (it skips the prompt) that hands each finished piece of text to `emit`."""
    from transformers import TextStreamer

    class Emitter(TextStreamer):
        def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
            if text:
                emit(text)

    return Emitter(tokenizer, skip_prompt=True, skip_special_tokens=True)


def _seed(seed: int | None) -> None:
    if seed is not None:
        import torch

        torch.manual_seed(seed)
