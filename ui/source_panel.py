"""The source column: the cited documents with every cited sentence marked (a drawer on phones),
and the passages retrieved for the latest answer."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
from qa.ui.render import passages_html, source_html
from qa.ui.view import Ctx


@dataclass
class SourcePanel:
    source: gr.HTML
    passages: gr.HTML


def build_source_panel(ctx: Ctx) -> SourcePanel:
    docs = ctx.pipeline.documents()[:1]
    with gr.Column(scale=2, min_width=300, elem_id="qa-source-col"):
        with gr.Tab("Source"):
            source = gr.HTML(source_html(docs), elem_id="qa-source-panel")
        with gr.Tab("Retrieved passages"):
            passages = gr.HTML(passages_html(()), elem_id="qa-passages")
    return SourcePanel(source, passages)
