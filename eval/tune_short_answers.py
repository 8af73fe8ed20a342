"""Tune the short-answer span scorer on SQuAD v1.1 articles 12–48 only (the dev articles), given the
sentence that holds the gold answer: measures span choice alone, without retrieval.

    .venv/bin/python eval/tune_short_answers.py ../shared/data/squad/dev-v1.1.json [--limit N]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qa.index.sentences import split_sentences

from qa.evaluation.metrics import exact_match, f1
from qa.question import analyze
from qa.short_answer import best_span

DEV_ARTICLES = range(12, 49)  # 1-based, file order; 1-2 are the report split, 3-11 are reserved


def dev_rows(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for number, article in enumerate(data, start=1):
        if number not in DEV_ARTICLES:
            continue
        for para in article["paragraphs"]:
            ctx = para["context"]
            spans = split_sentences(ctx)
            for qa in para["qas"]:
                at = qa["answers"][0]["answer_start"]
                sent = next((ctx[s.start:s.end] for s in spans if s.start <= at < s.end), None)
                if sent:
                    yield qa["question"], sent, [a["text"] for a in qa["answers"]]


def main() -> None:
    path = Path(sys.argv[1])
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 2000
    rows = list(dev_rows(path))[::max(1, len(list(dev_rows(path))) // limit)][:limit]
    ems, f1s, by_type = [], [], {}
    for question, sentence, golds in rows:
        q = analyze(question)
        span = best_span(q, sentence)
        text = span.text if span else ""
        ems.append(exact_match(text, golds))
        f1s.append(f1(text, golds))
        by_type.setdefault(q.answer_type, []).append(f1s[-1])
    print(f"{len(rows)} dev questions (articles 12-48), gold sentence given: EM {sum(ems)/len(ems):.3f} "
          f"F1 {sum(f1s)/len(f1s):.3f}")
    for t, v in sorted(by_type.items()):
        print(f"  {t:8s} n={len(v):4d} F1 {sum(v)/len(v):.3f}")


if __name__ == "__main__":
    main()
