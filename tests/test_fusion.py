"""Reciprocal rank fusion and the hybrid retriever's use of both retrievers."""

from __future__ import annotations

import pytest
from qa.index.chunking import ChunkingOptions
from qa.index.hybrid import FusionOptions, HybridRetriever, reciprocal_rank_fusion
from qa.index.store import IndexStore

from qa.types import Document


def test_rrf_scores_by_hand():
    fused = reciprocal_rank_fusion({"dense": [3, 1], "bm25": [1, 2]}, {"dense": 1.0, "bm25": 2.0}, rrf_k=10)
    scores = {row: score for row, score, _ in fused}
    assert scores[1] == pytest.approx(1 / 12 + 2 / 11)
    assert scores[3] == pytest.approx(1 / 11)
    assert scores[2] == pytest.approx(2 / 12)
    assert [row for row, _, _ in fused] == [1, 2, 3]
    assert dict((r, n) for r, _, n in fused)[1] == ("dense", "bm25")


def test_rrf_ties_are_stable():
    fused = reciprocal_rank_fusion({"a": [5], "b": [2]}, {}, rrf_k=60)
    assert [row for row, _, _ in fused] == [2, 5]


def test_hybrid_finds_lexical_only_match_and_reports_retrievers(fake_embedder):
    docs = [Document("d", "t", "Zanzibar cloves are famous. The weather is warm.\n\nPaint dries slowly.", "", "x")]
    store = IndexStore.build(docs, fake_embedder, ChunkingOptions(1, 0))
    options = FusionOptions(candidates=5, rrf_k=10, dense_weight=1.0, lexical_weight=2.0)
    hits = HybridRetriever(store, fake_embedder, options).search("zanzibar", 3)
    assert hits[0].chunk.text == "Zanzibar cloves are famous."
    assert hits[0].retrievers == ("dense", "bm25") and hits[0].lexical_score and hits[0].lexical_score > 0
    # only the first chunk holds the word: first for both retrievers (1/11 + 2/11); the other two are
    # found by the dense retriever alone, tied at cosine 0, at ranks 2 and 3
    assert [h.score for h in hits] == pytest.approx([3 / 11, 1 / 12, 1 / 13])
    assert [h.rank for h in hits] == [1, 2, 3] and all(h.retrievers == ("dense",) for h in hits[1:])
    assert {h.chunk.text for h in hits[1:]} == {"The weather is warm.", "Paint dries slowly."}
    assert HybridRetriever(store, fake_embedder).search("   ", 3) == []
