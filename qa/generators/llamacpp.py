"""The llamacpp backend: a GGUF model run in-process by llama.cpp (the `[llamacpp]` extra).

The fallback for architectures the lean decoder does not walk and for torch versions outside the
tested range. It runs on the compute thread, like torch work: both use OpenMP thread teams.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from qa.compute import compute
from qa.errors import ModelError
from qa.models import resolve_gen_model
from qa.protocols import GenerationRequest

log = logging.getLogger(__name__)


class LlamaCppGenerator:
    """Greedy (temperature 0) or sampled streaming chat completion with the GGUF's own chat template."""

    name = "llamacpp"

    def __init__(self, model: str, threads: int = 0) -> None:
        resolved = resolve_gen_model(model)
        if resolved.gguf_file is None:
            raise ModelError(f"The llamacpp generator needs a .gguf model file; '{model}' is not one.")
        try:
            import llama_cpp
        except ImportError:
            raise ModelError("The llamacpp generator needs llama-cpp-python: "
                             "pip install 'qa-article-chatbot[llamacpp]'.") from None
        self.model = resolved.name
        self._lock = threading.Lock()
        path = f"{resolved.location}/{resolved.gguf_file}"
        try:  # n_ctx=0: the context length the model was trained with
            self._llm = compute.run(llama_cpp.Llama, model_path=path, n_ctx=0, n_threads=threads or None,
                                    verbose=False)
        except ValueError as err:
            raise ModelError(f"llama.cpp cannot load '{resolved.name}': {err}") from None
        self.description = f"{resolved.describe()} (llama.cpp {llama_cpp.__version__})"
        log.info("Generator model: %s", self.description)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield text as it is decoded; closing the iterator early stops generation at the next token."""

        def produce(emit: Callable[[str], None], stop: threading.Event) -> None:
            chunks = self._llm.create_chat_completion(
                list(request.messages), max_tokens=request.max_new_tokens, temperature=request.temperature,
                top_p=request.top_p, top_k=0, min_p=0.0, seed=request.seed, stream=True)  # as generate() samples
            try:
                for chunk in chunks:
                    emit(_delta(chunk))
                    compute.run_pending()  # e.g. another client's question waiting to be embedded
                    if stop.is_set():
                        return
            finally:
                chunks.close()

        with self._lock:
            try:
                yield from (text for text in compute.stream(produce) if text)
            except (ValueError, RuntimeError) as err:
                raise ModelError(f"Generation failed: {type(err).__name__}: {err}") from None

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode(), add_bos=False, special=False))


def _delta(chunk: Any) -> str:
    return chunk["choices"][0]["delta"].get("content") or ""
