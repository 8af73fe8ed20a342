"""The real packaged embedder: requests that wait for the compute thread are encoded as one batch."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from qa.compute import compute

pytestmark = pytest.mark.slow

QUESTIONS = ["Who hosted the retreat?", "When was the summit held?", "What did the ministers agree?",
             "Where is Campbell's farm?", "Why did the destroyer use radar?"]


def test_waiting_requests_share_one_model_call_and_get_their_own_vectors(embedder, monkeypatch):
    fresh = [f"{q} (batch test)" for q in QUESTIONS]  # not in the embedder's cache yet
    alone = {q: embedder._encode_now([q])[0] for q in fresh}
    calls: list[int] = []
    real_encode = embedder._model.encode

    def counting_encode(texts, **kwargs):
        calls.append(len(texts))
        return real_encode(texts, **kwargs)

    monkeypatch.setattr(embedder._model, "encode", counting_encode)
    release = threading.Event()
    blocker = compute.submit(release.wait, 10)  # keep the compute thread busy while requests arrive
    with ThreadPoolExecutor(len(fresh)) as clients:
        futures = [clients.submit(embedder.encode, [q]) for q in fresh]
        while len(embedder._pending) < len(fresh):
            threading.Event().wait(0.01)
        release.set()
        results = [f.result(timeout=30) for f in futures]
    blocker.result()
    assert calls == [len(fresh)]
    for q, vectors in zip(fresh, results, strict=True):
        assert vectors.shape == (1, embedder.dimension)
        assert np.allclose(vectors[0], alone[q], atol=1e-5)
