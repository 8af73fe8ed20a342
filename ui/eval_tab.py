"""The UI's "Evaluate" tab: run a question set through the shared pipeline and show the report."""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from qa.corpus import bundled_question_set
from qa.errors import QAError
from qa.evaluation.datasets import load_eval_set
from qa.evaluation.report import report_html, summary_markdown
from qa.evaluation.runner import run_eval, summarize
from qa.generators import GENERATOR_NAMES
from qa.pipeline import Pipeline

BUNDLED_SET = bundled_question_set()
MAX_UI_QUESTIONS = 500


def build_eval_tab(pipeline: Pipeline) -> None:
    """Add the tab's widgets to the enclosing Blocks."""

    def evaluate(upload: str | None, generator: str, limit: float,
                 progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[str, str]:
        path = Path(upload) if upload else BUNDLED_SET
        if not path.is_file():
            return "⚠ No question set: upload a JSONL, CSV or SQuAD file.", ""
        try:
            eval_set = load_eval_set(path, limit=min(int(limit or MAX_UI_QUESTIONS), MAX_UI_QUESTIONS))
            results = run_eval(pipeline, eval_set, generator=generator, progress=True)
        except QAError as err:
            return f"⚠ {err.message}", ""
        metrics = summarize(results)
        title = f"{path.name} · {generator}"
        frame = (f'<iframe title="report" style="width:100%;height:900px;border:0" '
                 f'srcdoc="{html.escape(report_html(metrics, results, title), quote=True)}"></iframe>')
        return summary_markdown(metrics, title), frame

    gr.Markdown("Run a question set (JSONL/CSV rows `id, question, answers, evidence, history`, or SQuAD "
                "JSON) through the same pipeline as the chat. Without an upload, the bundled set about the "
                f"article is used. At most {MAX_UI_QUESTIONS} questions here; use `qa eval` for more.")
    with gr.Row():
        upload = gr.File(label="Question set (optional)", file_types=[".jsonl", ".json", ".csv"], type="filepath")
        with gr.Column():
            generator = gr.Dropdown(list(GENERATOR_NAMES), value="extractive", label="Generator")
            limit = gr.Number(value=MAX_UI_QUESTIONS, precision=0, minimum=1, maximum=MAX_UI_QUESTIONS,
                              label="Questions (first N)")
            run = gr.Button("Evaluate", variant="primary", elem_id="qa-eval-run")
    summary = gr.Markdown(elem_id="qa-eval-summary")
    report = gr.HTML()
    run.click(evaluate, [upload, generator, limit], [summary, report], api_name="evaluate")
