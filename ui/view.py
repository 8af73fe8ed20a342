"""What every chat event sends back to the page, rendered from one tab's live state: the chat
messages, the source panel, the conversation list, the documents list and the Stop button."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import gradio as gr
from qa.ui import conversations as conv
from qa.ui.render import answer_html, note_html, passages_html, safe_text, source_html
from qa.ui.session import Live, PrivateDocs, Sessions

from qa.pipeline import Pipeline
from qa.types import Document

STREAM_CURSOR = " ▌"


@dataclass
class Ctx:
    """What the UI's handlers share: the pipeline, live tab states and per-conversation documents."""

    pipeline: Pipeline
    sessions: Sessions
    private: PrivateDocs
    shared_added: dict[str, float] = field(default_factory=dict)  # uploads to the shared index: time added

    def live(self, request: gr.Request | None, saved: Any = None) -> Live:
        return self.sessions.get(getattr(request, "session_hash", None) or "anonymous", saved)

    def documents(self, conv_id: str) -> list[Document]:
        """The shared documents, then this conversation's own (which win on the same id)."""
        own = self.private.documents(conv_id)
        ids = {d.doc_id for d in own}
        return [d for d in self.pipeline.documents() if d.doc_id not in ids] + own


@dataclass
class View:
    """The components that `render` updates (each event lists them all as outputs)."""

    chatbot: gr.Chatbot
    source: gr.HTML
    passages: gr.HTML
    saved: gr.BrowserState
    convs: gr.Radio
    stop: gr.Button
    announce: gr.HTML
    docs: gr.HTML
    doc_pick: gr.Dropdown

    def outputs(self) -> list[Any]:
        return [getattr(self, f.name) for f in fields(self)]

    def skip(self) -> dict[Any, Any]:
        return {c: gr.skip() for c in self.outputs()}


def messages(live: Live, titles: dict[str, str]) -> list[dict[str, str]]:
    """The current conversation as chat messages; the answer being written and queued questions last."""
    current = conv.current(live.saved)
    out: list[dict[str, str]] = []
    for t in current["turns"]:
        answer = conv.answer_from_json(t["answer"])
        out.append({"role": "user", "content": safe_text(t["question"])})
        out.append({"role": "assistant", "content": answer_html(answer, titles) if answer
                    else note_html(t["note"] or "No answer.", "stopped")})
    inflight, draft, pending = live.inflight, live.draft, list(live.pending)  # other threads change these
    if inflight is not None and inflight[0] == current["id"]:
        out.append({"role": "user", "content": safe_text(inflight[1])})
        text = safe_text(draft) + STREAM_CURSOR if draft else note_html("Searching the article…", "busy")
        out.append({"role": "assistant", "content": text})
    for conv_id, question in pending:
        if conv_id == current["id"]:
            out.append({"role": "user", "content": safe_text(question)})
            out.append({"role": "assistant", "content": note_html("Queued: answered after the current answer.",
                                                                  "queued")})
    return out


def docs_table(ctx: Ctx, conv_id: str) -> str:
    from qa.ui.documents_panel import table_html

    return table_html(ctx, conv_id)


def render_draft(ctx: Ctx, view: View, live: Live) -> dict[Any, Any]:
    """While an answer streams only the chat changes."""
    titles = {d.doc_id: d.title for d in ctx.documents(conv.current(live.saved)["id"])}
    return view.skip() | {view.chatbot: messages(live, titles), view.stop: gr.update(visible=True)}


def render(ctx: Ctx, view: View, live: Live, announce: str | None = None) -> dict[Any, Any]:
    """Every output, from `live` (the browser storage gets a copy of its conversations)."""
    current = conv.current(live.saved)
    docs = ctx.documents(current["id"])
    titles = {d.doc_id: d.title for d in docs}
    answers = [a for a in (conv.answer_from_json(t["answer"]) for t in current["turns"]) if a]
    citations = [c for a in answers for c in a.citations]
    cited = {c.doc_id for c in citations}
    shown = next((c.doc_id for a in reversed(answers) for c in a.citations), None)
    panel_docs = [d for i, d in enumerate(docs) if i == 0 or d.doc_id in cited]
    running = live.inflight is not None or bool(live.pending)
    out: dict[Any, Any] = {
        view.chatbot: messages(live, titles),
        view.source: source_html(panel_docs, citations, shown),
        view.passages: passages_html(live.hits),
        view.saved: live.snapshot(),
        view.convs: gr.update(choices=conv.choices(live.saved), value=current["id"]),
        view.stop: gr.update(visible=running),
        view.announce: gr.skip() if announce is None else f'<div class="qa-announce-text">{safe_text(announce)}</div>',
        view.docs: docs_table(ctx, current["id"]),
        view.doc_pick: gr.update(choices=[(d.title, d.doc_id) for d in docs], value=None),
    }
    return out
