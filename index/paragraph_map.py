"""Which paragraph each chunk row of a store sits in, worked out once per store and kept while it lives.

Chunking never crosses a paragraph, and a document's chunks are consecutive rows in text order, so a
paragraph is a run of rows: `first[row]:last[row]` are the rows of that row's paragraph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from qa.index.derived import derived
from qa.index.lexical import LexicalIndex
from qa.index.sentences import _PARAGRAPH_BREAK
from qa.index.store import IndexStore


@dataclass(frozen=True)
class ParagraphMap:
    """`para[row]`: paragraph number; `first[row]`, `last[row]`: its rows are first..last-1."""

    para: np.ndarray
    first: np.ndarray
    last: np.ndarray
    _lexical: list[LexicalIndex] = field(default_factory=list, repr=False, compare=False)

    def lexical(self, store: IndexStore) -> LexicalIndex:
        """BM25 over whole paragraphs (row i = paragraph i) of `store` (the one mapped), built on first use."""
        with _LOCK:
            if not self._lexical:
                heads = np.flatnonzero(np.r_[True, self.para[1:] != self.para[:-1]]) if len(self.para) else []
                chunks = store.chunks
                texts = [store.documents[chunks[a].doc_id].text[chunks[a].start:chunks[b - 1].end]
                         for a, b in ((int(h), int(self.last[h])) for h in heads)]
                self._lexical.append(LexicalIndex.build(texts))
            return self._lexical[0]


_LOCK = threading.Lock()  # guards the lazily built paragraph BM25 of a map


def paragraph_map(store: IndexStore) -> ParagraphMap:
    """The store's map, computed on first use (about a microsecond a chunk) and dropped with the store."""
    return derived(store, _build)


def _build(store: IndexStore) -> ParagraphMap:
    n = len(store.chunks)
    para = np.zeros(n, dtype=np.int64)
    current = -1
    previous = None
    for row, chunk in enumerate(store.chunks):
        if previous is None or chunk.doc_id != previous.doc_id or previous.start > chunk.start or (
                _PARAGRAPH_BREAK.search(store.documents[chunk.doc_id].text, previous.start, chunk.end)):
            current += 1
        para[row] = current
        previous = chunk
    starts = np.flatnonzero(np.r_[True, para[1:] != para[:-1]]) if n else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], n] if n else starts
    return ParagraphMap(para, starts[para], ends[para])
