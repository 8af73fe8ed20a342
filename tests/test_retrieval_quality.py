"""Acceptance: hybrid search puts the evidence passage at rank 1 for >= 90% of the eval set, top 3 for >= 97%."""

from __future__ import annotations

import json

import pytest

from qa.conversation import retrieval_query
from qa.types import Turn
from tests.conftest import EVAL_SET

pytestmark = pytest.mark.slow


def test_evidence_passage_rank(pipeline):
    text = pipeline.documents()[0].text
    rows = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["answers"] and r.get("evidence")]  # one exact evidence quote each
    assert len(rows) >= 40
    first = top3 = 0
    for row in rows:
        start = text.index(row["evidence"])
        end = start + len(row["evidence"])
        history = [Turn(**t) for t in row.get("history", [])]
        hits = pipeline.search(retrieval_query(row["question"], history), 5)
        ranks = [h.rank for h in hits if h.chunk.start <= start and end <= h.chunk.end]
        first += bool(ranks) and ranks[0] == 1
        top3 += bool(ranks) and ranks[0] <= 3
    assert first / len(rows) >= 0.90, f"rank-1 rate {first / len(rows):.3f}"
    assert top3 / len(rows) >= 0.97, f"top-3 rate {top3 / len(rows):.3f}"


def test_embedding_cache_returns_the_same_vectors(embedder):
    import numpy as np

    texts = ["Kurt Campbell hosted a retreat.", "A brand-new sentence about cache behaviour 7391.",
             "Kurt Campbell hosted a retreat."]
    first = embedder.encode(texts)
    again = embedder.encode(texts[::-1])
    assert first.shape == (3, embedder.dimension)
    assert np.allclose(first[0], first[2]) and np.allclose(first[::-1], again, atol=1e-6)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
