"""The question sets and the SQuAD v2.0 reader (issue 14): dev/test split, open questions with key
sentences, adversarial unanswerables, multi-part questions; no models needed."""

from __future__ import annotations

import json
from pathlib import Path

from qa.corpus import bundled_question_set, default_corpus_paths
from qa.evaluation.datasets import load_eval_set
from qa.evaluation.runner import key_sentence_recall, parts_correct
from qa.types import Answer, Citation, Part

ROOT = Path(__file__).resolve().parent.parent
V2 = {"version": "v2.0", "data": [{"title": "Busan_Port", "paragraphs": [
    {"context": "Busan Port is the largest port in South Korea. It opened in 1876.",
     "qas": [{"id": "a", "question": "When did Busan Port open?", "is_impossible": False,
              "answers": [{"text": "1876", "answer_start": 60}]},
             {"id": "b", "question": "When did Busan Port close?", "is_impossible": True, "answers": [],
              "plausible_answers": [{"text": "1876", "answer_start": 60}]}]}]}]}


def test_squad_v2_unanswerables_load(tmp_path):
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(V2))
    items = load_eval_set(path).items  # raised IndexError before
    assert [i.answerable for i in items] == [True, False]
    assert items[1].span is None and items[1].answers == ()


def test_article_sets_are_split_and_complete():
    article = default_corpus_paths()[0].read_text(encoding="utf-8")
    everything = load_eval_set(bundled_question_set()).items
    dev = load_eval_set(ROOT / "qa" / "data" / "eval" / "article-dev.jsonl").items
    test = load_eval_set(ROOT / "qa" / "data" / "eval" / "article-test.jsonl").items
    assert {i.split for i in dev} == {"dev"} and {i.split for i in test} == {"test"}
    assert len(dev) + len(test) == len(everything) and not {i.id for i in dev} & {i.id for i in test}
    open_rows = [i for i in everything if i.key_sentences]
    assert len(open_rows) >= 25 and all(k in article for i in open_rows for k in i.key_sentences)
    assert len([i for i in everything if i.kind == "adversarial"]) >= 20
    squad_adversarial = (ROOT / "eval" / "squad_adversarial.jsonl").read_text().splitlines()
    assert len([i for i in everything if i.kind == "adversarial"]) + len(squad_adversarial) >= 40
    assert len([i for i in everything if i.parts]) >= 10


def test_key_sentence_recall_and_parts():
    item = load_eval_set(bundled_question_set()).items
    row = next(i for i in item if len(i.key_sentences) == 2)
    quote = row.key_sentences[0]
    answer = Answer(quote, (Citation(1, "d", "c", 0, len(quote), quote),), True, False, "g", "m")
    assert key_sentence_recall(row, answer) == 0.5
    multi = next(i for i in item if i.parts == (True, True, False))
    parted = Answer("x", (), True, False, "g", "m", parts=(Part("a", True), Part("b", True), Part("c", False)))
    assert parts_correct(multi, parted) == 1.0
