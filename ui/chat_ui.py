"""The Gradio chat UI, composed of small panels (chat, documents, source, conversations sidebar,
Evaluate tab). It only translates between widgets and the shared pipeline."""

from __future__ import annotations

from typing import Any

import gradio as gr
from qa.ui import conversations as conv
from qa.ui.chat_panel import build_chat_panel, wire_chat
from qa.ui.documents_panel import build_documents_panel, wire_documents
from qa.ui.eval_tab import build_eval_tab
from qa.ui.session import PrivateDocs, Sessions
from qa.ui.sidebar import build_sidebar, wire_sidebar
from qa.ui.source_panel import build_source_panel
from qa.ui.view import Ctx, View, render

from qa.pipeline import Pipeline
from qa.serialize import answer_json

STORAGE_KEY = "qa-conversations"
# Browser storage is the user's own data; it is validated on every load (qa.ui.conversations.validate),
# so a fixed key only keeps it readable across server restarts.
STORAGE_SECRET = "qa-article-chatbot-conversations"


def build_ui(pipeline: Pipeline) -> gr.Blocks:
    ctx = Ctx(pipeline, Sessions(), PrivateDocs(pipeline))
    with gr.Blocks(title="Article Q&A") as demo:
        saved = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
        bar = build_sidebar()
        gr.Markdown("## Ask the article\nEvery sentence of an answer is checked against the source and links to "
                    "the exact sentence it rests on.", elem_id="qa-header")
        with gr.Tab("Chat"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = build_chat_panel(ctx)
                docs = build_documents_panel(ctx)
            source = build_source_panel(ctx)
        with gr.Tab("Evaluate"):
            build_eval_tab(pipeline)
        view = View(chat.chatbot, source.source, source.passages, saved, bar.convs, chat.stop,
                    chat.announce, docs.table, docs.pick)
        wire_chat(ctx, view, chat)
        wire_documents(ctx, view, docs)
        wire_sidebar(ctx, view, bar)

        def load(stored: Any, request: gr.Request) -> dict[Any, Any]:
            live = ctx.live(request, stored)
            live.loaded = True
            return render(ctx, view, live)

        demo.load(load, [saved], view.outputs(), api_visibility="private")

        def chat(question: str, history: list[dict], generator: str, k: int, temperature: float) -> dict:
            """Answer `question` after `history` ({"role", "content"} messages; content a string or
            a list of parts); returns the answer as JSON, as `/v1/ask` does."""
            answer = pipeline.ask(question, conv.turns_from_messages(history), generator=generator,
                                  top_k=int(k), temperature=float(temperature))
            return answer_json(answer)

        gr.api(chat, api_name="chat")
    return demo
