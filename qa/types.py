"""Core value types shared by indexing, retrieval, generation and the front ends."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A source document; `text` is the exact text that all offsets point into."""

    doc_id: str
    title: str
    text: str
    source: str = ""
    checksum: str = ""


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) in one document."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A window of whole sentences; invariant: `document.text[start:end] == text`."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    sentences: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score, rank (1-based) and the retrievers that found it."""

    chunk: Chunk
    score: float
    rank: int
    retrievers: tuple[str, ...] = ()
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class Citation:
    """A `[n]` marker resolved to the exact source sentence(s) it rests on."""

    n: int
    doc_id: str
    chunk_id: str
    start: int
    end: int
    quote: str
    support: float = 0.0


@dataclass(frozen=True)
class Turn:
    """One previous message of a conversation."""

    role: str
    content: str


@dataclass(frozen=True)
class Answer:
    """A finished answer: text with `[n]` markers, their citations and how it was checked."""

    answer: str
    citations: tuple[Citation, ...]
    grounded: bool
    refused: bool
    generator: str
    model: str
    hits: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    query: str = ""
    draft: str = ""  # what the generator wrote before verification
