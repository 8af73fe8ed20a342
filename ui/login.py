"""With `QA_API_KEY` set, browsers log in once with the key: a small form sets an HttpOnly, SameSite=Strict
session cookie derived from the key (so every server sharing the key accepts it). API clients send
`Authorization: Bearer <key>` instead. Both are compared in constant time."""

import hashlib
import hmac
import html
from http.cookies import SimpleCookie

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import Headers

LOGIN_PATH = "/login"
OPEN_PATHS = frozenset({"/healthz", "/readyz", LOGIN_PATH, "/logout"})
COOKIE = "qa_session"


def session_token(key: str) -> str:
    return hmac.new(key.encode(), b"qa-ui-session-v1", hashlib.sha256).hexdigest()


def authorized(headers: Headers, key: str) -> bool:
    """Whether the request carries the key as a bearer token or the session cookie."""
    auth = headers.get("authorization", "")
    given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    if given and hmac.compare_digest(given.encode("utf-8", "replace"), key.encode()):
        return True
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is simply not a session
        return False
    morsel = cookies.get(COOKIE)
    return morsel is not None and hmac.compare_digest(morsel.value.encode(), session_token(key).encode())


def _safe_next(target: str) -> str:
    """Only a path on this server (no scheme, no //host) may follow a login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _page(target: str, message: str = "") -> str:
    note = f'<p role="alert" style="color:#991b1b">{html.escape(message)}</p>' if message else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article Q&amp;A: log in</title></head>
<body style="font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem">
<h1 style="font-size:1.4rem">Article Q&amp;A</h1><p>This server needs its access key.</p>{note}
<form method="post" action="{LOGIN_PATH}"><input type="hidden" name="next" value="{html.escape(target)}">
<label for="key">Access key</label><br>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus
 style="width:100%;padding:.5rem;margin:.4rem 0 1rem">
<button type="submit" style="padding:.5rem 1.2rem">Log in</button></form></body></html>"""


def login_router(api_key: str | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(LOGIN_PATH)
    def login_form(next: str = "/") -> Response:
        if not api_key:
            return RedirectResponse(_safe_next(next), status_code=303)
        return HTMLResponse(_page(_safe_next(next)))

    @router.post(LOGIN_PATH)
    def login(request: Request, key: str = Form(""), next: str = Form("/")) -> Response:
        target = _safe_next(next)
        if not api_key:
            return RedirectResponse(target, status_code=303)
        if not hmac.compare_digest(key.encode("utf-8", "replace"), api_key.encode()):
            return HTMLResponse(_page(target, "That key is not right."), status_code=401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, session_token(api_key), httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")
        return response

    @router.get("/logout")
    def logout() -> Response:
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return router
