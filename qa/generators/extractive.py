"""The extractive backend: no language model; the answer is the best evidence sentence(s), verbatim."""

from __future__ import annotations

from collections.abc import Iterator

from qa.evidence import best_evidence, rank_evidence
from qa.protocols import Embedder, GenerationRequest


class ExtractiveGenerator:
    """Answers with the top-scoring sentence, plus the runner-up when it scores nearly as well."""

    name = "extractive"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.model = f"extractive ({embedder.model_id})"

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        ranked = rank_evidence(request.question, request.passages, self.embedder)
        for i, ev in enumerate(best_evidence(ranked)):
            sentence = ev.text.strip()
            tagged = f"{sentence[:-1]} [{ev.n}]{sentence[-1]}" if sentence[-1:] in ".!?" else f"{sentence} [{ev.n}]"
            yield ("" if i == 0 else " ") + tagged
