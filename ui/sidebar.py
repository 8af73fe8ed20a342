"""The conversations sidebar: past conversations (kept in this browser), new chat, delete, export."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from qa.ui import conversations as conv
from qa.ui.view import Ctx, View, render


@dataclass
class Sidebar:
    convs: gr.Radio
    new: gr.Button
    delete: gr.Button
    export: gr.Button
    files: gr.File


def build_sidebar() -> Sidebar:
    with gr.Sidebar(label="Conversations", open=False, elem_id="qa-sidebar"):
        new = gr.Button("+ New chat", variant="primary", size="sm", elem_id="qa-new")
        convs = gr.Radio([], label="Conversations (kept in this browser)", elem_id="qa-convs")
        delete = gr.Button("Delete this chat", variant="stop", size="sm", elem_id="qa-delete")
        export = gr.Button("Export this chat (Markdown + JSON)", size="sm", elem_id="qa-export")
        files = gr.File(label="Export", file_count="multiple", interactive=False, elem_id="qa-export-files")
    return Sidebar(convs, new, delete, export, files)


def wire_sidebar(ctx: Ctx, view: View, bar: Sidebar) -> None:
    outputs = view.outputs()
    private = {"api_visibility": "private", "queue": False}

    def new(request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        conv.start_new(live.saved)
        return render(ctx, view, live)

    def delete(request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        if live.inflight is not None:
            gr.Warning("Wait for the answer (or press Stop) before deleting.")
            return view.skip()
        conv.delete_current(live.saved)
        return render(ctx, view, live)

    def select(conv_id: str, request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        if any(c["id"] == conv_id for c in live.saved["conversations"]):
            live.saved["current"] = conv_id
        return render(ctx, view, live)

    def export(request: gr.Request) -> list[str]:
        live = ctx.live(request)
        current = conv.current(live.saved)
        titles = {d.doc_id: d.title for d in ctx.documents(current["id"])}
        folder = Path(tempfile.mkdtemp(prefix="qa-export-"))
        md, js = folder / "conversation.md", folder / "conversation.json"
        md.write_text(conv.export_markdown(current, titles), encoding="utf-8")
        js.write_text(conv.export_json(current), encoding="utf-8")
        return [str(md), str(js)]

    bar.new.click(new, None, outputs, **private)
    bar.delete.click(delete, None, outputs, **private)
    bar.convs.input(select, [bar.convs], outputs, **private)
    bar.export.click(export, None, bar.files, api_visibility="private")
