"""Dense vector search with FAISS: exact inner product for small corpora, HNSW for large ones."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128


def choose_kind(requested: str, count: int, threshold: int) -> str:
    """'flat' or 'hnsw': 'auto' picks HNSW once the corpus reaches `threshold` chunks."""
    if requested == "auto":
        return "hnsw" if count >= threshold else "flat"
    return requested


class DenseIndex:
    """A FAISS index over normalised vectors (cosine similarity = inner product)."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str) -> DenseIndex:
        dim = vectors.shape[1]
        if kind == "hnsw":
            index: faiss.Index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, kind)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, cosine) pairs, best first."""
        k = min(k, self.index.ntotal)
        if k <= 0:
            return []
        scores, rows = self.index.search(query.reshape(1, -1).astype(np.float32), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        index = faiss.read_index(str(path))
        if kind == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, kind)
