"""Choose the extractive reader's two margins (qa/options.py: answer even when the alignment found
nothing; refuse even when it found something) on dev data only: the article's dev split, SQuAD v1.1
articles 41-48 (the reader never trained on them) and our adversarial unanswerables on those articles.

    .venv/bin/python eval/tune_reader_gate.py ../shared/data/squad/dev-v1.1.json [--sample 500]

Prints refusal recall, false refusals and short-answer F1 for each pair of margins; the README says
which pair was chosen and why. The test split and SQuAD articles 1-11 are never read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.build_squad_adversarial import DEV_QUESTIONS, build  # noqa: E402
from eval.reader_data import TUNE_ARTICLES  # noqa: E402
from qa.answerability import reader_fits  # noqa: E402
from qa.answering import gate  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.evaluation.datasets import EvalItem, load_eval_set  # noqa: E402
from qa.evaluation.metrics import f1  # noqa: E402
from qa.evaluation.runner import build_stores  # noqa: E402
from qa.options import ScoringOptions  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

ARTICLE_DEV = ROOT / "qa" / "data" / "eval" / "article-dev.jsonl"
ANSWER_MARGINS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, float("inf"))
REFUSE_MARGINS = (float("-inf"), -6.0, -4.0, -3.0, -2.0, -1.0, 0.0, 1.0)


def observe(pipeline: Pipeline, item: EvalItem, store) -> dict:
    """What the alignment alone decided and what the reader found, for one question."""
    settings = pipeline.settings
    open_gate = replace(ScoringOptions.from_settings(settings), reader_answer_margin=float("inf"),
                        reader_refuse_margin=float("-inf"))
    query, parts = pipeline._retrieve(item.question, item.history, store, settings)
    plan = gate(item.question, query, parts, store, pipeline.embedder, open_gate, pipeline.reader)
    first = plan.parts[0] if plan.parts else None
    reading = first.reading if first is not None and len(plan.parts) == 1 else None
    heuristic = None
    if first is not None and first.answered:
        heuristic = first.evidence[0].text if first.span is None or first.reading else first.span.text
    return {"answerable": item.answerable, "answers": list(item.answers), "summary": bool(plan.summary),
            "aligned": not plan.refused, "heuristic": heuristic,
            "margin": reading.margin if reading else None, "span": reading.text if reading else None,
            "fits": bool(reading and reader_fits(first.question, reading, store.documents))}


def decide(row: dict, answer_at: float, refuse_at: float) -> tuple[bool, str]:
    """(refused, short answer text) under the given margins, as `with_reading` decides."""
    if row["summary"]:
        return False, ""
    if row["margin"] is None:
        return not row["aligned"], row["heuristic"] or ""
    if row["margin"] < refuse_at or (not row["aligned"] and row["margin"] < answer_at):
        return True, ""
    if not row["fits"]:
        return not row["aligned"], row["heuristic"] or ""
    return False, row["span"]


def table(groups: dict[str, list[dict]]) -> list[dict]:
    out = []
    for answer_at in ANSWER_MARGINS:
        for refuse_at in REFUSE_MARGINS:
            if refuse_at > answer_at:
                continue
            line = {"answer_at": answer_at, "refuse_at": refuse_at}
            for name, rows in groups.items():
                got = [(r, *decide(r, answer_at, refuse_at)) for r in rows]
                pos = [(r, ref, text) for r, ref, text in got if r["answerable"]]
                neg = [ref for r, ref, _ in got if not r["answerable"]]
                line[f"{name}:false_refusal"] = sum(ref for _, ref, _ in pos) / len(pos) if pos else None
                line[f"{name}:refusal"] = sum(neg) / len(neg) if neg else None
                line[f"{name}:f1"] = (sum(f1(text, r["answers"]) for r, ref, text in pos if not ref and r["answers"])
                                      / len(pos) if pos else None)
            out.append(line)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--sample", type=int, default=500, help="SQuAD answerable questions from articles 41-48")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "runs" / "tune-reader-gate.json")
    args = parser.parse_args()
    runs = ROOT / "eval" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    data = json.loads(args.squad.read_text(encoding="utf-8"))
    tune = {"version": "1.1", "data": [data["data"][n - 1] for n in TUNE_ARTICLES]}
    (runs / "squad-tune.json").write_text(json.dumps(tune), encoding="utf-8")
    build(args.squad, runs / "squad-adv-dev.json", DEV_QUESTIONS)
    pipeline = Pipeline.open(load_settings(generator="extractive"), build_if_missing=True)
    groups: dict[str, list[dict]] = {}
    article = load_eval_set(ARTICLE_DEV)
    groups["article"] = [observe(pipeline, i, pipeline.store) for i in article.items]
    for name, path, sample in (("squad", runs / "squad-tune.json", args.sample),
                               ("adversarial", runs / "squad-adv-dev.json", 0)):
        eval_set = load_eval_set(path)
        if sample:
            eval_set.items = random.Random(0).sample(eval_set.items, min(sample, len(eval_set.items)))
        stores = build_stores(pipeline, eval_set, "article")
        groups[name] = [observe(pipeline, i, stores[i.doc_id]) for i in eval_set.items]
    lines = table(groups)
    args.out.write_text(json.dumps({"rows": groups, "table": lines}, indent=1), encoding="utf-8")
    keys = [k for k in lines[0] if k not in ("answer_at", "refuse_at")]
    print("answer_at refuse_at " + " ".join(keys))
    for line in lines:
        print(f"{line['answer_at']:>9} {line['refuse_at']:>9} "
              + " ".join(f"{line[k]:.3f}" if line[k] is not None else "-" for k in keys))


if __name__ == "__main__":
    main()
