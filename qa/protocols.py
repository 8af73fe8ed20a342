"""Interfaces of the swappable parts: embedder, retriever and generator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from qa.types import Hit


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...


@runtime_checkable
class Retriever(Protocol):
    """Finds the chunks most relevant to a query, best first."""

    def search(self, query: str, k: int) -> list[Hit]: ...


@dataclass(frozen=True)
class GenerationRequest:
    """What a generator gets: the question, the numbered passages and the prompt built from them."""

    question: str
    passages: tuple[Hit, ...]
    messages: tuple[dict[str, str], ...]
    max_new_tokens: int = 160
    temperature: float = 0.0


@runtime_checkable
class Generator(Protocol):
    """Produces answer text (with `[n]` markers) as a stream of text deltas."""

    name: str
    model: str

    def stream(self, request: GenerationRequest) -> Iterator[str]: ...
