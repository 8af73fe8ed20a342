"""One process serving both front ends: the Gradio UI at `/` and the API under `/v1` (docs at `/docs`)."""

from __future__ import annotations

import logging

import gradio as gr
from fastapi import FastAPI
from qa.ui import theme
from qa.ui.api import create_api
from qa.ui.chat_ui import build_ui
from qa.ui.docs_assets import serve_docs_offline
from qa.ui.render import CSS, HEAD

from qa.config import Settings
from qa.pipeline import Pipeline

log = logging.getLogger("qa.server")


def create_app(pipeline: Pipeline) -> FastAPI:
    app = create_api(pipeline)
    serve_docs_offline(app)
    return gr.mount_gradio_app(app, build_ui(pipeline), path="/", css=CSS, head=HEAD,
                               theme=theme.make_theme())


def serve(settings: Settings) -> None:
    """Load the index (building the default one if missing) and the default generator, then listen.

    The port opens only once models are loaded, so a client that connects gets a ready server.
    """
    import uvicorn

    log.info("Loading index and models (first start converts the generator weights)...")
    pipeline = Pipeline.open(settings, build_if_missing=True, preload=[settings.generator])
    gen = pipeline.generator()
    log.info("Generator: %s %s", gen.name, getattr(gen, "description", gen.model))
    app = create_app(pipeline)
    log.info("Ready: UI http://%s:%d/  API http://%s:%d/v1  docs http://%s:%d/docs",
                settings.host, settings.port, settings.host, settings.port, settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
