"""The HTTP API: native `/v1` routes, health checks, and the middleware that guards every route.

Routes only translate HTTP to pipeline calls; all behaviour lives in `qa.pipeline.Pipeline`.
"""

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from qa.index.ingest import load_bytes
from qa.ui.errors import install_error_handlers
from qa.ui.login import login_router
from qa.ui.middleware import Guard
from qa.ui.openai_compat import openai_router
from qa.ui.schemas import AskResponse, DocumentOut, ErrorResponse, HitOut, RequestModels, request_models
from qa.ui.streaming import event_stream
from starlette.routing import Match

from qa.errors import MethodNotAllowedError, NotFoundError, QAError, RequestTooLargeError
from qa.pipeline import Pipeline, StreamEvent
from qa.serialize import answer_json, citation_json, hit_json
from qa.types import Turn

log = logging.getLogger("qa.api")
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 404, 405, 408, 409, 413, 415, 422, 503)}
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def native_events(events: Iterator[StreamEvent]) -> Iterator[str]:
    """`token`... while the draft is written, then `citations` and `answer`; an error after the first
    event arrives as an `error` event (the status line has gone out by then)."""
    try:
        for event in events:
            if event.answer is None:
                yield sse("token", {"text": event.delta})
            else:
                yield sse("citations", [citation_json(c) for c in event.answer.citations])
                yield sse("answer", answer_json(event.answer))
    except QAError as err:
        yield sse("error", {"error": {"message": err.message, "type": err.kind}})


def native_router(pipeline: Pipeline, models: RequestModels) -> APIRouter:
    router = APIRouter(prefix="/v1", responses=ERRORS)
    settings = pipeline.settings
    AskRequest, SearchRequest = models.ask, models.search  # classes built from the settings

    def events(req) -> Iterator[StreamEvent]:  # type: ignore[no-untyped-def]
        history = [Turn(t.role, t.content) for t in req.history]
        return pipeline.ask_stream(req.question, history, generator=req.generator, top_k=req.k,
                                   temperature=req.temperature)

    @router.post("/ask", response_model=AskResponse, summary="Answer a question with cited sources",
                 responses={200: {"content": {"text/event-stream": {}}}})
    async def ask(req: AskRequest, request: Request, stream: bool = False):  # type: ignore[no-untyped-def,valid-type]
        if stream:
            return await event_stream(request, events(req), native_events)
        history = [Turn(t.role, t.content) for t in req.history]
        answer = await run_in_threadpool(pipeline.ask, req.question, history, generator=req.generator,
                                         top_k=req.k, temperature=req.temperature)
        return answer_json(answer)

    @router.post("/ask/stream", summary="Answer as server-sent events: token..., citations, answer",
                 responses={200: {"content": {"text/event-stream": {}}}})
    async def ask_stream(req: AskRequest, request: Request):  # type: ignore[no-untyped-def,valid-type]
        return await event_stream(request, events(req), native_events)

    @router.post("/search", response_model=list[HitOut], summary="Hybrid search over the index")
    def search(req: SearchRequest) -> list[dict]:  # type: ignore[valid-type]
        return [hit_json(h) for h in pipeline.search(req.query, req.k)]

    @router.get("/documents", response_model=list[DocumentOut], summary="Indexed documents")
    def documents() -> list[dict]:
        return [{"doc_id": d.doc_id, "title": d.title, "chars": len(d.text), "checksum": d.checksum}
                for d in pipeline.documents()]

    @router.post("/documents", response_model=DocumentOut, status_code=201,
                 summary="Upload a document (txt, md, html, pdf); an id already indexed needs ?replace=true")
    def upload(file: UploadFile = File(...), replace: bool = False) -> dict:
        limit = settings.max_upload_bytes
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise RequestTooLargeError(f"The file is larger than the upload limit of {limit} bytes.")
        name = file.filename or "upload.txt"
        doc = load_bytes(name, data, source=f"upload:{name}", max_pdf_pages=settings.max_pdf_pages,
                         max_seconds=settings.max_extract_seconds)  # parsed before the index write lock
        pipeline.add_documents([doc], replace=replace)
        return {"doc_id": doc.doc_id, "title": doc.title, "chars": len(doc.text), "checksum": doc.checksum}

    @router.delete("/documents/{doc_id}", status_code=204, summary="Remove a document from the index")
    def delete(doc_id: str) -> None:
        pipeline.delete_document(doc_id)

    return router


def add_unknown_route(app: FastAPI) -> None:
    """Any other `/v1` path answers the documented JSON error: 405 (with Allow) when the path exists with
    other methods, else 404. Added last, after every real route (and before the UI's mount at `/`)."""
    routes = list(app.router.routes)

    def allowed(scope: dict) -> list[str]:
        return [m for m in ALL_METHODS
                if any(r.matches({**scope, "method": m})[0] == Match.FULL for r in routes)]

    async def unknown(request: Request) -> None:
        path = request.url.path
        methods = allowed(request.scope)
        if methods:
            raise MethodNotAllowedError(f"{request.method} is not allowed on {path}; use {', '.join(methods)}.",
                                        tuple(methods))
        raise NotFoundError(f"There is no API route {path}; the routes are listed at /docs.")

    app.add_api_route("/v1/{rest:path}", unknown, methods=ALL_METHODS, include_in_schema=False)


def create_api(pipeline: Pipeline) -> FastAPI:
    """The FastAPI app with every API route; the UI is mounted on it by `qa.ui.server`."""
    settings = pipeline.settings
    app = FastAPI(title="Article Q&A API", version="1.0",
                  description="Answers questions about the indexed article with citations to exact sentences.")
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"])
    app.add_middleware(Guard, pipeline=pipeline)  # outermost: auth and limits before anything else

    @app.get("/healthz", summary="Liveness")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", summary="Readiness: index loaded and default generator ready",
             responses={503: {"description": "Still loading"}})
    def readyz() -> JSONResponse:
        ready = bool(pipeline.store.chunks) and settings.generator in pipeline.loaded_generators()
        body = {"status": "ready" if ready else "loading", "documents": len(pipeline.documents()),
                "chunks": len(pipeline.store.chunks), "generators": pipeline.loaded_generators()}
        return JSONResponse(body, status_code=200 if ready else 503)

    models = request_models(settings)
    app.include_router(login_router(settings.api_key))
    app.include_router(native_router(pipeline, models))
    app.include_router(openai_router(pipeline, models))
    add_unknown_route(app)
    return app
