"""Evaluation outputs: metrics.json, results.jsonl, summary.md and a self-contained report.html
with plots; plus `compare` for two runs. Every file is written atomically."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from qa.errors import InvalidInputError
from qa.index.storage import atomic_write_text

HEADLINE = ["hit@1", "hit@3", "hit@5", "mrr", "exact_match", "f1", "short_answer_rate", "contains_gold",
            "draft_contains_gold", "key_sentence_recall", "parts_accuracy",
            "fallback_rate", "citation_precision",
            "citation_recall", "grounded_rate", "refusal_recall", "refusal_precision", "false_refusal_rate"]


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def summary_markdown(metrics: dict[str, Any], title: str = "Evaluation") -> str:
    lat = metrics["latency_ms"]
    lines = [f"# {title}", "", f"Generator: `{metrics['generator']}` · model: `{metrics['model']}` · "
             f"{metrics['questions']} questions ({metrics['answerable']} answerable, "
             f"{metrics['unanswerable']} unanswerable)", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {fmt(metrics.get(k))} |" for k in HEADLINE]
    lines += [f"| unsupported_sentences | {metrics['unsupported_sentences']} |",
              f"| degenerate_answers | {metrics.get('degenerate_answers', 0)} |",
              f"| tokens_per_s | {fmt(metrics.get('tokens_per_s'))} |"]
    lines += [f"| {stage} p50 / p95 | {fmt(v['p50'])} / {fmt(v['p95'])} |" for stage, v in lat.items()]
    return "\n".join(lines) + "\n"


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _plots(metrics: dict[str, Any], results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist([r["timings"].get("total_ms", 0) for r in results], bins=30, color="#4f7cac")
    ax.set_xlabel("total latency (ms)")
    ax.set_ylabel("questions")
    out.append(("Latency", _png(fig)))
    plt.close(fig)
    names = [k for k in HEADLINE if metrics.get(k) is not None]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(names[::-1], [metrics[k] for k in names][::-1], color="#6aa84f")
    ax.set_xlim(0, 1)
    out.append(("Metrics", _png(fig)))
    plt.close(fig)
    return out


# What each headline metric means and the target it is held to (None: no target, read with others).
EXPLAINED: dict[str, tuple[str, str | None]] = {
    "hit@1": ("the evidence passage is retrieved first", "≥ 0.90"),
    "hit@3": ("the evidence passage is in the top 3", "≥ 0.97"),
    "hit@5": ("the evidence passage is in the top 5", None),
    "mrr": ("mean reciprocal rank of the evidence passage", None),
    "exact_match": ("the short answer (else the whole answer) equals a gold answer, SQuAD normalisation", None),
    "f1": ("word overlap of the short answer (else the whole answer) with the best gold answer", "≥ 0.60"),
    "short_answer_rate": ("answerable questions given a direct short answer", None),
    "key_sentence_recall": ("annotated key sentences of open questions that the answer cites", "≥ 0.85"),
    "parts_accuracy": ("parts of multi-part questions marked answered or not as annotated", None),
    "contains_gold": ("a gold answer occurs in the answer", "≥ 0.90"),
    "draft_contains_gold": ("a gold answer occurs in the generator's draft, before verification", None),
    "fallback_rate": ("answers where the draft failed and the source was quoted instead", None),
    "citation_precision": ("citations that point at the evidence", None),
    "citation_recall": ("answerable questions with at least one citation of the evidence", None),
    "grounded_rate": ("shown answers whose every sentence passed verification", None),
    "refusal_recall": ("unanswerable questions refused", "≥ 0.70"),
    "refusal_precision": ("refusals that were right", None),
    "false_refusal_rate": ("answerable questions refused", "≤ 0.05"),
}


def explained_markdown(metrics: dict[str, Any]) -> str:
    """The headline metrics as a Markdown table with what each means and its target."""
    lines = ["| metric | value | what it measures | target |", "|---|---|---|---|"]
    for k in HEADLINE:
        meaning, target = EXPLAINED.get(k, ("", None))
        lines.append(f"| {k} | {fmt(metrics.get(k))} | {meaning} | {target or '–'} |")
    lines.append(f"| unsupported_sentences | {metrics['unsupported_sentences']} | shown sentences with a name or "
                 "number absent from their cited text | 0 |")
    lines += [f"| {stage} p50 / p95 | {fmt(v['p50'])} / {fmt(v['p95'])} | milliseconds per question | – |"
              for stage, v in metrics["latency_ms"].items()]
    return "\n".join(lines) + "\n"


def worst(results: list[dict[str, Any]], n: int = 15) -> list[dict[str, Any]]:
    """Wrong refusals, answered unanswerables and the lowest-F1 answers first; correct refusals of
    unanswerable questions are right, so they are never listed."""
    def badness(r: dict[str, Any]) -> tuple:
        wrong_refusal = r["answerable"] and r["refused"]
        wrong_answer = not r["answerable"] and not r["refused"]
        return (not (wrong_refusal or wrong_answer), r["contains_gold"], r["f1"])
    candidates = [r for r in results if r["answerable"] or not r["refused"]]
    return sorted(candidates, key=badness)[:n]


def report_fragment(metrics: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """Plots and worst questions as an HTML fragment (for the UI, which shows the metrics table itself)."""
    rows = "".join(
        f"<tr><td>{html.escape(r['id'])}</td><td>{html.escape(r['question'])}</td>"
        f"<td>{html.escape('; '.join(r['answers']) or '(unanswerable)')}</td><td>{html.escape(r['answer'])}</td>"
        f"<td>{'refused' if r['refused'] else 'grounded' if r['grounded'] else 'unverified'}</td>"
        f"<td>{r['f1']:.2f}</td></tr>" for r in worst(results))
    plots = "".join(f"<h3>{name}</h3><img alt='{name}' style='max-width:100%' src='data:image/png;base64,{data}'>"
                    for name, data in _plots(metrics, results))
    return (f"<div class='qa-report'>{plots}<h3>Worst questions</h3><table><tr><th>id</th><th>question</th>"
            f"<th>gold</th><th>answer</th><th>status</th><th>F1</th></tr>{rows}</table></div>")


def report_html(metrics: dict[str, Any], results: list[dict[str, Any]], title: str) -> str:
    table = "".join(f"<tr><td>{k}</td><td>{fmt(metrics.get(k))}</td><td>{EXPLAINED[k][0]}</td>"
                    f"<td>{EXPLAINED[k][1] or '–'}</td></tr>" for k in HEADLINE)  # every headline is explained
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}
img{{max-width:100%}}</style></head><body><h1>{html.escape(title)}</h1>
<p>Generator <code>{html.escape(str(metrics['generator']))}</code>,
model <code>{html.escape(str(metrics['model']))}</code>,
{metrics['questions']} questions. Unsupported sentences shown: {metrics['unsupported_sentences']}.</p>
<table><tr><th>metric</th><th>value</th><th>what it measures</th><th>target</th></tr>{table}</table>
{report_fragment(metrics, results)}</body></html>"""


