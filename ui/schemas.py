"""Request and response models of the HTTP API (pydantic), with the documented limits."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qa.types import AnswerStatus, Citation, Part, ShortAnswer, Statement

MAX_QUESTION_CHARS = 2000
MAX_K = 50


class TurnIn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int | None = Field(None, ge=1, le=MAX_K)
    generator: Literal["transformers", "openai", "extractive"] | None = None
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    history: list[TurnIn] = Field(default_factory=list, max_length=50)


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int | None = Field(None, ge=1, le=MAX_K)


class AskResponse(BaseModel):
    answer: str = Field(description="The answer as text; each [n] marker refers to citations[n-1].")
    short_answer: ShortAnswer | None = Field(None, description="Direct answer span (factoid questions).")
    statements: list[Statement] = Field(description="The answer's sentences with the citations they rest on.")
    citations: list[Citation]  # the core dataclasses; pydantic validates them as they are
    parts: list[Part] = Field(description="Parts of a multi-part question and whether each is answered.")
    status: AnswerStatus
    grounded: bool
    refused: bool
    fallback: bool
    generator: str
    model: str
    timings: dict[str, float]


class HitOut(BaseModel):
    rank: int
    score: float
    doc_id: str
    chunk_id: str
    start: int
    end: int
    text: str
    retrievers: list[str]
    dense_score: float | None
    lexical_score: float | None


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    chars: int
    checksum: str


class ErrorBody(BaseModel):
    message: str
    type: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict] | None = None


class ChatCompletionRequest(BaseModel):
    model: str = Field(max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)
    stream: bool = False
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1, le=4096)
    k: int | None = Field(None, ge=1, le=MAX_K)
