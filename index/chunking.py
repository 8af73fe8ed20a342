"""Sentence-aware chunking: windows of whole sentences inside one paragraph, with exact offsets."""

from __future__ import annotations

from dataclasses import dataclass

from qa.index.sentences import paragraphs, sentences

from qa.types import Chunk, Document


@dataclass(frozen=True)
class ChunkingOptions:
    """How documents are cut; stored in the index manifest so a mismatch can be detected."""

    sentences_per_chunk: int = 2
    overlap: int = 1
    max_sentence_chars: int = 1500

    def __post_init__(self) -> None:
        if self.sentences_per_chunk < 1:
            raise ValueError("sentences_per_chunk must be at least 1")
        if not 0 <= self.overlap < self.sentences_per_chunk:
            raise ValueError("overlap must be between 0 and sentences_per_chunk - 1")


def chunk_document(doc: Document, options: ChunkingOptions = ChunkingOptions()) -> list[Chunk]:
    """Cut a document into overlapping windows of sentences; each paragraph is chunked on its own."""
    chunks: list[Chunk] = []
    stride = options.sentences_per_chunk - options.overlap
    for para in paragraphs(doc.text):
        sents = sentences(doc.text, para, options.max_sentence_chars)
        starts = range(0, max(len(sents) - options.overlap, 1), stride)
        for first in starts:
            window = tuple(sents[first:first + options.sentences_per_chunk])
            if not window:
                continue
            start, end = window[0].start, window[-1].end
            chunks.append(Chunk(
                chunk_id=f"{doc.doc_id}:{len(chunks)}",
                doc_id=doc.doc_id,
                text=doc.text[start:end],
                start=start,
                end=end,
                sentences=window,
            ))
    return chunks
