"""Sentence-transformers embedder producing normalised vectors, with a progress bar for big inputs."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext

import numpy as np

from qa.compute import compute
from qa.errors import ModelError
from qa.models import resolve_embed_model

log = logging.getLogger(__name__)
# A question (or a few short texts) is embedded on one core: its matrices are too small to gain from a
# second thread, and OpenMP's hand-over between two threads costs more than the work once the CPUs are
# busy (README, "Speed and memory"). Bigger batches use every thread.
ONE_THREAD_MAX_TEXTS = 8


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """torch on one thread for the block, then back; only ever used on the compute thread, the one
    thread that runs torch work, so no other computation sees the change. Costs about 30 µs."""
    import torch

    threads = torch.get_num_threads()
    if threads > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if threads > 1:
            torch.set_num_threads(threads)


class SentenceTransformerEmbedder:
    """Wraps one loaded `SentenceTransformer`; `model_id` is what the index manifest records."""

    def __init__(self, model: str, batch_size: int = 64, progress_threshold: int = 256,
                 cache_size: int = 20_000) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        resolved = resolve_embed_model(model)
        try:
            self.model = compute.run(SentenceTransformer, resolved.location, device="cpu")
        except (OSError, ValueError) as err:
            raise ModelError(f"Cannot load embedding model '{model}': {err}") from None
        self.model_id = resolved.name
        self.description = resolved.describe()
        self.dimension = int(self.model.get_embedding_dimension() or 0)
        self.batch_size = batch_size
        # Passage sentences are embedded again for every question about them (evidence ranking and
        # verification); a bounded LRU of vectors makes those repeats free.
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        # short requests waiting for the compute thread: (texts, where their vectors go)
        self.pending: list[tuple[list[str], Future[np.ndarray]]] = []  # read-only outside this class
        self.pending_lock = threading.Lock()
        self.progress_threshold = progress_threshold
        log.info("Embedding model: %s", self.description)

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._cache_lock:
            found = {t: self._cache[t] for t in set(texts) if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            if len(missing) >= self.progress_threshold:  # bulk (indexing): one call, with a progress bar
                vectors = compute.run(self.encode_now, missing, show_progress)
            else:
                vectors = self._encode_with_others(missing)
            fresh = dict(zip(missing, vectors, strict=True))
            found.update(fresh)
            if len(missing) <= self._cache_size // 4:  # bulk indexing would only flush the cache
                with self._cache_lock:
                    self._cache.update(fresh)
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return np.ascontiguousarray(np.stack([found[t] for t in texts]), dtype=np.float32)

    def encode_now(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Encode on the calling thread, with no cache and no batching with others (call it on the
        compute thread: `compute.run(embedder.encode_now, texts)`)."""
        with _one_torch_thread() if len(texts) <= ONE_THREAD_MAX_TEXTS else nullcontext():
            vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=show_progress)
        return np.asarray(vectors, dtype=np.float32)

    def _encode_with_others(self, texts: list[str]) -> np.ndarray:
        """Queue `texts` for the compute thread; requests that arrive while it is busy are encoded
        together in one batch (fewer, larger model calls under load)."""
        waiting: Future[np.ndarray] = Future()
        with self.pending_lock:
            self.pending.append((texts, waiting))
            first = len(self.pending) == 1
        if first:
            compute.submit(self._encode_pending)
        return waiting.result()

    def _encode_pending(self) -> None:
        with self.pending_lock:
            batch, self.pending = self.pending, []
        union = list(dict.fromkeys(t for texts, _ in batch for t in texts))
        try:
            vectors = dict(zip(union, self.encode_now(union), strict=True))
        except Exception:  # one caller's bad text must not fail the others: encode each caller alone
            for texts, waiting in batch:
                try:
                    waiting.set_result(self.encode_now(texts))
                except BaseException as err:
                    waiting.set_exception(err)
            return
        for texts, waiting in batch:
            waiting.set_result(np.stack([vectors[t] for t in texts]))
