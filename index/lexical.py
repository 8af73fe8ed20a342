"""Lexical BM25 search with bm25s (English stop words, Snowball stemming)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lowercased, stop-word-free, stemmed tokens of each text."""
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(),
                          return_ids=False, show_progress=False)


class LexicalIndex:
    """A BM25 index whose rows line up with the chunk list."""

    def __init__(self, model: bm25s.BM25 | None, size: int) -> None:
        self.model = model
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        if not texts:
            return cls(None, 0)
        model = bm25s.BM25()
        model.index(bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), show_progress=False),
                    show_progress=False)
        return cls(model, len(texts))

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, BM25 score) pairs with a positive score, best first."""
        k = min(k, self.size)
        tokens = tokenize([query])
        if self.model is None or k <= 0 or not tokens[0]:
            return []
        rows, scores = self.model.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]

    @property
    def vocabulary(self) -> set[str]:
        """Every indexed (stemmed) term."""
        return set(self.model.vocab_dict) if self.model is not None else set()

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        if size == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(directory), show_progress=False), size)
