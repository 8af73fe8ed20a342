"""The packaged extractive reader itself (real weights, loaded once) and the answers it gives through
the shared pipeline: direct short answers with exact offsets, and "not in the passage"."""

from __future__ import annotations

import pytest

from qa.evaluation.metrics import normalize_answer
from qa.reader import Reader, load_reader
from qa.types import Turn

PASSAGE = ("Almost unnoticed in the Western press, on June 1, 2024, South Korean defense minister Shin Won-sik and "
           "Japanese defense minister Kihara Minoru reached an agreement on the margins of the Shangri-La Dialogue "
           "in Singapore to normalize bilateral defense ties, which have been essentially on ice since 2018.")


@pytest.fixture(scope="session")
def reader() -> Reader:
    return load_reader()


@pytest.mark.parametrize(("question", "expected"), [
    ("Where was the Shangri-La Dialogue held?", "Singapore"),
    ("Who was the Japanese defense minister?", "Kihara Minoru"),
    ("When did the defense ministers reach an agreement?", "June 1, 2024"),
])
def test_reader_marks_the_answer_span(reader, question, expected):
    span = reader.read(question, [PASSAGE])[0]
    assert span is not None
    assert PASSAGE[span.start:span.end] == span.text
    assert normalize_answer(expected) in normalize_answer(span.text)


def test_no_answer_margin_is_far_below_the_answerable_ones(reader):
    off = reader.read("What is the population of Tokyo?", [PASSAGE])[0]
    answerable = [reader.read(q, [PASSAGE])[0] for q in ("Who was the Japanese defense minister?",
                                                           "Where was the Shangri-La Dialogue held?")]
    assert off is None or all(s is not None and off.margin < s.margin - 5 for s in answerable)


def test_reader_card_names_its_training_split(reader):
    assert reader.card["trained_on"] == "SQuAD v1.1 dev articles 12-40"


def test_how_many_days_gets_a_direct_answer(pipeline):
    answer = pipeline.ask("How many days after the summit did the agreement come?", generator="extractive")
    short = answer.short_answer
    assert short is not None and normalize_answer(short.text) in ("six days", "just six days")
    doc = pipeline.store.documents[short.doc_id].text
    assert doc[short.start:short.end] == short.text
    assert answer.answer.startswith(short.text)


def test_reader_off_keeps_the_typed_span_heuristics(pipeline):
    answer = pipeline.ask("When was the China-Japan-ROK trilateral summit held?", generator="extractive", reader=False)
    assert answer.short_answer is not None and answer.short_answer.text == "May 26–27"


def test_follow_up_is_not_answered_with_the_previous_questions_answer(pipeline):
    # the reader was given the retrieval query ("Who hosted …? When did he host it?") and answered
    # the previous question: "Kurt Campbell"
    history = [Turn("user", "Who hosted the retreat in rural Virginia?"), Turn("assistant", "Kurt Campbell [1].")]
    answer = pipeline.ask("When did he host it?", history, generator="extractive")
    assert answer.short_answer is not None and "May 31" in answer.short_answer.text


def test_a_later_part_that_refers_back_is_not_answered_with_the_first_parts_answer(pipeline):
    # "…, and how many people attended it?" was answered "Kurt Campbell" a second time
    answer = pipeline.ask("Who hosted the retreat in rural Virginia, and how many people attended it?",
                          generator="extractive")
    assert answer.answer.count("Kurt Campbell") <= 2  # the lead and its quote, not a second lead
    assert not answer.answer.startswith("Kurt Campbell [1]. Kurt Campbell")

