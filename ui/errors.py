"""The API's one place that turns errors into JSON `{error: {message, type}}` without stack traces."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa.errors import QAError

log = logging.getLogger("qa.api")


def error_response(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QAError)
    async def qa_error(_: Request, err: QAError) -> JSONResponse:
        return error_response(err.status_code, err.message, err.kind)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, f"{where}: {first.get('msg')}" if where else str(first.get("msg")),
                              "invalid_request_error")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        kinds = {401: "authentication_error", 404: "not_found", 405: "invalid_request_error",
                 413: "request_too_large", 415: "unsupported_document"}
        return error_response(err.status_code, str(err.detail), kinds.get(err.status_code, "http_error"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "Internal server error; see the server log.", "server_error")
