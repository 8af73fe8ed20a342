"""Sentence-transformers embedder producing normalised vectors, with a progress bar for big inputs."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from qa.errors import ModelError
from qa.models import resolve_embed_model

log = logging.getLogger(__name__)


class SentenceTransformerEmbedder:
    """Wraps one loaded `SentenceTransformer`; `model_id` is what the index manifest records."""

    def __init__(self, model: str, batch_size: int = 64, progress_threshold: int = 256) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        resolved = resolve_embed_model(model)
        try:
            self._model = SentenceTransformer(resolved.location, device="cpu")
        except (OSError, ValueError) as err:
            raise ModelError(f"Cannot load embedding model '{model}': {err}") from None
        self.model_id = resolved.name
        self.description = resolved.describe()
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.batch_size = batch_size
        self.progress_threshold = progress_threshold
        log.info("Embedding model: %s", self.description)

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress and len(texts) >= self.progress_threshold,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
