"""Answers that answer the question, on the bundled article with the real embedder: short answers,
open and summary answers, multi-part questions, refusals of adversarial questions, and a stream that
never shows text the final answer withdraws (issue 14's regression examples)."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from qa.question import analyze, split_parts
from tests.fakes import ScriptedGenerator

LOOP = ("Instead, the South Korean side accused the Japanese aircraft of making a dangerous "
        + "low-flying " * 33 + "low [3].")


def scripted(pipeline: Pipeline, draft: str) -> Pipeline:
    gen = ScriptedGenerator(draft)
    return Pipeline(pipeline.settings.override(generator="transformers"), pipeline.embedder, pipeline.store,
                    {"transformers": gen})


def streamed(pipeline: Pipeline, question: str, **overrides):
    events = list(pipeline.ask_stream(question, **overrides))
    return "".join(e.delta for e in events[:-1]), events[-1].answer


def test_question_analysis():
    assert analyze("Summarize the article").kind == "summary"
    assert analyze("What is the main point of the article?").kind == "summary"
    assert analyze("Why did South Korea say its destroyer was using radar?").answer_type == "reason"
    assert analyze("How many days after the summit did the agreement come?").answer_type == "number"
    assert analyze("When was the summit held?").answer_type == "date"
    assert analyze("What did the ROK not deny?").negated
    assert split_parts("Who hosted the retreat on May 31, where was it held, and what is the population of "
                       "Seoul?") == ["Who hosted the retreat on May 31?", "Where was it held?",
                                     "What is the population of Seoul?"]
    assert split_parts("When and where did they meet?") == ["When and where did they meet?"]


def test_low_flying_loop_is_never_shown_and_the_answer_is_given(pipeline):
    question = "Why did South Korea say its destroyer was using radar?"
    text, answer = streamed(scripted(pipeline, LOOP), question)
    assert "low-flying" not in text and "low-flying" not in answer.answer
    assert "tracking a distressed North Korean fishing boat" in answer.answer
    assert text == answer.answer and answer.fallback and not answer.refused


@pytest.mark.parametrize("question", ["Summarize the article", "What is the main point of the article?"])
def test_overview_questions_get_a_cited_summary(pipeline, question):
    answer = pipeline.ask(question, generator="extractive")
    assert answer.status == "grounded" and len(answer.citations) >= 3
    assert answer.statements[0].kind == "lead"
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)  # document order
    doc = pipeline.store.documents[answer.citations[0].doc_id].text
    assert all(doc[c.start:c.end] == c.quote for c in answer.citations)
    assert "Remote Visualization" not in answer.answer  # a stray caption is no evidence


def test_three_part_question_says_which_part_is_not_answered(pipeline):
    answer = pipeline.ask("Who hosted the retreat on May 31, where was it held, and what is the population of Seoul?",
                          generator="extractive")
    assert [p.answered for p in answer.parts] == [True, True, False]
    assert answer.status == "partial" and "Kurt Campbell" in answer.answer and "Virginia" in answer.answer
    assert "The article does not say: What is the population of Seoul?" in answer.answer


def test_short_answer_is_an_exact_span_of_the_cited_sentence(pipeline):
    answer = pipeline.ask("Who hosted a retreat in rural Virginia on May 31?", generator="extractive")
    short = answer.short_answer
    assert short is not None and "Kurt Campbell" in short.text
    doc = pipeline.store.documents[short.doc_id].text
    assert doc[short.start:short.end] == short.text
    cited = answer.citations[short.citation - 1]
    assert cited.start <= short.start and short.end <= cited.end
    when = pipeline.ask("When was the China-Japan-ROK trilateral summit held?", generator="extractive")
    assert when.short_answer is not None and when.short_answer.text == "May 26–27"


@pytest.mark.parametrize(("question", "expected"), [
    ("Who is Victor Cha?", "senior vice president for Asia and Korea Chair"),  # a description, not a name
    ("What is the Code for Unplanned Encounters at Sea?", "a set of guidelines established by key countries"),
    ("What did Japan claim the South Korean destroyer did?", "directed its fire-control radar"),
])
def test_reader_gives_descriptions_and_actions_as_short_answers(pipeline, question, expected):
    answer = pipeline.ask(question, generator="extractive")
    assert answer.short_answer is not None and answer.short_answer.text == expected


@pytest.mark.parametrize("question", [
    "Who is Victor Cha?",  # without the reader: a name nearby ("Washington") is not it
    "What is the Code for Unplanned Encounters at Sea?",  # a phrase of no asked-for type ("adhere")
    "What did Japan claim the South Korean destroyer did?",  # an action, not a span ("Peninsula")
])
def test_no_bold_lead_where_no_span_of_the_asked_type_answers(pipeline, question):
    answer = pipeline.ask(question, generator="extractive", reader=False)
    assert answer.short_answer is None and not answer.refused and answer.citations


@pytest.mark.parametrize(("answerable", "unanswerable"), [
    ("When was the China-Japan-ROK trilateral summit held?", "When was the China-Japan-US trilateral summit held?"),
    ("Who hosted a retreat in rural Virginia on May 31?", "Who hosted a retreat in rural Virginia on May 30?"),
])
def test_adversarial_unanswerable_pair(pipeline, answerable, unanswerable):
    assert not pipeline.ask(answerable, generator="extractive").refused
    assert pipeline.ask(unanswerable, generator="extractive").refused


def test_stream_shows_only_the_verified_answer(pipeline):
    draft = ("The summit was held in Singapore on May 26–27, 2022, during the APEA conference [2]. "
             "The agreement came six days after the summit [1].")
    text, answer = streamed(scripted(pipeline, draft), "How many days after the summit did the agreement come?")
    assert text == answer.answer
    assert "APEA" not in text and "2022" not in text
    assert answer.short_answer is not None and answer.short_answer.text.startswith("six")


def test_a_generated_description_the_source_lacks_is_not_shown(pipeline):
    # the names are right, but the model adds a description the cited sentence never gives
    draft = ("Kurt Campbell, a veteran diplomat who has since become a leading figure of the alliance movement, "
             "hosted the retreat [1].")
    answer = scripted(pipeline, draft).ask("Who hosted a retreat in rural Virginia?")
    shown = " ".join(s.text for s in answer.statements)
    assert "leading figure" not in shown and "veteran" not in shown
    assert "Kurt Campbell" in shown and answer.citations  # answered from the source instead
