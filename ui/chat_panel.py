"""The chat column: messages, question box, Send/Stop, example chips, regenerate / edit the last
question, answer settings and feedback. Questions go into the tab's queue; one loop per tab answers
them in order, so a question sent while an answer streams is shown as queued and answered next."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr
from qa.ui import conversations as conv
from qa.ui.render import generator_words, plain_text
from qa.ui.session import MAX_PENDING, Live
from qa.ui.view import Ctx, View, render, render_draft

from qa.errors import QAError
from qa.generators import available_generators
from qa.types import Answer

EXAMPLES = [
    ("Who hosted a retreat in rural Virginia?", "Who hosted a retreat in rural Virginia?"),
    ("When did the defense ministers reach the agreement?", "When did the defense ministers reach the agreement?"),
    ("Why did South Korea say its destroyer was using radar?",
     "Why did South Korea say its destroyer was using radar?"),
    ("Not in the article: what is the population of Seoul?", "What is the population of Seoul?"),
]
MAX_FEEDBACK_CHARS = 4000


@dataclass
class ChatPanel:
    chatbot: gr.Chatbot
    box: gr.Textbox
    send: gr.Button
    stop: gr.Button
    regenerate: gr.Button
    edit: gr.Button
    chips: list[tuple[gr.Button, str]]
    generator: gr.Dropdown
    top_k: gr.Slider
    temperature: gr.Slider
    announce: gr.HTML


def welcome(ctx: Ctx) -> str:
    docs = ctx.pipeline.documents()
    about = f"**{docs[0].title}**" if docs else "the indexed documents"
    return (f"### Ask about {about}\nAnswers come only from the article and documents you add. Every sentence "
            "is checked against the source; click a number to see the exact sentence it rests on. Questions the "
            "article does not answer get **Not in the article** instead of a guess.")


def build_chat_panel(ctx: Ctx) -> ChatPanel:
    settings = ctx.pipeline.settings
    chatbot = gr.Chatbot(label="Conversation", show_label=False, height=520, elem_id="qa-chat", sanitize_html=True,
                         latex_delimiters=[], buttons=[], placeholder=welcome(ctx), autoscroll=True)
    with gr.Row(elem_classes="qa-chips"):
        chips = [(gr.Button(label, size="sm", elem_classes="qa-chip", variant="secondary"), question)
                 for label, question in EXAMPLES]
    with gr.Row():
        box = gr.Textbox(label="Your question", placeholder="Ask a question about the article…", show_label=False,
                         scale=5, elem_id="qa-input", max_length=settings.max_question_chars, autofocus=True)
        send = gr.Button("Send", variant="primary", scale=1, elem_id="qa-send", min_width=80)
        stop = gr.Button("Stop", variant="stop", scale=1, elem_id="qa-stop", visible=False, min_width=80)
    with gr.Row():
        regenerate = gr.Button("↻ Regenerate", size="sm", elem_id="qa-regenerate")
        edit = gr.Button("✎ Edit last question", size="sm", elem_id="qa-edit")
    announce = gr.HTML(elem_classes="qa-sr-only", elem_id="qa-announce")
    names = available_generators(settings)
    with gr.Accordion("Answer settings (for your next questions in this tab)", open=False):
        generator = gr.Dropdown([(generator_words(n), n) for n in names], value=settings.generator,
                                label="Who writes the answer", elem_id="qa-generator")
        top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages searched (top-k)")
        temperature = gr.Slider(0.0, 1.5, value=settings.temperature, step=0.1, label="Temperature")
    return ChatPanel(chatbot, box, send, stop, regenerate, edit, chips, generator, top_k, temperature, announce)


def _enqueue(ctx: Ctx, view: View, live: Live, question: str) -> dict[Any, Any]:
    question = (question or "").strip()
    if not question:
        return view.skip()
    if len(live.pending) >= MAX_PENDING:
        gr.Warning(f"{MAX_PENDING} questions are already waiting; please wait for an answer.")
        return view.skip()
    live.pending.append((live.saved["current"], question))
    return render(ctx, view, live)


def _answer_one(ctx: Ctx, view: View, live: Live, conv_id: str, question: str,
                options: dict[str, Any]) -> Iterator[dict[Any, Any]]:
    """Stream one answer into `live`; stops between deltas when Stop was pressed."""
    target = next((c for c in live.saved["conversations"] if c["id"] == conv_id), None)
    if target is None:
        return
    live.inflight, live.draft, live.writing = (conv_id, question), "", False
    with live.indexing:  # an upload in progress finishes first, so its documents are searched
        pass
    answer: Answer | None = None
    note = ""
    stream = ctx.pipeline.ask_stream(question, conv.history(target), store=ctx.private.store(conv_id), **options)
    try:
        yield render(ctx, view, live)
        for event in stream:
            if live.stop.is_set():
                note = "Stopped."
                break
            if event.answer is None and event.delta:
                live.draft += event.delta
                yield render_draft(ctx, view, live)
            elif event.answer is None and not live.writing:  # the model writes; its text is shown once checked
                live.writing = True
                yield render_draft(ctx, view, live)
            else:
                answer = event.answer
    except QAError as err:
        note = f"⚠ {err.message}"
    finally:
        stream.close()  # ends generation on the server (the generator's thread stops at the next token)
    if answer is None and not note:
        note = "Stopped."
    live.hits = answer.hits if answer else live.hits
    live.inflight, live.draft, live.writing = None, "", False
    conv.add_turn_to(live.saved, conv_id, conv.turn(question, answer, note))
    titles = {d.doc_id: d.title for d in ctx.documents(conv_id)}
    yield render(ctx, view, live, announce=plain_text(answer, titles) if answer else note)


def _run(ctx: Ctx, view: View, live: Live, options: dict[str, Any]) -> Iterator[dict[Any, Any]]:
    """Answer the tab's queued questions in order; a second loop of the same tab returns at once."""
    if not live.lock.acquire(blocking=False):
        yield view.skip()
        return
    try:
        while True:
            live.stop.clear()
            try:
                conv_id, question = live.pending.popleft()
            except IndexError:  # none left (or Stop emptied the queue meanwhile)
                break
            yield from _answer_one(ctx, view, live, conv_id, question, options)
    finally:
        live.inflight = None
        live.lock.release()
    yield render(ctx, view, live)


