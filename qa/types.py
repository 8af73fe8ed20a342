"""Core value types shared by indexing, retrieval, generation and the front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


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
    """A `[n]` marker resolved to the exact source sentence it rests on: `source[start:end] == quote`.

    In a finished `Answer`, `n` numbers the distinct cited sentences 1, 2, ... in order of first use
    (see `qa.citations.renumber`); before that it is the passage number the generator wrote."""

    n: int
    doc_id: str
    chunk_id: str
    start: int
    end: int
    quote: str
    support: float = 0.0
    passage: int = 0  # the retrieved passage (1-based) the sentence was found in


@dataclass(frozen=True)
class ShortAnswer:
    """A direct answer to a factoid question: a span copied from a cited sentence, exact offsets."""

    text: str
    doc_id: str
    start: int
    end: int
    citation: int  # the `n` of the citation whose sentence holds it


StatementKind = Literal["lead", "claim", "quote"]


@dataclass(frozen=True)
class Statement:
    """One shown sentence of an answer and the citations (their `n`) it rests on.

    kind: "lead" (a one-line opening), "claim" (written by the generator, verified) or "quote" (a
    source sentence word for word)."""

    text: str
    citations: tuple[int, ...]
    kind: StatementKind = "claim"


@dataclass(frozen=True)
class Part:
    """One part of a multi-part question and whether the answer covers it."""

    question: str
    answered: bool


@dataclass(frozen=True)
class Turn:
    """One previous message of a conversation."""

    role: str
    content: str


AnswerStatus = Literal["grounded", "partial", "refused"]


@dataclass(frozen=True)
class Answer:
    """A finished answer. `statements` and `short_answer` are its structure (front ends render these);
    `answer` is the same content as plain text with `[n]` markers (`qa.citations.render_text`)."""

    answer: str
    citations: tuple[Citation, ...]
    grounded: bool
    refused: bool
    generator: str
    model: str
    statements: tuple[Statement, ...] = ()
    short_answer: ShortAnswer | None = None
    parts: tuple[Part, ...] = ()
    fallback: bool = False  # nothing the generator wrote held up: the answer is the best evidence
    hits: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    query: str = ""
    draft: str = ""  # what the generator wrote before verification

    @property
    def status(self) -> AnswerStatus:
        """grounded: every shown sentence verified and every part answered; partial; refused."""
        if self.refused:
            return "refused"
        return "grounded" if self.grounded and all(p.answered for p in self.parts) else "partial"
