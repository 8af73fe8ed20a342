"""The HTTP API: native `/v1` routes, health checks, auth, limits and request logging.

Routes only translate HTTP to pipeline calls; all behaviour lives in `qa.pipeline.Pipeline`.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends, FastAPI, File, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from qa.index.ingest import load_bytes
from qa.ui.errors import error_response, install_error_handlers
from qa.ui.openai_compat import openai_router
from qa.ui.schemas import AskRequest, AskResponse, DocumentOut, ErrorResponse, HitOut, SearchRequest
from starlette.exceptions import HTTPException

from qa.errors import QAError
from qa.pipeline import Pipeline
from qa.serialize import answer_json, citation_json, hit_json
from qa.types import Turn

log = logging.getLogger("qa.api")
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 404, 413, 415, 422, 503)}


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def require_key(pipeline: Pipeline):  # type: ignore[no-untyped-def]
    """Dependency: when QA_API_KEY is set, every /v1 route needs `Authorization: Bearer <key>`."""
    def check(request: Request) -> None:
        expected = pipeline.settings.api_key
        if not expected:
            return
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise HTTPException(401, "Missing or invalid API key (use 'Authorization: Bearer <key>').")
    return check


def native_router(pipeline: Pipeline) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(require_key(pipeline))], responses=ERRORS)

    def stream_answer(req: AskRequest) -> Iterator[str]:
        history = [Turn(t.role, t.content) for t in req.history]
        try:
            for event in pipeline.ask_stream(req.question, history, generator=req.generator, top_k=req.k,
                                             temperature=req.temperature):
                if event.answer is None:
                    yield sse("token", {"text": event.delta})
                else:
                    yield sse("citations", [citation_json(c) for c in event.answer.citations])
                    yield sse("answer", answer_json(event.answer))
        except QAError as err:
            yield sse("error", {"error": {"message": err.message, "type": err.kind}})

    @router.post("/ask", response_model=AskResponse, summary="Answer a question with cited sources",
                 responses={200: {"content": {"text/event-stream": {}}}})
    def ask(req: AskRequest, stream: bool = False):  # type: ignore[no-untyped-def]
        if stream:
            return StreamingResponse(stream_answer(req), media_type="text/event-stream")
        history = [Turn(t.role, t.content) for t in req.history]
        answer = pipeline.ask(req.question, history, generator=req.generator, top_k=req.k,
                              temperature=req.temperature)
        return answer_json(answer)

    @router.post("/ask/stream", summary="Answer as server-sent events: token..., citations, answer",
                 response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
    def ask_stream(req: AskRequest) -> StreamingResponse:
        return StreamingResponse(stream_answer(req), media_type="text/event-stream")

    @router.post("/search", response_model=list[HitOut], summary="Hybrid search over the index")
    def search(req: SearchRequest) -> list[dict]:
        return [hit_json(h) for h in pipeline.search(req.query, req.k)]

    @router.get("/documents", response_model=list[DocumentOut], summary="Indexed documents")
    def documents() -> list[dict]:
        return [{"doc_id": d.doc_id, "title": d.title, "chars": len(d.text), "checksum": d.checksum}
                for d in pipeline.documents()]

    @router.post("/documents", response_model=DocumentOut, status_code=201,
                 summary="Upload a document (txt, md, html, pdf); replaces one with the same id")
    def upload(file: UploadFile = File(...)) -> dict:
        limit = pipeline.settings.max_upload_bytes
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"The file is larger than the upload limit of {limit} bytes.")
        doc = load_bytes(file.filename or "upload.txt", data, source=f"upload:{file.filename}")
        pipeline.add_documents([doc])
        return {"doc_id": doc.doc_id, "title": doc.title, "chars": len(doc.text), "checksum": doc.checksum}

    @router.delete("/documents/{doc_id}", status_code=204, summary="Remove a document from the index")
    def delete(doc_id: str) -> None:
        pipeline.delete_document(doc_id)

    return router


def create_api(pipeline: Pipeline) -> FastAPI:
    """The FastAPI app with every API route; the UI is mounted on it by `qa.ui.server`."""
    settings = pipeline.settings
    app = FastAPI(title="Article Q&A API", version="1.0",
                  description="Answers questions about the indexed article with citations to exact sentences.")
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"])

    @app.middleware("http")
    async def limits_and_logging(request: Request, call_next):  # type: ignore[no-untyped-def]
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
        started = time.perf_counter()
        length = request.headers.get("content-length")
        limit = settings.max_upload_bytes + 65536 if request.url.path == "/v1/documents" else settings.max_body_bytes
        if length and length.isdigit() and int(length) > limit:
            response: object = error_response(413, f"Request body over the {limit}-byte limit.", "request_too_large")
        else:
            response = await call_next(request)
        response.headers["x-request-id"] = request_id  # type: ignore[attr-defined]
        log.info("%s %s %s -> %s in %.1f ms", request_id, request.method, request.url.path,
                 response.status_code, (time.perf_counter() - started) * 1000)  # type: ignore[attr-defined]
        return response

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

    app.include_router(native_router(pipeline))
    app.include_router(openai_router(pipeline, require_key(pipeline)))
    return app
