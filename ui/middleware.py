"""One ASGI middleware in front of every route (API, docs and the Gradio UI alike): the API key, body
size and time limits, security headers, request ids, the request log, and noticing index versions written
by other processes."""

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import anyio
from qa.ui.errors import qa_error_response
from qa.ui.login import LOGIN_PATH, OPEN_PATHS, authorized
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.errors import AuthenticationError, QAError, RequestTimeoutError, RequestTooLargeError
from qa.pipeline import Pipeline

log = logging.getLogger("qa.api")
UPLOAD_PATHS = ("/v1/documents", "/gradio_api/upload")
MULTIPART_OVERHEAD = 65_536
REFRESH_EVERY_S = 1.0
# Everything from this origin only: no remote images, scripts, styles, fonts or frames, whatever a
# document or a model writes. Gradio needs inline scripts/styles and eval for its own bundle.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; "
       "worker-src 'self' blob:; frame-src 'self' blob: data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")
SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                    "referrer-policy": "no-referrer"}
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class Guard:
    """Wraps the whole app; see the module docstring."""

    def __init__(self, app: ASGIApp, pipeline: Pipeline) -> None:
        self.app = app
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self._next_refresh = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not self._allowed(scope):
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        given_id = headers.get("x-request-id", "")
        request_id = given_id if _REQUEST_ID.fullmatch(given_id) else uuid.uuid4().hex[:12]
        body = _Body(self._body_limit(scope["path"]), self.settings.body_timeout_s)
        out = _Sender(scope, send, request_id, body)
        try:
            refusal = self._refusal(scope, headers)
            if refusal is not None:
                await refusal(scope, receive, out)
            else:
                await self._maybe_refresh()
                await self.app(scope, body.wrap(receive), out)
        except Exception:
            if body.error is None:
                raise
            if not out.started:
                await qa_error_response(body.error)(scope, receive, out)
        finally:
            status = out.status  # 0: no response (the client left first)
            level = logging.INFO if scope["path"].startswith("/v1") or not 0 < status < 400 else logging.DEBUG
            log.log(level, "%s %s %s -> %s in %.1f ms", request_id, scope["method"], scope["path"], status or "-",
                    (time.perf_counter() - started) * 1000)

    def _allowed(self, scope: Scope) -> bool:
        key = self.settings.api_key
        if not key or scope["path"] in OPEN_PATHS:
            return True
        headers = Headers(scope=scope)
        preflight = (scope.get("method") == "OPTIONS" and self.settings.cors_origins
                     and "access-control-request-method" in headers)  # browsers send no credentials here
        return bool(preflight) or authorized(headers, key)

    def _body_limit(self, path: str) -> int:
        if path in UPLOAD_PATHS:
            return self.settings.max_upload_bytes + MULTIPART_OVERHEAD
        return self.settings.max_body_bytes

    def _refusal(self, scope: Scope, headers: Headers) -> Callable[..., Awaitable[None]] | None:
        """A response that ends the request before the app sees it: no key, or a body declared too big."""
        if not self._allowed(scope):
            if scope["method"] in ("GET", "HEAD") and "text/html" in headers.get("accept", ""):
                return RedirectResponse(f"{LOGIN_PATH}?next={quote(scope['path'])}", status_code=303)
            err = AuthenticationError("Missing or invalid API key (use 'Authorization: Bearer <key>', "
                                      f"or log in at {LOGIN_PATH}).")
            response = qa_error_response(err)
            response.headers["www-authenticate"] = "Bearer"
            return response
        length = headers.get("content-length", "")
        limit = self._body_limit(scope["path"])
        if length.isdigit() and int(length) > limit:
            return qa_error_response(RequestTooLargeError(f"Request body over the {limit}-byte limit."))
        return None

    async def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now >= self._next_refresh:
            self._next_refresh = now + REFRESH_EVERY_S
            await anyio.to_thread.run_sync(self.pipeline.refresh)


class _Body:
    """Reads the request body with a size limit and one deadline for the whole body (slow clients)."""

    def __init__(self, limit: int, timeout_s: float) -> None:
        self.limit = limit
        self.timeout_s = timeout_s
        self.error: QAError | None = None
        self._read = 0
        self._done = False
        self._deadline = 0.0

    def wrap(self, receive: Receive) -> Receive:
        async def limited() -> Message:
            if self._done:
                return await receive()
            if not self._deadline:
                self._deadline = time.monotonic() + self.timeout_s
            with anyio.move_on_after(max(0.0, self._deadline - time.monotonic())) as scope:
                message = await receive()
            if scope.cancelled_caught:
                self.error = RequestTimeoutError(f"The request body did not arrive within {self.timeout_s:g} s.")
                raise self.error
            if message["type"] == "http.request":
                self._read += len(message.get("body", b""))
                if self._read > self.limit:
                    self.error = RequestTooLargeError(f"Request body over the {self.limit}-byte limit.")
                    raise self.error
                self._done = not message.get("more_body", False)
            else:
                self._done = True
            return message
        return limited


class _Sender:
    """Adds the request id and security headers; when the body broke a limit, the app's own answer to
    that (often a generic 400 or 500) is replaced by the limit's error."""

    def __init__(self, scope: Scope, send: Send, request_id: str, body: _Body) -> None:
        self._scope = scope
        self._send = send
        self._request_id = request_id
        self._body = body
        self._dropping = False
        self.started = False
        self.status = 0

    async def __call__(self, message: Message) -> None:
        if self._dropping:
            return
        if message["type"] == "http.response.start" and self._body.error is not None and not self.started:
            self._dropping = True  # what the app sends from here on is dropped
            await qa_error_response(self._body.error)(self._scope, _no_receive, self._emit)
            return
        await self._emit(message)

    async def _emit(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            headers = MutableHeaders(scope=message)
            headers["x-request-id"] = self._request_id
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            if self._body.error is not None:
                headers["connection"] = "close"
        await self._send(message)


async def _no_receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}
