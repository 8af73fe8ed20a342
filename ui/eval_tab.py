"""The UI's "Evaluate" tab: run a question set through the shared pipeline (shared index only, so
documents added to one conversation never change the numbers) and show the report once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr
from qa.ui.render import generator_words
from qa.ui.uploads import read_upload

from qa.corpus import bundled_question_set
from qa.errors import QAError
from qa.evaluation.datasets import load_eval_set
from qa.evaluation.report import explained_markdown, report_fragment
from qa.evaluation.runner import run_eval, summarize
from qa.generators import available_generators
from qa.pipeline import Pipeline

BUNDLED_SET = bundled_question_set()
MAX_UI_QUESTIONS = 500


def evaluate_file(pipeline: Pipeline, upload: str | None, generator: str, limit: float) -> tuple[str, str]:
    """(summary Markdown, report HTML) for an uploaded question set, or the bundled one when None.
    Only files inside Gradio's upload folder are read (the path comes from the browser)."""
    try:
        with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
            if upload:
                name, data = read_upload(upload, pipeline.settings.max_upload_bytes)
                path = Path(tmp) / ("questions" + Path(name).suffix.lower())
                path.write_bytes(data)
            else:
                name, path = BUNDLED_SET.name, BUNDLED_SET
            eval_set = load_eval_set(path, limit=min(int(limit or MAX_UI_QUESTIONS), MAX_UI_QUESTIONS))
            results = run_eval(pipeline, eval_set, generator=generator, progress=True)
    except QAError as err:
        return f"⚠ {err.message}", ""
    metrics = summarize(results)
    head = (f"### {name} · {generator_words(generator)}\n{metrics['questions']} questions "
            f"({metrics['answerable']} answerable, {metrics['unanswerable']} unanswerable), model "
            f"`{metrics['model']}`.\n\n")
    return head + explained_markdown(metrics), report_fragment(metrics, results)


def build_eval_tab(pipeline: Pipeline) -> None:
    """Add the tab's widgets to the enclosing Blocks."""
    settings = pipeline.settings

    def evaluate(upload: str | None, generator: str, limit: float,
                 progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[str, str]:
        return evaluate_file(pipeline, upload, generator, limit)

    gr.Markdown("Run a question set (JSONL/CSV rows `id, question, answers, evidence, history`, or SQuAD "
                "JSON) through the same pipeline as the chat, on the shared index. Without an upload, the bundled "
                f"set about the article is used. At most {MAX_UI_QUESTIONS} questions here; use `qa eval` for more.")
    names = available_generators(settings)
    with gr.Row():
        upload = gr.File(label="Question set (optional)", file_types=[".jsonl", ".json", ".csv"], type="filepath")
        with gr.Column():
            generator = gr.Dropdown([(generator_words(n), n) for n in names], value="extractive", label="Generator")
            limit = gr.Number(value=MAX_UI_QUESTIONS, precision=0, minimum=1, maximum=MAX_UI_QUESTIONS,
                              label="Questions (first N)")
            run = gr.Button("Evaluate", variant="primary", elem_id="qa-eval-run")
    summary = gr.Markdown(elem_id="qa-eval-summary")
    report = gr.HTML(elem_id="qa-eval-report")
    run.click(evaluate, [upload, generator, limit], [summary, report], api_name="evaluate")
