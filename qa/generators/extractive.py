"""The extractive backend: no language model; the answer is the best evidence sentence(s), verbatim."""

from __future__ import annotations

from collections.abc import Iterator

from qa.compose import verbatim
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
        evidence = best_evidence(ranked)
        if evidence:
            yield verbatim(evidence)
