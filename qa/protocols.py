"""Interfaces of the swappable parts: the embedder, the span reader and the generator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from qa.config import Settings
from qa.reader import ReaderSpan
from qa.types import Hit

_DEFAULTS = Settings.model_fields


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...


@runtime_checkable
class SpanReader(Protocol):
    """Marks the answer to a question in each passage, with a no-answer score (see `ReaderSpan`)."""

    def read(self, question: str, passages: Sequence[str]) -> list[ReaderSpan | None]: ...


@dataclass(frozen=True)
class GenerationRequest:
    """What a generator gets: the question, the numbered passages and the prompt built from them."""

    question: str
    passages: tuple[Hit, ...]
    messages: tuple[dict[str, str], ...]
    max_new_tokens: int = _DEFAULTS["max_new_tokens"].default
    temperature: float = _DEFAULTS["temperature"].default
    top_p: float = 0.95  # nucleus cut-off when sampling (temperature > 0)
    seed: int | None = None  # makes sampling reproducible; None draws fresh


@runtime_checkable
class Generator(Protocol):
    """Produces answer text (with `[n]` markers) as a stream of text deltas."""

    name: str
    model: str

    def stream(self, request: GenerationRequest) -> Iterator[str]: ...