def write_outputs(out_dir: Path, metrics: dict[str, Any], results: list[dict[str, Any]], title: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "results.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results))
    atomic_write_text(out_dir / "metrics.json", json.dumps(metrics, indent=2))
    atomic_write_text(out_dir / "summary.md", summary_markdown(metrics, title))
    atomic_write_text(out_dir / "report.html", report_html(metrics, results, title))


def load_metrics(run: Path) -> dict[str, Any]:
    path = run / "metrics.json" if run.is_dir() else run
    if not path.is_file():
        raise InvalidInputError(f"No metrics.json in '{run}'; pass the --out folder of a `qa eval` run.")
    return json.loads(path.read_text(encoding="utf-8"))


def compare(a: Path, b: Path) -> str:
    """A Markdown table of each headline metric in run A, run B and B − A."""
    ma, mb = load_metrics(a), load_metrics(b)
    lines = [f"| metric | A ({ma.get('generator')}) | B ({mb.get('generator')}) | B − A |", "|---|---|---|---|"]
    for key in [*HEADLINE, "unsupported_sentences", "tokens_per_s"]:
        va, vb = ma.get(key), mb.get(key)
        delta = f"{vb - va:+.3f}" if isinstance(va, int | float) and isinstance(vb, int | float) else "–"
        lines.append(f"| {key} | {fmt(va)} | {fmt(vb)} | {delta} |")
    for stage in ("retrieve_ms", "generate_ms", "total_ms"):
        va, vb = ma["latency_ms"][stage]["p50"], mb["latency_ms"][stage]["p50"]
        lines.append(f"| {stage} p50 | {fmt(va)} | {fmt(vb)} | {vb - va:+.1f} |")
    return "\n".join(lines) + "\n"
