"""Hybrid retrieval: FAISS (dense) and BM25 (lexical) candidates fused by weighted reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qa.index.store import IndexStore

from qa.protocols import Embedder
from qa.types import Hit


@dataclass(frozen=True)
class FusionOptions:
    """How many candidates each retriever contributes and how their ranks are weighed."""

    candidates: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0


def reciprocal_rank_fusion(rankings: dict[str, list[int]], weights: dict[str, float],
                           rrf_k: int) -> list[tuple[int, float, tuple[str, ...]]]:
    """Fuse ranked row lists: score(row) = sum over retrievers of weight / (rrf_k + rank).

    Returns (row, score, retrievers that found it), best first; ties keep the lower row first.
    """
    scores: dict[int, float] = {}
    found: dict[int, list[str]] = {}
    for name, rows in rankings.items():
        for rank, row in enumerate(rows, start=1):
            scores[row] = scores.get(row, 0.0) + weights.get(name, 1.0) / (rrf_k + rank)
            found.setdefault(row, []).append(name)
    order = sorted(scores, key=lambda r: (-scores[r], r))
    return [(row, scores[row], tuple(found[row])) for row in order]


class HybridRetriever:
    """Searches one `IndexStore` snapshot; cheap to create, so a new store gets a new retriever."""

    def __init__(self, store: IndexStore, embedder: Embedder, options: FusionOptions = FusionOptions()):
        self.store = store
        self.embedder = embedder
        self.options = options

    def search(self, query: str, k: int) -> list[Hit]:
        if not self.store.chunks or not query.strip():
            return []
        opts = self.options
        qvec = self.embedder.encode([query])[0]
        dense = self.store.dense.search(qvec, opts.candidates)
        lexical = self.store.lexical.search(query, opts.candidates)
        fused = reciprocal_rank_fusion(
            {"dense": [r for r, _ in dense], "bm25": [r for r, _ in lexical]},
            {"dense": opts.dense_weight, "bm25": opts.lexical_weight},
            opts.rrf_k,
        )
        bm25_scores = dict(lexical)
        hits = []
        for rank, (row, score, names) in enumerate(fused[:k], start=1):
            hits.append(Hit(
                chunk=self.store.chunks[row],
                score=score,
                rank=rank,
                retrievers=names,
                dense_score=float(np.dot(self.store.vectors[row], qvec)),
                lexical_score=bm25_scores.get(row),
            ))
        return hits
