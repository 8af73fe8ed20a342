"""OpenAI-compatible `/v1/chat/completions` and `/v1/models` over the same pipeline.

The last user message is the question and earlier messages are the history. The answer keeps its
`[n]` markers; citations, `grounded` and `refused` travel as extra fields. Streams start at once (the
role chunk), follow generation step by step (so a client that leaves stops it) and carry the verified
answer (not the unverified draft) as `chat.completion.chunk`s, ending with `[DONE]`.
"""

import json
import time
import uuid
from collections.abc import Iterator
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from qa.ui.schemas import ErrorResponse, RequestModels
from qa.ui.streaming import event_stream

from qa.config import GeneratorName, Settings
from qa.errors import InvalidInputError, NotFoundError
from qa.generators import available_generators
from qa.pipeline import Pipeline, StreamEvent
from qa.serialize import citation_json
from qa.types import Answer, Turn

MODEL_PREFIX = "article-qa"
GENERATORS: tuple[str, ...] = get_args(GeneratorName)


def model_ids(settings: Settings) -> list[str]:
    """The default model, then one per generator this server can run."""
    return [MODEL_PREFIX] + [f"{MODEL_PREFIX}-{g}" for g in available_generators(settings)]


def _generator_for(model: str) -> str | None:
    if model == MODEL_PREFIX:
        return None
    for name in GENERATORS:
        if model == f"{MODEL_PREFIX}-{name}":
            return name
    raise NotFoundError(f"The model '{model}' does not exist; GET /v1/models lists them.")


def _text(content: str | list[dict] | None) -> str:
    if isinstance(content, list):  # content parts: keep the text ones
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def _extras(answer: Answer) -> dict:
    return {"citations": [citation_json(c) for c in answer.citations], "grounded": answer.grounded,
            "refused": answer.refused, "generator": answer.generator, "timings": answer.timings}


def openai_router(pipeline: Pipeline, models: RequestModels) -> APIRouter:
    router = APIRouter(prefix="/v1", responses={code: {"model": ErrorResponse} for code in (400, 401, 404, 422, 503)})
    ChatCompletionRequest = models.chat  # a class built from the settings

    @router.get("/models", summary="OpenAI-compatible model list")
    def list_models() -> dict:
        created = int(time.time())
        return {"object": "list", "data": [{"id": m, "object": "model", "created": created, "owned_by": "qa"}
                                           for m in model_ids(pipeline.settings)]}

    @router.post("/chat/completions", summary="OpenAI-compatible chat completion (answers cite [n])",
                 responses={200: {"content": {"text/event-stream": {}}}})
    async def chat_completions(req: ChatCompletionRequest, request: Request):  # type: ignore[no-untyped-def,valid-type]
        generator = _generator_for(req.model)
        turns = [Turn(m.role, _text(m.content)) for m in req.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user" or not turns[-1].content.strip():
            raise InvalidInputError("The last message must be a non-empty user message (the question).")
        options = {"generator": generator, "top_k": req.k, "temperature": req.temperature,
                   "max_new_tokens": req.max_tokens}
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        if req.stream:
            events = pipeline.ask_stream(turns[-1].content, turns[:-1], **options)
            return await event_stream(request, events, lambda ev: _chunks(completion_id, created, req.model, ev))
        answer = await run_in_threadpool(pipeline.ask, turns[-1].content, turns[:-1], **options)
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": req.model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer.answer}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **_extras(answer),
        }

    return router


def _chunks(completion_id: str, created: int, model: str, events: Iterator[StreamEvent]) -> Iterator[str | None]:
    """The role chunk at once; None for each draft step (nothing sent: the draft is not verified yet, but
    the stream checks the client is still there); then the verified answer word by word and `[DONE]`."""
    def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    answer = None
    for event in events:
        if event.answer is None:
            yield None
        else:
            answer = event.answer
    if answer is None:
        return
    words = answer.answer.split(" ")
    for i, word in enumerate(words):
        yield chunk({"content": word if i == 0 else " " + word})
    yield chunk({}, "stop", _extras(answer))
    yield "data: [DONE]\n\n"
