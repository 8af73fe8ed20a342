"""One process serving both front ends: the Gradio UI at `/` and the API under `/v1` (docs at `/docs`)."""

import logging
import os
import time
from pathlib import Path

import gradio as gr
from fastapi import FastAPI
from qa.ui import theme
from qa.ui.api import create_api
from qa.ui.chat_ui import build_ui
from qa.ui.docs_assets import serve_docs_offline
from qa.ui.render import CSS, HEAD
from uvicorn.protocols.http.h11_impl import H11Protocol

from qa.config import Settings
from qa.pipeline import Pipeline

log = logging.getLogger("qa.server")


def create_app(pipeline: Pipeline) -> FastAPI:
    app = create_api(pipeline)
    serve_docs_offline(app)
    return gr.mount_gradio_app(app, build_ui(pipeline), path="/", css=CSS, head=HEAD,
                               theme=theme.make_theme())


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, plus: a connection whose next request's headers have not all arrived
    `header_timeout_s` after it opened (or after the previous response) is closed (slowloris). Slow
    bodies are cut by the request middleware (`QA_BODY_TIMEOUT_S`)."""

    header_timeout_s = 10.0

    def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self.loop.call_later(self.header_timeout_s, self._header_deadline, self.cycle)

    def _header_deadline(self, cycle_when_armed: object) -> None:
        if self.cycle is cycle_when_armed and not self.transport.is_closing():
            self.transport.close()  # no new request began in time


def serve(settings: Settings) -> None:
    """Load the index (building the default one if missing) and the default generator, then listen.

    The port opens only once models are loaded, so a client that connects gets a ready server. On SIGTERM,
    requests still running after `QA_SHUTDOWN_TIMEOUT_S` are cancelled (their generation stops).
    """
    import uvicorn

    from qa.embedder import SentenceTransformerEmbedder

    log.info("Start-up: %.1f s since the process started (imports)", _process_age())
    log.info("Loading index and models (first start converts the generator weights)...")
    t = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    t = _stage("embedding model", t)
    pipeline = Pipeline.open(settings, embedder, build_if_missing=True)
    t = _stage("index and extractive reader", t)
    gen = pipeline.generator()
    t = _stage("generator", t)
    log.info("Generator: %s %s", gen.name, getattr(gen, "description", gen.model))
    app = create_app(pipeline)
    _stage("UI and API", t)
    log.info("Ready: UI http://%s:%d/  API http://%s:%d/v1  docs http://%s:%d/docs",
                settings.host, settings.port, settings.host, settings.port, settings.host, settings.port)
    protocol = type("HeaderDeadline", (HeaderDeadlineProtocol,), {"header_timeout_s": settings.header_timeout_s})
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning", http=protocol,
                            timeout_graceful_shutdown=settings.shutdown_timeout_s)
    log.info("Start-up: %.1f s since the process started; opening the port", _process_age())
    uvicorn.Server(config).run()


def _stage(name: str, since: float) -> float:
    now = time.perf_counter()
    log.info("Start-up: %s loaded in %.2f s", name, now - since)
    return now


def _process_age() -> float:
    """Seconds since this process started (Linux /proc; 0 where unavailable)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
