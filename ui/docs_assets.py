"""`/docs` (Swagger UI) and `/redoc` served with their scripts and styles from the installed
`fastapi-offline` package instead of a CDN, so the API docs work with no network."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
# The pages may load only from this server (ReDoc would otherwise fetch its logo from cdn.redoc.ly).
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:")


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


def serve_docs_offline(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed `/docs` and `/redoc` pages by ones using packaged assets."""
    docs, redoc, redirect = app.docs_url or "/docs", app.redoc_url or "/redoc", app.swagger_ui_oauth2_redirect_url
    app.router.routes = [r for r in app.router.routes if getattr(r, "path", None) not in (docs, redoc, redirect)]
    app.mount(ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-assets")
    openapi = app.openapi_url or "/openapi.json"

    @app.get(docs, include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _local_only(get_swagger_ui_html(openapi_url=openapi, title=f"{app.title} – docs",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon.png",
                                   oauth2_redirect_url=redirect,
                                   swagger_ui_parameters={"validatorUrl": None}))

    if redirect:
        @app.get(redirect, include_in_schema=False)
        def oauth2_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc, include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        return _local_only(get_redoc_html(openapi_url=openapi, title=f"{app.title} – ReDoc",
                              redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS}/favicon.png", with_google_fonts=False))
