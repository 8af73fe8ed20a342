"""End to end: `qa eval` on a small JSONL set and a tiny SQuAD file, outputs and --compare."""

from __future__ import annotations

import json

import pytest

from qa.evaluation.datasets import load_eval_set
from qa.evaluation.report import compare, write_outputs
from qa.evaluation.runner import run_eval, summarize

pytestmark = pytest.mark.slow

SQUAD = {"data": [{"title": "Busan_Port", "paragraphs": [
    {"context": "Busan Port is the largest port in South Korea. It opened in 1876.",
     "qas": [{"id": "s1", "question": "When did Busan Port open?", "answers": [{"text": "1876", "answer_start": 60}]}]},
    {"context": "The port handles container traffic for the whole region.",
     "qas": [{"id": "s2", "question": "What kind of traffic does the port handle?",
              "answers": [{"text": "container traffic", "answer_start": 17}]}]}]}]}


def test_jsonl_eval_end_to_end(pipeline, tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "question": "Who hosted a retreat in rural Virginia?", "answers": ["Kurt Campbell"],
         "evidence": "Deputy Secretary of State Kurt Campbell hosted"},
        {"id": "b", "question": "What recipe does the article recommend for kimchi?", "answers": []},
        {"id": "c", "question": "When did he host it?", "answers": ["May 31"],
         "history": [{"role": "user", "content": "Who hosted a retreat in rural Virginia?"}]},
    ]))
    results = run_eval(pipeline, load_eval_set(qs), generator="extractive", concurrency=2, progress=False)
    metrics = summarize(results)
    assert [r["id"] for r in results] == ["a", "b", "c"]
    assert metrics["hit@1"] == 1.0 and metrics["contains_gold"] == 1.0 and metrics["refusal_recall"] == 1.0
    write_outputs(tmp_path / "run", metrics, results, "test")
    for name in ("metrics.json", "results.jsonl", "summary.md", "report.html"):
        assert (tmp_path / "run" / name).stat().st_size > 0
    assert "data:image/png;base64," in (tmp_path / "run" / "report.html").read_text()
    assert "| hit@1 | 1.000 | 1.000 | +0.000 |" in compare(tmp_path / "run", tmp_path / "run")


def test_squad_offsets_and_eval(pipeline, tmp_path):
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(SQUAD))
    data = load_eval_set(path)
    doc = data.documents["busan-port"]
    for item in data.items:
        assert doc.text[item.span[0]:item.span[1]] == item.answers[0]
    results = run_eval(pipeline, data, generator="extractive", progress=False)
    assert all(r["first_relevant_rank"] == 1 for r in results)
    assert results[1]["contains_gold"] == 1.0 and results[1]["citations_correct"] == 1


def test_csv_and_bad_input(tmp_path):
    from qa.errors import InvalidInputError

    csv_path = tmp_path / "q.csv"
    csv_path.write_text('id,question,answers\nx,"Who?","[""A""]"\ny,Where?,\n')
    items = load_eval_set(csv_path).items
    assert items[0].answers == ("A",) and items[1].answers == ()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok"}\n{not json}\n')
    with pytest.raises(InvalidInputError, match="line 2"):
        load_eval_set(bad)
