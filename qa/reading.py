"""The extractive reader applied to retrieved passages: each of the best hits is read with its whole
paragraph, and the best span comes back with the stored sentence that holds it (exact offsets)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from qa.index.derived import derived
from qa.index.store import IndexStore
from qa.protocols import SpanReader
from qa.types import Chunk, Hit, Span

MAX_PASSAGE_CHARS = 2000  # a longer paragraph is read in a window of this size around the hit


@dataclass(frozen=True)
class Reading:
    """The reader's best span over the passages: `document.text[start:end] == text`, inside `sentence`
    of `chunk` (a stored chunk); `hit` is the passage it was read from; `margin` > 0 means the reader
    prefers this span to "the passage does not say"."""

    text: str
    doc_id: str
    start: int
    end: int
    margin: float
    sentence: Span
    chunk: Chunk
    hit: Hit

    @property
    def sentence_text(self) -> str:
        lo = self.chunk.start
        return self.chunk.text[self.sentence.start - lo:self.sentence.end - lo]


def passage_bounds(text: str, start: int, end: int, max_chars: int = MAX_PASSAGE_CHARS) -> tuple[int, int]:
    """The paragraph (text between blank lines) around [start, end), cut to `max_chars` around it."""
    lo = text.rfind("\n\n", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", end)
    hi = len(text) if hi < 0 else hi
    if hi - lo > max_chars:
        spare = max(0, max_chars - (end - start)) // 2
        lo, hi = max(lo, start - spare), min(hi, end + spare)
    return lo, max(hi, end)


def read(reader: SpanReader, question: str, hits: Sequence[Hit], store: IndexStore, depth: int) -> Reading | None:
    """Read the paragraphs of the first `depth` hits; the span with the best margin, or None."""
    passages: list[str] = []
    sources: list[tuple[Hit, int]] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits[:depth]:
        doc = store.documents.get(hit.chunk.doc_id)
        if doc is None:
            continue
        lo, hi = passage_bounds(doc.text, hit.chunk.start, hit.chunk.end)
        if (doc.doc_id, lo) in seen:
            continue
        seen.add((doc.doc_id, lo))
        passages.append(doc.text[lo:hi])
        sources.append((hit, lo))
    found = [(s, src) for s, src in zip(reader.read(question, passages), sources, strict=True) if s is not None]
    for span, (hit, lo) in sorted(found, key=lambda f: -f[0].margin):
        start, end = lo + span.start, lo + span.end
        located = sentence_at(store, hit.chunk.doc_id, start)
        if located is None:
            continue
        chunk, sentence = located
        end = min(end, sentence.end)
        text = store.documents[hit.chunk.doc_id].text[start:end].strip()
        if not text:
            continue
        start = store.documents[hit.chunk.doc_id].text.index(text, start)
        return Reading(text, hit.chunk.doc_id, start, start + len(text), span.margin, sentence, chunk, hit)
    return None


class _SentenceIndex:
    """Per document: its chunks' starts in order, to find the stored sentence holding an offset."""

    def __init__(self, store: IndexStore) -> None:
        self.by_doc: dict[str, tuple[list[int], list[Chunk]]] = {}
        for chunk in store.chunks:
            starts, chunks = self.by_doc.setdefault(chunk.doc_id, ([], []))
            starts.append(chunk.start)
            chunks.append(chunk)

    def find(self, doc_id: str, offset: int) -> tuple[Chunk, Span] | None:
        starts, chunks = self.by_doc.get(doc_id, ([], []))
        i = bisect.bisect_right(starts, offset)
        for chunk in reversed(chunks[max(0, i - 3):i]):  # overlapping chunks: the last few may hold it
            for sentence in chunk.sentences:
                if sentence.start <= offset < sentence.end:
                    return chunk, sentence
        return None


def sentence_at(store: IndexStore, doc_id: str, offset: int) -> tuple[Chunk, Span] | None:
    """A stored chunk and its sentence holding `offset` of the document (None between sentences)."""
    return derived(store, _SentenceIndex).find(doc_id, offset)
