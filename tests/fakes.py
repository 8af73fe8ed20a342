"""Small deterministic stand-ins for unit tests of the logic around the models."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

import numpy as np

from qa.protocols import GenerationRequest


class HashingEmbedder:
    """Bag-of-words hashed into a fixed number of dimensions, L2-normalised."""

    def __init__(self, dimension: int = 64, model_id: str = "test/hashing") -> None:
        self.dimension = dimension
        self.model_id = model_id

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


class ScriptedGenerator:
    """Streams a fixed answer word by word, recording the requests it was given."""

    name = "scripted"
    model = "scripted-test"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.requests: list[GenerationRequest] = []

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        self.requests.append(request)
        for i, word in enumerate(self.answer.split(" ")):
            yield word if i == 0 else " " + word
