"""The extractive backend: no language model; the answer is the best evidence sentence(s), verbatim."""

from __future__ import annotations

from collections.abc import Iterator

from qa.evidence import rank_evidence
from qa.protocols import Embedder, GenerationRequest

SECOND_SENTENCE_RATIO = 0.90


class ExtractiveGenerator:
    """Answers with the top-scoring sentence, plus the runner-up when it scores nearly as well."""

    name = "extractive"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.model = f"extractive ({embedder.model_id})"

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        ranked = rank_evidence(request.question, request.passages, self.embedder)
        if not ranked:
            return
        chosen = [ranked[0]]
        if len(ranked) > 1 and ranked[1].score >= SECOND_SENTENCE_RATIO * ranked[0].score:
            chosen.append(ranked[1])
        chosen.sort(key=lambda e: (e.hit.chunk.doc_id, e.span.start))
        for i, ev in enumerate(chosen):
            sentence = ev.text.strip()
            tagged = f"{sentence[:-1]} [{ev.n}]{sentence[-1]}" if sentence[-1:] in ".!?" else f"{sentence} [{ev.n}]"
            yield ("" if i == 0 else " ") + tagged
