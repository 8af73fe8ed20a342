"""The OpenAI-compatible backend: any server speaking /v1/chat/completions (vLLM, llama.cpp, Ollama)."""

from __future__ import annotations

from collections.abc import Iterator

from qa.errors import ModelError
from qa.protocols import GenerationRequest


class OpenAIGenerator:
    """Streams chat completions from `base_url` with the official `openai` client."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str, timeout_s: float = 120.0) -> None:
        from openai import OpenAI

        self.model = model
        self.base_url = base_url
        self._client = OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout_s, max_retries=1)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        import openai

        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=list(request.messages),  # type: ignore[arg-type]
                max_tokens=request.max_new_tokens,
                temperature=request.temperature,
                top_p=request.top_p,
                seed=request.seed,
                stream=True,
            )
            for chunk in response:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIError as err:
            raise ModelError(f"The OpenAI-compatible server at {self.base_url} failed: "
                             f"{type(err).__name__}: {getattr(err, 'message', err)}") from None
