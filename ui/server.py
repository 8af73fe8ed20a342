"""One process serving both front ends: the Gradio UI at `/` and the API under `/v1` (docs at `/docs`)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import gradio as gr
from fastapi import FastAPI
from qa.ui.api import create_api
from qa.ui.chat_ui import build_ui
from qa.ui.render import CSS, HEAD

from qa.config import Settings
from qa.pipeline import Pipeline

log = logging.getLogger("qa.server")


def create_app(pipeline: Pipeline) -> FastAPI:
    app = create_api(pipeline)
    return gr.mount_gradio_app(app, build_ui(pipeline), path="/", css=CSS, head=HEAD,
                               theme=gr.themes.Soft())


def serve(settings: Settings) -> None:
    """Load the index (building the default one if missing) and the default generator, then listen.

    The port opens only once models are loaded, so a client that connects gets a ready server.
    """
    import uvicorn

    from qa.embedder import SentenceTransformerEmbedder

    log.info("Start-up: %.1f s since the process started (imports)", _process_age())
    log.info("Loading index and models (first start converts the generator weights)...")
    t = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    t = _stage("embedding model", t)
    pipeline = Pipeline.open(settings, embedder, build_if_missing=True)
    t = _stage("index", t)
    gen = pipeline.generator()
    t = _stage("generator", t)
    log.info("Generator: %s %s", gen.name, getattr(gen, "description", gen.model))
    app = create_app(pipeline)
    _stage("UI and API", t)
    log.info("Ready: UI http://%s:%d/  API http://%s:%d/v1  docs http://%s:%d/docs",
                settings.host, settings.port, settings.host, settings.port, settings.host, settings.port)
    log.info("Start-up: %.1f s since the process started; opening the port", _process_age())
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


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
