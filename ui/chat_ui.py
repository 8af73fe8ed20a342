"""The Gradio chat UI: streamed answers, clickable citations, source panel, settings per request,
uploads, feedback. It only translates between widgets and the shared pipeline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from qa.index.ingest import load_bytes
from qa.ui.eval_tab import build_eval_tab
from qa.ui.render import answer_html, badge_html, passages_html, source_html

from qa.errors import QAError
from qa.generators import GENERATOR_NAMES
from qa.pipeline import Pipeline
from qa.types import Answer, Turn

EXAMPLES = [
    "When did the defense ministers reach the agreement?",
    "Why did South Korea say its destroyer was using radar?",
    "Who hosted a retreat in rural Virginia?",
    "What is the population of Seoul?",
]


def build_ui(pipeline: Pipeline) -> gr.Blocks:
    settings = pipeline.settings
    default_doc = pipeline.documents()[0] if pipeline.documents() else None

    def respond(message: str, messages: list[dict], generator: str, k: int, temperature: float,
                store: Any) -> Iterator[tuple]:
        messages = list(messages or [])
        history = [Turn(m["role"], m["content"]) for m in messages
                   if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)]
        messages.append({"role": "user", "content": message})
        messages.append({"role": "assistant", "content": "…"})
        draft = ""
        answer: Answer | None = None
        try:
            for event in pipeline.ask_stream(message, history, store=store, generator=generator,
                                             top_k=int(k), temperature=float(temperature)):
                if event.answer is None:
                    draft += event.delta
                    messages[-1] = {"role": "assistant", "content": draft + " ▌"}
                    yield messages, gr.skip(), gr.skip(), gr.skip(), ""
                else:
                    answer = event.answer
        except QAError as err:
            messages[-1] = {"role": "assistant", "content": f"⚠ {err.message}"}
            yield messages, gr.skip(), gr.skip(), gr.skip(), ""
            return
        assert answer is not None
        messages[-1] = {"role": "assistant", "content": answer_html(answer)}
        docs = (store or pipeline.store).documents
        doc = docs.get(answer.citations[0].doc_id) if answer.citations else default_doc
        yield (messages, source_html(doc, answer.citations), passages_html(answer.hits), badge_html(answer), "")

    def upload(files: list[str] | None, store: Any) -> tuple[str, Any]:
        if not files:
            return "No file chosen.", store
        limit = settings.max_upload_bytes
        added = []
        try:
            docs = []
            for path in files:
                p = Path(path)
                if p.stat().st_size > limit:
                    return f"⚠ {p.name} is larger than the {limit // 1_000_000} MB limit.", store
                docs.append(load_bytes(p.name, p.read_bytes(), source=f"upload:{p.name}"))
            if settings.session_uploads:
                store = (store or pipeline.store).add(docs, pipeline.embedder)
            else:
                pipeline.add_documents(docs)
            added = [d.doc_id for d in docs]
        except QAError as err:
            return f"⚠ {err.message}", store
        scope = "this session" if settings.session_uploads else "the shared index"
        return f"✔ Added {', '.join(added)} to {scope}.", store

    def feedback(data: gr.LikeData, messages: list[dict]) -> None:
        row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "liked": data.liked, "index": data.index,
               "message": messages[data.index]["content"] if isinstance(data.index, int) else None}
        settings.feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with settings.feedback_path.open("a", encoding="utf-8") as fh:  # one short O_APPEND write per line
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    with gr.Blocks(title="Article Q&A") as demo:
        store_state = gr.State(None)
        gr.Markdown("## Ask the article\nAnswers come only from the article; each `[n]` links to the exact "
                    "sentence it rests on.")
        with gr.Tab("Chat"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(label="Chat", height=460, buttons=["copy"], elem_id="qa-chat",
                                     sanitize_html=True)
                badge = gr.HTML(elem_id="qa-badge")
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question about the article…", show_label=False,
                                     scale=5, elem_id="qa-input", max_length=settings.max_question_chars)
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="qa-send")
                gr.Examples(EXAMPLES, inputs=box)
                clear = gr.Button("Clear chat", size="sm")
                with gr.Accordion("Settings (this request only)", open=False):
                    generator = gr.Dropdown(list(GENERATOR_NAMES), value=settings.generator, label="Generator")
                    top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages (top-k)")
                    temperature = gr.Slider(0.0, 1.5, value=settings.temperature, step=0.1, label="Temperature")
                with gr.Accordion("Add your own documents", open=False):
                    files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                                    type="filepath", label="txt, md, html or pdf")
                    upload_status = gr.Markdown()
            with gr.Column(scale=2, min_width=300):
                with gr.Tab("Source"):
                    source = gr.HTML(source_html(default_doc), elem_id="qa-source-panel")
                with gr.Tab("Retrieved passages"):
                    passages = gr.HTML(passages_html(()))
        with gr.Tab("Evaluate"):
            build_eval_tab(pipeline)
        inputs = [box, chatbot, generator, top_k, temperature, store_state]
        outputs = [chatbot, source, passages, badge, box]
        box.submit(respond, inputs, outputs, api_name="chat")
        send.click(respond, inputs, outputs, api_name=False)
        clear.click(lambda: ([], source_html(default_doc), passages_html(()), ""), None,
                    [chatbot, source, passages, badge], api_name=False)
        files.upload(upload, [files, store_state], [upload_status, store_state], api_name=False,
                     show_progress="full")
        chatbot.like(feedback, [chatbot], None, api_name=False)
    return demo
