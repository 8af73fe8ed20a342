"""The chat UI's logic without a browser: rendering from the structured answer (escaping, no stray
citation links or images), saved conversations, uploads read only from Gradio's upload folder,
feedback validation, the evaluation report and the offline API docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gradio as gr
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from qa.ui import conversations as conv
from qa.ui.docs_assets import serve_docs_offline
from qa.ui.render import answer_html, mark_id, plain_text, source_html
from qa.ui.uploads import read_upload

from qa.errors import InvalidInputError
from qa.evaluation.report import worst
from qa.serialize import answer_json
from qa.types import Answer, Citation, Document, ShortAnswer, Statement
from tests.fakes import ScriptedGenerator

TRAP = "See [1] and ![x](http://evil.example/x.png) <img src=http://evil.example/y.png> [link](http://evil.example)"
DOC = Document("d1", "Doc <b>title</b>", f"First sentence. {TRAP}. Third sentence.")


def answer(**changes) -> Answer:
    start = DOC.text.index("See")
    end = DOC.text.index(". Third") + 1
    cited = Citation(1, "d1", "d1#0", start, end, DOC.text[start:end])
    base = Answer(answer=f"{TRAP} [1]", citations=(cited,), grounded=True, refused=False, generator="extractive",
                  model="m", statements=(Statement(TRAP, (1,), "quote"),))
    return Answer(**{**base.__dict__, **changes})


def links(html: str) -> int:
    return len(re.findall(r"<a\b", html))


def test_literal_markers_and_markdown_in_text_never_become_links_or_images():
    a = answer()
    html = answer_html(a, {"d1": DOC.title})
    assert links(html) == 2  # the one structural citation: its chip and its source card
    assert "<img" not in html and "src=" not in html
    assert "[1]" not in html and "](" not in html  # Markdown cannot read a marker, image or link in it
    panel = source_html([DOC], a.citations)
    assert links(panel) == 0 and "<img" not in panel and "<b>title" not in panel
    assert panel.count("<mark") == 1 and f'id="{mark_id("d1", a.citations[0].start, a.citations[0].end)}"' in panel


def test_badge_words_and_short_answer_first():
    start = DOC.text.index("First")
    short = ShortAnswer("First sentence", "d1", start, start + 14, 1)
    html = answer_html(answer(short_answer=short))
    assert html.index("<b>First sentence</b>") < html.index("See")
    led = answer(short_answer=short, statements=(Statement("First sentence.", (1,), "lead"),
                                                 Statement(TRAP, (1,), "quote")))
    assert answer_html(led).count("First sentence") == 1  # the lead statement is the short answer: once
    assert "Grounded" in html
    assert "Partly answered" in answer_html(answer(grounded=False))
    refused = answer_html(Answer("The article does not say.", (), False, True, "transformers", "m"))
    assert "Not in the article" in refused and "Local model" in refused


def test_copy_text_is_markdown_with_sources_not_html():
    text = plain_text(answer(), {"d1": "Doc"})
    assert text.startswith(answer().answer) and "<a" not in text and "class=" not in text
    assert text.endswith(f"[1] Doc: “{answer().citations[0].quote}”")


def test_saved_conversations_round_trip_and_junk_is_dropped():
    saved = conv.empty_saved()
    conv.add_turn_to(saved, saved["current"], conv.turn("Q?", answer()))
    again = conv.validate(json.loads(json.dumps(saved)))
    restored = conv.answer_from_json(conv.current(again)["turns"][0]["answer"])
    assert restored is not None and restored.statements == answer().statements
    assert restored.citations == answer().citations and restored.status == "grounded"
    assert conv.history(conv.current(again))[0].content == "Q?"
    for junk in (None, [], {"conversations": "x"}, {"conversations": [{"id": "../x", "turns": []}]}):
        assert len(conv.validate(junk)["conversations"]) == 1  # a fresh empty chat
    big = {"conversations": [{"id": f"c{i}", "turns": [{"question": "q" * 10**6}] * 200} for i in range(100)]}
    bounded = conv.validate(big)
    assert 1 <= len(bounded["conversations"]) <= conv.MAX_CONVERSATIONS
    assert len(json.dumps(bounded)) <= conv.MAX_SAVED_CHARS + 1000
    assert all(len(c["turns"]) <= conv.MAX_TURNS for c in bounded["conversations"])
    assert len(bounded["conversations"][0]["turns"][0]["question"]) == conv.MAX_TEXT


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
                        ["id", "turns", "question", "answer", "note", "citations", "statements", "text", "n",
                         "start", "end", "quote", "doc_id", "kind", "short_answer", "parts", "title", "current",
                         "conversations", "citation", "answered", "updated"]), inner, max_size=6), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"conversations": st.lists(st.fixed_dictionaries(
    {"id": st.sampled_from(["a1", "b2"]), "turns": st.lists(JSON, max_size=3)}), max_size=3)}) | JSON)
def test_anything_the_browser_sends_is_validated_and_renders(data):
    saved = conv.validate(data)
    current = conv.current(saved)
    for t in current["turns"]:
        a = conv.answer_from_json(t["answer"])
        if a is not None:
            answer_html(a)
    conv.history(current)


def test_history_reads_gradio6_content_parts():
    messages = [{"role": "user", "content": [{"type": "text", "text": "Who hosted it?"}]},
                {"role": "assistant", "content": "Kurt Campbell [1]."},
                {"role": "user", "content": [{"type": "file", "file": {"path": "/x"}}]}]
    assert [(t.role, t.content) for t in conv.turns_from_messages(messages)] == [
        ("user", "Who hosted it?"), ("assistant", "Kurt Campbell [1].")]


def test_uploads_are_read_only_from_gradio_upload_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    inside = tmp_path / "gradio" / "abc" / "notes.txt"
    inside.parent.mkdir(parents=True)
    inside.write_text("hello")
    assert read_upload(str(inside), 100) == ("notes.txt", b"hello")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for forged in (str(outside), str(tmp_path / "gradio" / ".." / "secret.txt"), "/etc/passwd"):
        with pytest.raises(InvalidInputError):
            read_upload(forged, 100)
    with pytest.raises(InvalidInputError, match="larger"):
        read_upload(str(inside), 3)


def test_feedback_rows_are_validated(tmp_path, pipeline):
    from qa.ui.chat_panel import MAX_FEEDBACK_CHARS, _feedback
    from qa.ui.session import PrivateDocs, Sessions
    from qa.ui.view import Ctx

    from qa.pipeline import Pipeline

    path = tmp_path / "feedback.jsonl"
    p = Pipeline(pipeline.settings.override(feedback_path=path), pipeline.embedder, pipeline.store)
    ctx = Ctx(p, Sessions(), PrivateDocs(p))
    live = ctx.live(None)
    conv.add_turn_to(live.saved, live.saved["current"], conv.turn("q" * 10_000, answer()))
    for index in (0, 2, -1, 99, True, (1, 0), "1"):  # a question, out of range, wrong types
        _feedback(ctx, live, gr.LikeData(None, {"index": index, "value": "", "liked": True}))
    assert not path.exists()
    _feedback(ctx, live, gr.LikeData(None, {"index": 1, "value": "forged text", "liked": False}))
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["liked"] is False and rows[0]["status"] == "grounded"
    assert len(rows[0]["question"]) == MAX_FEEDBACK_CHARS and "forged" not in json.dumps(rows[0])


def test_conversation_documents_leave_the_shared_index_alone(pipeline):
    from qa.ui.session import PrivateDocs

    private = PrivateDocs(pipeline)
    shared_before = pipeline.store
    doc = Document("zebras", "Zebras", "Plains zebras graze on tall grasses in the Serengeti every dry season.")
    private.add("conv1", [doc])
    assert pipeline.store is shared_before and "zebras" not in pipeline.store.documents
    assert "zebras" in private.store("conv1").documents and private.store("conv2") is None
    answer_ = pipeline.ask("What do plains zebras graze on?", store=private.store("conv1"), generator="extractive")
    assert not answer_.refused and answer_.citations[0].doc_id == "zebras"
    assert private.remove("conv1", "zebras") and private.store("conv1") is None


def test_uploads_off_shows_no_upload_controls(pipeline):
    from qa.ui.chat_ui import build_ui

    from qa.pipeline import Pipeline

    def uploaders(settings_changes: dict) -> list:
        p = Pipeline(pipeline.settings.override(**settings_changes), pipeline.embedder, pipeline.store)
        blocks = build_ui(p).blocks.values()
        return [b for b in blocks if isinstance(b, gr.UploadButton) or getattr(b, "elem_id", "") == "qa-doc-remove"]

    assert len(uploaders({"ui_uploads": True})) == 2
    assert uploaders({"ui_uploads": False}) == []


def test_worst_questions_leave_out_correct_refusals():
    def row(i: int, answerable: bool, refused: bool, f1: float) -> dict:
        return {"id": str(i), "answerable": answerable, "refused": refused, "contains_gold": f1 > 0.5, "f1": f1}

    results = [row(1, False, True, 0.0), row(2, True, True, 0.0), row(3, True, False, 0.2),
               row(4, False, False, 0.0), row(5, True, False, 1.0)]
    assert [r["id"] for r in worst(results)] == ["2", "4", "3", "5"]


def test_api_docs_use_packaged_assets(tmp_path):
    app = FastAPI(title="Docs test")
    serve_docs_offline(app)
    client = TestClient(app)
    for page, script in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        body = client.get(page).text
        assert f"/docs-assets/{script}" in body and "cdn." not in body and "fonts.googleapis" not in body
        asset = client.get(f"/docs-assets/{script}")
        assert asset.status_code == 200 and len(asset.content) > 500_000
    assert "default-src 'self'" in client.get("/redoc").headers["content-security-policy"]
    assert Path(client.get("/docs-assets/swagger-ui.css").url.path).name == "swagger-ui.css"


def test_answer_json_shape_is_what_the_browser_keeps():
    saved = conv.turn("Q", answer())
    assert saved["answer"] == answer_json(answer())


class WordsThenWait(ScriptedGenerator):
    """Writes sentence after sentence as a model would (the pipeline answers the "extractive" name from
    the evidence without calling a generator); records an early close."""

    name = "transformers"

    def __init__(self) -> None:
        super().__init__(" ".join(["Kurt Campbell hosted a retreat in rural Virginia [1]."] * 12))
        self.closed_early = False

    def stream(self, request):
        try:
            yield from super().stream(request)
        except GeneratorExit:
            self.closed_early = True
            raise


def ui_parts(pipeline, generator):
    from qa.ui.session import PrivateDocs, Sessions
    from qa.ui.view import Ctx, View

    from qa.pipeline import Pipeline

    p = Pipeline(pipeline.settings, pipeline.embedder, pipeline.store, generators={"transformers": generator})
    with gr.Blocks():
        view = View(gr.Chatbot(), gr.HTML(), gr.HTML(), gr.BrowserState(), gr.Radio(), gr.Button(), gr.HTML(),
                    gr.HTML(), gr.Dropdown())
    ctx = Ctx(p, Sessions(), PrivateDocs(p))
    return ctx, view, ctx.live(None)


QUESTIONS = ("Who hosted a retreat in rural Virginia?", "Where was the retreat hosted?")


def test_queued_questions_are_shown_then_answered_in_order(pipeline):
    from qa.ui.chat_panel import _run

    ctx, view, live = ui_parts(pipeline, WordsThenWait())
    live.pending.extend((live.saved["current"], q) for q in QUESTIONS)
    shown_queued = False
    for out in _run(ctx, view, live, {"generator": "transformers"}):
        messages = out[view.chatbot]
        if live.inflight and live.inflight[1] == QUESTIONS[0] and isinstance(messages, list):
            shown_queued |= "Queued" in messages[-1]["content"]
    turns = conv.current(live.saved)["turns"]
    assert shown_queued and [t["question"] for t in turns] == list(QUESTIONS)
    assert all(t["answer"] for t in turns) and not live.lock.locked()


def test_stop_closes_the_generation_and_drops_the_queue(pipeline):
    from qa.ui.chat_panel import _run

    generator = WordsThenWait()
    ctx, view, live = ui_parts(pipeline, generator)
    live.pending.extend((live.saved["current"], q) for q in QUESTIONS)
    for _ in _run(ctx, view, live, {"generator": "transformers"}):
        if (live.draft or live.writing) and not live.stop.is_set():  # the Stop button, as the model writes
            live.pending.clear()
            live.stop.set()
    turns = conv.current(live.saved)["turns"]
    assert [(t["question"], t["answer"], t["note"]) for t in turns] == [(QUESTIONS[0], None, "Stopped.")]
    assert generator.closed_early and not live.lock.locked()


def test_regenerate_and_edit_take_back_only_a_finished_last_question(pipeline):
    from qa.ui.chat_panel import _take_last

    live = ui_parts(pipeline, WordsThenWait())[2]
    assert _take_last(live) is None  # nothing asked yet
    for q in QUESTIONS:
        conv.add_turn_to(live.saved, live.saved["current"], conv.turn(q, answer()))
    live.pending.append((live.saved["current"], "another"))
    assert _take_last(live) is None  # busy: the queue is not empty
    live.pending.clear()
    assert _take_last(live) == QUESTIONS[1]
    assert [t["question"] for t in conv.current(live.saved)["turns"]] == [QUESTIONS[0]]


def test_evaluate_tab_never_reads_a_server_path(pipeline, tmp_path):
    from qa.ui.eval_tab import evaluate_file

    secret = tmp_path / "questions.jsonl"  # a valid question set, but not an upload
    secret.write_text('{"id": "1", "question": "Who hosted a retreat in rural Virginia?", "answers": ["Campbell"]}\n')
    for forged in (str(secret), "/etc/passwd"):
        summary, report = evaluate_file(pipeline, forged, "extractive", 5)
        assert summary.startswith("⚠ That is not a file uploaded") and report == ""
