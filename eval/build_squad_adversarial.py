"""Build a SQuAD v2.0-style file from our own adversarial unanswerable questions
(eval/squad_adversarial.jsonl: article number in file order, paragraph index, question) about SQuAD
v1.1 dev paragraphs, read from ../shared at build time and never copied into the repository.
`--dev` builds the tuning set instead (eval/squad_adversarial_dev.jsonl, articles 41-48).

Each named paragraph keeps its original (answerable) questions, so the same run measures refusal
recall on ours and false refusals on theirs. Articles 1-2 are the report split.

    .venv/bin/python eval/build_squad_adversarial.py ../shared/data/squad/dev-v1.1.json eval/runs/squad-adv.json
    .venv/bin/qa eval eval/runs/squad-adv.json --generator extractive
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parent / "squad_adversarial.jsonl"  # test: articles 1-2
DEV_QUESTIONS = Path(__file__).resolve().parent / "squad_adversarial_dev.jsonl"  # dev: articles 41-48


def build(squad: Path, target: Path, questions: Path = QUESTIONS) -> int:
    data = json.loads(squad.read_text(encoding="utf-8"))["data"]
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        wanted.setdefault((row["article"], row["paragraph"]), []).append(row["question"])
    articles = []
    for number in sorted({a for a, _ in wanted}):
        source = data[number - 1]
        paragraphs = []
        for index in sorted(p for a, p in wanted if a == number):
            para = source["paragraphs"][index]
            qas = [dict(q, is_impossible=False) for q in para["qas"]]
            qas += [{"id": f"adv-{number}-{index}-{i}", "question": q, "answers": [], "is_impossible": True}
                    for i, q in enumerate(wanted[(number, index)])]
            paragraphs.append({"context": para["context"], "qas": qas})
        articles.append({"title": source["title"], "paragraphs": paragraphs})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"version": "v2.0", "data": articles}), encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    count = build(Path(sys.argv[1]), Path(sys.argv[2]), DEV_QUESTIONS if "--dev" in sys.argv[3:] else QUESTIONS)
    print(f"wrote {count} adversarial questions (and their paragraphs' own questions) to {sys.argv[2]}")
