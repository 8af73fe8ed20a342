"""The API's one place that turns errors into JSON `{error: {message, type}}` without stack traces.

Routes raise `QAError` subclasses only; errors the web framework raises itself (an unknown path, a wrong
method, a malformed body) are mapped onto the same shape here.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa.errors import QAError

log = logging.getLogger("qa.api")
FRAMEWORK_KINDS = {401: "authentication_error", 404: "not_found", 405: "invalid_request_error",
                   408: "request_timeout", 413: "request_too_large", 415: "unsupported_document"}


def error_response(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status, headers=headers)


def qa_error_response(err: QAError) -> JSONResponse:
    headers = getattr(err, "headers", None)
    return error_response(err.status_code, err.message, err.kind, headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QAError)
    async def qa_error(_: Request, err: QAError) -> JSONResponse:
        return qa_error_response(err)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, f"{where}: {first.get('msg')}" if where else str(first.get("msg")),
                              "invalid_request_error")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        return error_response(err.status_code, str(err.detail), FRAMEWORK_KINDS.get(err.status_code, "http_error"),
                              dict(err.headers) if err.headers else None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "Internal server error; see the server log.", "server_error")
