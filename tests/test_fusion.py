"""Reciprocal rank fusion and the hybrid retriever's use of both retrievers."""

from __future__ import annotations

import itertools

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
    options = FusionOptions(candidates=5, rrf_k=10, dense_weight=1.0, lexical_weight=2.0,
                            paragraph_lexical_weight=0.0, diverse=False)  # plain chunk fusion
    hits = HybridRetriever(store, fake_embedder, options).search("zanzibar", 3)
    assert hits[0].chunk.text == "Zanzibar cloves are famous."
    assert hits[0].retrievers == ("dense", "bm25") and hits[0].lexical_score and hits[0].lexical_score > 0
    # only the first chunk holds the word: first for both retrievers (1/11 + 2/11); the other two are
    # found by the dense retriever alone, tied at cosine 0, at ranks 2 and 3
    assert [h.score for h in hits] == pytest.approx([3 / 11, 1 / 12, 1 / 13])
    assert [h.rank for h in hits] == [1, 2, 3] and all(h.retrievers == ("dense",) for h in hits[1:])
    assert {h.chunk.text for h in hits[1:]} == {"The weather is warm.", "Paint dries slowly."}
    assert HybridRetriever(store, fake_embedder).search("   ", 3) == []


PARAGRAPHS = ("Zanzibar cloves grow well. Zanzibar traders sell cloves. Zanzibar ships carry cloves.\n\n"
              "Pemba also grows Zanzibar cloves. The harbour is busy.\n\n"
              "Paint dries slowly on cold days.")


def test_fusion_defaults_come_from_settings():
    from qa.config import Settings

    settings = Settings()
    assert FusionOptions() == FusionOptions.from_settings(settings)
    assert FusionOptions().rrf_k == settings.rrf_k and FusionOptions().dense_weight == settings.dense_weight
    assert FusionOptions.from_settings(settings.override(candidates=3), k=8).candidates == 8


def test_paragraph_map_follows_blank_lines(fake_embedder):
    from qa.index.paragraph_map import paragraph_map

    docs = [Document("a", "t", PARAGRAPHS, "", "x"), Document("b", "t", "One line. Two lines.", "", "y")]
    store = IndexStore.build(docs, fake_embedder, ChunkingOptions(2, 1))
    paras = paragraph_map(store)
    texts = [c.text for c in store.chunks]
    assert texts[0].startswith("Zanzibar cloves grow") and texts[2].startswith("Pemba")
    assert list(paras.para) == [0, 0, 1, 2, 3]
    assert (list(paras.first), list(paras.last)) == ([0, 0, 2, 3, 4], [2, 2, 3, 4, 5])
    assert paragraph_map(store) is paras  # computed once per store


def test_hits_come_from_distinct_paragraphs_and_a_touching_neighbour_joins_its_hit(fake_embedder):
    docs = [Document("a", "t", PARAGRAPHS, "", "x")]
    store = IndexStore.build(docs, fake_embedder, ChunkingOptions(2, 1))
    plain = HybridRetriever(store, fake_embedder, FusionOptions(diverse=False)).search("zanzibar cloves", 3)
    assert [h.chunk.chunk_id for h in plain] == ["a:0", "a:1", "a:2"]  # two overlapping chunks of paragraph 1
    hits = HybridRetriever(store, fake_embedder, FusionOptions(diverse=True)).search("zanzibar cloves", 3)
    assert [h.chunk.chunk_id for h in hits] == ["a:0+1", "a:2", "a:3"]
    first = hits[0].chunk
    assert first.text == PARAGRAPHS[first.start:first.end] == PARAGRAPHS.split("\n\n")[0]
    assert len(first.sentences) == 3 and [h.rank for h in hits] == [1, 2, 3]
    for i, a in enumerate(hits):  # no two hits overlap
        for b in hits[i + 1:]:
            assert not (a.chunk.start < b.chunk.end and b.chunk.start < a.chunk.end)


def test_one_paragraph_fills_k_with_chunks_that_touch_no_hit(fake_embedder):
    text = "Alpha one is here. Beta two is here. Gamma three is here. Delta four is here. Epsilon five is here."
    store = IndexStore.build([Document("a", "t", text, "", "x")], fake_embedder, ChunkingOptions(1, 0))
    hits = HybridRetriever(store, fake_embedder, FusionOptions(diverse=True)).search("alpha here", 5)
    assert 2 <= len(hits) <= 3
    spans = sorted((h.chunk.start, h.chunk.end) for h in hits)
    assert all(b[0] > a[1] + 1 for a, b in itertools.pairwise(spans))  # none touch another


def test_paragraph_bm25_rows_are_whole_paragraphs_and_lift_their_chunks(fake_embedder):
    from qa.index.paragraph_map import paragraph_map

    text = ("Crowds come every winter. The Zanzibar festival fills the old town.\n\n"
            "Crowds come every winter. The weather is mild then.")
    store = IndexStore.build([Document("a", "t", text, "", "x")], fake_embedder, ChunkingOptions(1, 0))
    paras = paragraph_map(store)
    query = "when do crowds come for the festival"
    assert [p for p, _ in paras.lexical(store).search(query, 5)] == [0, 1]  # the first names the festival
    assert paras.lexical(store) is paras.lexical(store)  # built once

    def first_crowds(weight: float) -> int:
        options = FusionOptions(paragraph_lexical_weight=weight, diverse=False)
        hits = HybridRetriever(store, fake_embedder, options).search(query, 4)
        return next(h.chunk.start for h in hits if h.chunk.text == "Crowds come every winter.")

    assert first_crowds(0.0) > 0  # on chunks alone the other copy of the sentence wins the tie
    assert first_crowds(5.0) == 0  # weighed strongly, its paragraph (which names the festival) wins
