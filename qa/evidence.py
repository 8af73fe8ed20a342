"""Score the sentences of retrieved passages against a question: the basis of extractive answers,
of the answerability gate and of attaching citations to uncited answer sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.protocols import Embedder
from qa.text import content_terms, coverage
from qa.types import Hit, Span

SIMILARITY_WEIGHT = 0.6
COVERAGE_WEIGHT = 0.4


@dataclass(frozen=True)
class Evidence:
    """One source sentence from passage `n` (1-based), scored against the question."""

    n: int
    hit: Hit
    span: Span
    text: str
    similarity: float
    coverage: float

    @property
    def score(self) -> float:
        return SIMILARITY_WEIGHT * self.similarity + COVERAGE_WEIGHT * self.coverage


def passage_sentences(hits: Sequence[Hit]) -> list[tuple[int, Hit, Span, str]]:
    """(n, hit, span, text) for each distinct sentence, attributed to the first passage holding it."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        for span in c.sentences:
            key = (c.doc_id, span.start, span.end)
            if key in seen:
                continue
            seen.add(key)
            out.append((n, hit, span, c.text[span.start - c.start:span.end - c.start]))
    return out


def rank_evidence(question: str, hits: Sequence[Hit], embedder: Embedder) -> list[Evidence]:
    """All passage sentences, best evidence for `question` first."""
    sents = passage_sentences(hits)
    if not sents:
        return []
    vectors = embedder.encode([question] + [s[3] for s in sents])
    sims = vectors[1:] @ vectors[0]
    terms = content_terms(question)
    scored = [Evidence(n, hit, span, text, float(sim), coverage(terms, text))
              for (n, hit, span, text), sim in zip(sents, np.asarray(sims), strict=True)]
    return sorted(scored, key=lambda e: (-e.score, e.n, e.span.start))
