"""Request and response models of the HTTP API (pydantic). Request limits come from `Settings`
(`request_models`), so raising `QA_MAX_QUESTION_CHARS` raises what the API accepts too."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import Le
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from qa.config import GeneratorName, Settings
from qa.types import AnswerStatus, Citation, Part, ShortAnswer, Statement

MAX_K: int = next(m.le for m in Settings.model_fields["top_k"].metadata if isinstance(m, Le))
HISTORY_ITEMS = 50  # a transport bound; the pipeline uses only the last QA_MAX_HISTORY_TURNS turns
TURN_CHARS_PER_QUESTION_CHAR = 4  # an earlier answer (with its quotes) may be longer than a question


def valid_text(value: str) -> str:
    """Refuse text that is not valid Unicode (a lone surrogate such as \\ud800 decodes from JSON but cannot
    be encoded, tokenized or embedded)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains invalid Unicode (a lone surrogate)") from None
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


Text = Annotated[str, AfterValidator(valid_text)]
Query = Annotated[str, AfterValidator(valid_text), AfterValidator(not_blank)]


@dataclass(frozen=True)
class RequestModels:
    ask: type[BaseModel]
    search: type[BaseModel]
    chat: type[BaseModel]


def request_models(settings: Settings) -> RequestModels:
    """The request bodies with this server's limits (question length from the settings, k up to MAX_K)."""
    chars = settings.max_question_chars

    class TurnIn(BaseModel):
        role: Literal["user", "assistant"]
        content: Text = Field(max_length=chars * TURN_CHARS_PER_QUESTION_CHAR)

    class AskRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        question: Query = Field(min_length=1, max_length=chars)
        k: int | None = Field(None, ge=1, le=MAX_K)
        generator: GeneratorName | None = None
        temperature: float | None = Field(None, ge=0.0, le=2.0)
        history: list[TurnIn] = Field(default_factory=list, max_length=HISTORY_ITEMS)

    class SearchRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        query: Query = Field(min_length=1, max_length=chars)
        k: int | None = Field(None, ge=1, le=MAX_K)

    class ChatMessage(BaseModel):
        role: Literal["system", "user", "assistant", "developer", "tool"]
        content: str | list[dict] | None = None

        @field_validator("content")
        @classmethod
        def _unicode(cls, value: Any) -> Any:
            _check_strings(value)
            return value

    class ChatCompletionRequest(BaseModel):
        model: Text = Field(max_length=200)
        messages: list[ChatMessage] = Field(min_length=1, max_length=HISTORY_ITEMS)
        stream: bool = False
        temperature: float | None = Field(None, ge=0.0, le=2.0)
        max_tokens: int | None = Field(None, ge=1, le=4096)
        k: int | None = Field(None, ge=1, le=MAX_K)

    return RequestModels(AskRequest, SearchRequest, ChatCompletionRequest)


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        valid_text(value)
    elif isinstance(value, dict):
        for item in value.values():
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


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
