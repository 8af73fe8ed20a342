"""The document manager: what is indexed (name, size, chunks, added), uploads into this conversation
only or into the shared index, and removal. With `QA_UI_UPLOADS=false` it only lists documents."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr
from qa.index.ingest import load_bytes
from qa.ui import conversations as conv
from qa.ui.render import safe_text
from qa.ui.uploads import read_upload
from qa.ui.view import Ctx, View, render

from qa.errors import QAError
from qa.types import Document

FILE_TYPES = [".txt", ".md", ".html", ".htm", ".pdf"]
SCOPES = [("This conversation only", "conversation"), ("Shared index (changes everyone's answers)", "shared")]


@dataclass
class DocumentsPanel:
    table: gr.HTML
    pick: gr.Dropdown
    status: gr.Markdown
    scope: gr.Radio | None = None
    upload: gr.UploadButton | None = None
    remove: gr.Button | None = None


def _chunks(ctx: Ctx, conv_id: str) -> dict[str, int]:
    store = ctx.private.store(conv_id) or ctx.pipeline.store
    counts: dict[str, int] = {}
    for chunk in store.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    return counts


def table_html(ctx: Ctx, conv_id: str) -> str:
    own = {d.doc_id for d in ctx.private.documents(conv_id)}
    counts = _chunks(ctx, conv_id)
    rows = []
    for d in ctx.documents(conv_id):
        added = ctx.private.added(conv_id, d.doc_id) if d.doc_id in own else ctx.shared_added.get(d.doc_id)
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(added)) if added else "at start"
        where = "this conversation" if d.doc_id in own else "shared"
        rows.append(f"<tr><td>{html.escape(d.title)}</td><td>{where}</td><td>{len(d.text) / 1000:.1f} k chars</td>"
                    f"<td>{counts.get(d.doc_id, 0)}</td><td>{when}</td></tr>")
    return ("<table class='qa-doc-table' id='qa-doc-table'><tr><th>Document</th><th>Where</th><th>Size</th>"
            f"<th>Chunks</th><th>Added</th></tr>{''.join(rows)}</table>")


def build_documents_panel(ctx: Ctx) -> DocumentsPanel:
    settings = ctx.pipeline.settings
    with gr.Accordion("Documents", open=False, elem_id="qa-documents"):
        table = gr.HTML(elem_id="qa-docs")
        if not settings.ui_uploads:
            gr.Markdown("Adding and removing documents is turned off on this server.")
            return DocumentsPanel(table, gr.Dropdown(visible=False), gr.Markdown(visible=False))
        scopes = SCOPES[:1] if settings.session_uploads else SCOPES
        with gr.Row():
            scope = gr.Radio(scopes, value="conversation", label="Add to", elem_id="qa-scope", scale=3)
            upload = gr.UploadButton("Add documents…", file_count="multiple", file_types=FILE_TYPES,
                                     elem_id="qa-upload", scale=1, size="sm")
        status = gr.Markdown(elem_id="qa-upload-status")
        with gr.Row():
            pick = gr.Dropdown([], label="Document to remove", elem_id="qa-doc-pick", scale=3)
            remove = gr.Button("Remove", elem_id="qa-doc-remove", scale=1, size="sm")
        gr.Markdown(f"txt, md, html or pdf, up to {settings.max_upload_bytes:,} bytes each. Documents for this "
                    "conversation stay in server memory only (gone after a restart); only uploaded documents "
                    "can be removed.")
    return DocumentsPanel(table, pick, status, scope, upload, remove)


def _load(ctx: Ctx, files: list[Any]) -> tuple[list[Document], list[str]]:
    """Each file on its own: one bad file is reported and does not block the others."""
    docs, errors = [], []
    for f in files or []:
        try:
            name, data = read_upload(getattr(f, "name", f), ctx.pipeline.settings.max_upload_bytes)
            docs.append(load_bytes(name, data, source=f"upload:{name}"))
        except QAError as err:
            errors.append(f"⚠ {safe_text(err.message)}")
    return docs, errors


def wire_documents(ctx: Ctx, view: View, panel: DocumentsPanel) -> None:
    settings = ctx.pipeline.settings
    if panel.upload is None or panel.remove is None:
        return
    outputs = [*view.outputs(), panel.status]

    def upload(files: list[Any], scope: str, request: gr.Request) -> Iterator[dict[Any, Any]]:
        live = ctx.live(request)
        if not settings.ui_uploads:
            yield view.skip() | {panel.status: "⚠ Uploads are turned off on this server."}
            return
        conv_id = conv.current(live.saved)["id"]
        yield view.skip() | {panel.status: "⏳ Indexing… the documents are not searchable yet."}
        with live.indexing:  # questions wait until the documents are searchable
            docs, errors = _load(ctx, files)
            try:
                if docs and (scope == "shared" and not settings.session_uploads):
                    ctx.pipeline.add_documents(docs)
                    ctx.shared_added.update({d.doc_id: time.time() for d in docs})
                elif docs:
                    ctx.private.add(conv_id, docs)
            except QAError as err:
                errors.append(f"⚠ {safe_text(err.message)}")
                docs = []
        done = [f"✔ Added {safe_text(d.title)}: searchable now." for d in docs]
        yield render(ctx, view, live) | {panel.status: "\n\n".join(done + errors)}

    def remove(doc_id: str | None, request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        conv_id = conv.current(live.saved)["id"]
        shared = ctx.pipeline.store.documents.get(doc_id or "")
        if not settings.ui_uploads or not doc_id:
            message = "⚠ Choose a document first." if settings.ui_uploads else "⚠ Removing is turned off."
        elif ctx.private.remove(conv_id, doc_id):
            message = "✔ Removed from this conversation."
        elif shared is not None and shared.source.startswith("upload:") and not settings.session_uploads:
            ctx.pipeline.delete_document(doc_id)
            message = "✔ Removed from the shared index."
        else:
            message = "⚠ Only uploaded documents can be removed."
        return render(ctx, view, live) | {panel.status: message}

    panel.upload.upload(upload, [panel.upload, panel.scope], outputs, api_visibility="private",
                        show_progress="minimal")
    panel.remove.click(remove, [panel.pick], outputs, api_visibility="private")