def _take_last(live: Live) -> str | None:
    """Remove the last turn of the current conversation and return its question (None if busy/empty)."""
    current = conv.current(live.saved)
    if live.inflight is not None or live.pending or not current["turns"]:
        return None
    last = current["turns"][-1]
    current["turns"] = current["turns"][:-1]
    return last["question"]


def _feedback(ctx: Ctx, live: Live, data: gr.LikeData) -> None:
    """Append one validated row: the index must point at an answer of the current conversation."""
    turns = conv.current(live.saved)["turns"]
    index = data.index
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 2 * len(turns) or index % 2 == 0:
        return
    entry = turns[index // 2]
    answer = conv.answer_from_json(entry["answer"])
    liked = data.liked if isinstance(data.liked, bool) else str(data.liked)[:40]
    row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "liked": liked, "index": index,
           "question": entry["question"][:MAX_FEEDBACK_CHARS],
           "answer": (answer.answer if answer else entry["note"])[:MAX_FEEDBACK_CHARS],
           "status": answer.status if answer else None}
    path = ctx.pipeline.settings.feedback_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:  # one short O_APPEND write per line
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def wire_chat(ctx: Ctx, view: View, chat: ChatPanel) -> None:
    """Handlers are closures (Gradio finds `gr.Request` parameters only on plain functions)."""
    outputs = view.outputs()
    private = {"api_visibility": "private"}

    def ask(question: str, saved: Any, request: gr.Request) -> dict[Any, Any]:
        return _enqueue(ctx, view, ctx.live(request, saved), question) | {chat.box: ""}

    def run(generator: str, top_k: float, temperature: float, request: gr.Request) -> Iterator[dict[Any, Any]]:
        options = {"generator": generator, "top_k": int(top_k), "temperature": float(temperature)}
        yield from _run(ctx, view, ctx.live(request), options)

    def stop(request: gr.Request) -> None:
        live = ctx.live(request)
        live.pending.clear()
        live.stop.set()

    def regenerate(request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        question = _take_last(live)
        return view.skip() if question is None else _enqueue(ctx, view, live, question)

    def edit(request: gr.Request) -> dict[Any, Any]:
        live = ctx.live(request)
        question = _take_last(live)
        if question is None:
            return view.skip() | {chat.box: gr.skip()}
        return render(ctx, view, live) | {chat.box: question}

    def clear(request: gr.Request) -> dict[Any, Any]:
        """The chat's own clear (bin) button starts a new chat; the old one stays in the sidebar."""
        live = ctx.live(request)
        if live.inflight is None and not live.pending:
            conv.start_new(live.saved)
        return render(ctx, view, live)

    def feedback(data: gr.LikeData, request: gr.Request) -> None:
        _feedback(ctx, ctx.live(request), data)

    def then_run(event: Any) -> None:
        event.then(run, [chat.generator, chat.top_k, chat.temperature], outputs, trigger_mode="multiple",
                   concurrency_limit=8, show_progress="hidden", **private)

    for trigger in (chat.box.submit, chat.send.click):
        then_run(trigger(ask, [chat.box, view.saved], [*outputs, chat.box], queue=False, **private))
    for button, question in chat.chips:
        then_run(button.click(lambda q=question: q, None, chat.box, queue=False, **private)
                 .then(ask, [chat.box, view.saved], [*outputs, chat.box], queue=False, **private))
    then_run(chat.regenerate.click(regenerate, None, outputs, queue=False, **private))
    chat.edit.click(edit, None, [*outputs, chat.box], queue=False, **private)
    chat.stop.click(stop, None, None, queue=False, **private)
    chat.chatbot.like(feedback, None, None, **private)
    chat.chatbot.clear(clear, None, outputs, queue=False, **private)
