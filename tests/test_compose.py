"""How verified claims become the shown answer: the one-sentence fact rule and the evidence quote."""

from __future__ import annotations

import pytest
from qa.index.chunking import ChunkingOptions
from qa.index.store import IndexStore

from qa.config import Settings
from qa.pipeline import Pipeline
from qa.types import Document
from tests.fakes import HashingEmbedder, ScriptedGenerator

TEXT = ("The trilateral summit at Camp David took place last August. "
        "The defense ministers later met at the Shangri-La Dialogue in Singapore. "
        "They agreed to resume a regular dialogue at the vice minister level.")


@pytest.fixture
def store(fake_embedder):
    return IndexStore.build([Document("doc", "Doc", TEXT, "", "c")], fake_embedder, ChunkingOptions(3, 0))


def ask(store, draft: str, question: str, **settings):
    base = Settings(**{"generator": "transformers", "min_retrieval_score": 0.0, "min_evidence": 0.0, **settings})
    pipeline = Pipeline(base, HashingEmbedder(), store, {"transformers": ScriptedGenerator(draft)})
    return pipeline.ask(question)


def test_facts_joined_from_two_sentences_fall_back_to_the_evidence(store):
    # every word is in the passage, but Singapore and August come from different sentences
    answer = ask(store, "The trilateral summit last August was held in Singapore [1].",
                 "Where was the trilateral summit held last August?")
    assert answer.generator == "scripted" and answer.fallback
    assert "Singapore" not in answer.answer and "Camp David" in answer.answer


def test_generated_answer_is_followed_by_the_quoted_evidence(store):
    answer = ask(store, "The summit was at Camp David [1].", "Where was the trilateral summit held last August?")
    claim, quote = answer.answer.split("\n\n")
    assert claim == "The summit was at Camp David [1]."
    assert quote == "“The trilateral summit at Camp David took place last August.” [1]"
    assert [TEXT[c.start:c.end] for c in answer.citations] == [
        "The trilateral summit at Camp David took place last August."]
    assert answer.generator == "scripted" and answer.grounded


def test_quote_is_left_out_when_the_answer_already_says_it(store):
    answer = ask(store, "The trilateral summit at Camp David took place last August [1].",
                 "Where was the trilateral summit held last August?")
    assert "\n\n" not in answer.answer and answer.answer.count("Camp David") == 1


def test_quote_can_be_turned_off(store):
    answer = ask(store, "The summit was at Camp David [1].", "Where was the trilateral summit held last August?",
                 quote_evidence=False)
    assert answer.answer == "The summit was at Camp David [1]."
