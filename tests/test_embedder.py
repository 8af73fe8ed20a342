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
    alone = {q: embedder.encode_now([q])[0] for q in fresh}
    calls: list[int] = []
    real_encode = embedder.model.encode

    def counting_encode(texts, **kwargs):
        calls.append(len(texts))
        return real_encode(texts, **kwargs)

    monkeypatch.setattr(embedder.model, "encode", counting_encode)
    release = threading.Event()
    blocker = compute.submit(release.wait, 10)  # keep the compute thread busy while requests arrive
    with ThreadPoolExecutor(len(fresh)) as clients:
        futures = [clients.submit(embedder.encode, [q]) for q in fresh]
        while len(embedder.pending) < len(fresh):
            threading.Event().wait(0.01)
        release.set()
        results = [f.result(timeout=30) for f in futures]
    blocker.result()
    assert calls == [len(fresh)]
    for q, vectors in zip(fresh, results, strict=True):
        assert vectors.shape == (1, embedder.dimension)
        assert np.allclose(vectors[0], alone[q], atol=1e-5)


def test_a_short_request_runs_on_one_torch_thread_and_restores_the_count(embedder, monkeypatch):
    import torch

    from qa.embedder import ONE_THREAD_MAX_TEXTS

    seen: list[int] = []
    real_encode = embedder.model.encode

    def recording_encode(texts, **kwargs):
        seen.append(torch.get_num_threads())
        return real_encode(texts, **kwargs)

    before = compute.run(torch.get_num_threads)
    question = "Who hosted the retreat? (one-thread test)"
    monkeypatch.setattr(embedder.model, "encode", recording_encode)
    short = embedder.encode([question])
    batch = compute.run(embedder.encode_now, [question] + [f"filler {i}" for i in range(ONE_THREAD_MAX_TEXTS)])
    assert seen == [1, before]
    assert compute.run(torch.get_num_threads) == before
    assert np.allclose(short[0], batch[0], atol=1e-5)
