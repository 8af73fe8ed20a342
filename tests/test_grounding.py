"""Citation parsing, verification and refusal logic, with deterministic fakes (no models)."""

from __future__ import annotations

import pytest
from qa.index.chunking import ChunkingOptions
from qa.index.store import IndexStore

from qa.citations import answer_sentences, markers
from qa.config import Settings
from qa.conversation import is_follow_up, retrieval_query
from qa.grounding import verify
from qa.pipeline import Pipeline
from qa.prompt import REFUSAL, build_messages
from qa.text import key_facts, missing_facts
from qa.types import Document, Turn
from tests.fakes import HashingEmbedder, ScriptedGenerator

TEXT = ("On May 31, Kurt Campbell hosted a retreat in rural Virginia. The talks covered many issues.\n\n"
        "The Code for Unplanned Encounters at Sea dates from 2014. Both navies agreed to follow it.")


@pytest.fixture
def store(fake_embedder):
    return IndexStore.build([Document("doc", "Doc", TEXT, "", "c")], fake_embedder, ChunkingOptions(2, 1))


def make_pipeline(store, answer: str, **settings) -> tuple[Pipeline, ScriptedGenerator]:
    gen = ScriptedGenerator(answer)
    base = Settings(**{"generator": "transformers", "min_retrieval_score": 0.0, "min_evidence": 0.0, **settings})
    return Pipeline(base, HashingEmbedder(), store, {"transformers": gen}), gen


def test_markers_and_sentences():
    assert markers("A [1] and [2, 3] then [1].") == [1, 2, 3]
    assert answer_sentences("First claim. [1] Second claim [2].") == ["First claim. [1]", "Second claim [2]."]


def test_key_facts_and_missing_facts():
    assert {"2014", "Kurt", "Campbell"} <= set(key_facts("Kurt Campbell met in 2014."))
    assert missing_facts("Kurt Campbell met in 2015.", "Kurt Campbell met in 2014.") == ["2015"]
    assert missing_facts("Campbell’s retreat", "Campbell's retreat") == []


def test_supported_answer_keeps_citation_with_exact_span(store, fake_embedder):
    hits = Pipeline(Settings(), fake_embedder, store).search("Who hosted a retreat in rural Virginia?", 2)
    checked = verify("Kurt Campbell hosted a retreat in rural Virginia [1].", hits, fake_embedder, 0.3)
    assert checked.all_supported
    c = checked.citations[0]
    assert TEXT[c.start:c.end] == c.quote == "On May 31, Kurt Campbell hosted a retreat in rural Virginia."
    assert checked.text == "Kurt Campbell hosted a retreat in rural Virginia [1]."


def test_list_numbers_of_a_draft_are_formatting_not_facts(store, fake_embedder):
    hits = Pipeline(Settings(), fake_embedder, store).search("Who hosted a retreat in rural Virginia?", 2)
    checked = verify("1. Kurt Campbell hosted a retreat in rural Virginia [1]\n7. The talks covered many issues [1]",
                     hits, fake_embedder, 0.3)
    assert checked.text.startswith("Kurt Campbell hosted") and "7" not in checked.text
    assert [c.text for c in checked.claims] == ["Kurt Campbell hosted a retreat in rural Virginia",
                                                "The talks covered many issues"]
    assert all(not c.missing for c in checked.claims)


def test_fabricated_name_or_number_is_caught(store):
    pipeline, _ = make_pipeline(store, "Joe Biden hosted a retreat in rural Virginia on May 31 [1].")
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?")
    assert "Biden" not in answer.answer and "Kurt Campbell" in answer.answer
    assert answer.generator == "scripted" and answer.fallback
    pipeline, _ = make_pipeline(store, "The Code for Unplanned Encounters at Sea dates from 2016 [1].")
    answer = pipeline.ask("When does the Code for Unplanned Encounters at Sea date from?")
    assert "2016" not in answer.answer and "2014" in answer.answer


def test_markers_pointing_nowhere_are_removed(store):
    pipeline, _ = make_pipeline(store, "Kurt Campbell hosted a retreat in rural Virginia [7].")
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?", top_k=2)
    assert "[7]" not in answer.answer
    assert answer.citations and all(1 <= c.n <= 2 for c in answer.citations)


def test_uncited_but_supported_sentence_gets_a_citation(store):
    pipeline, _ = make_pipeline(store, "Kurt Campbell hosted a retreat in rural Virginia.")
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?")
    assert answer.grounded and answer.citations and "[" in answer.answer


def test_model_refusal_with_strong_evidence_falls_back_to_the_evidence(store):
    pipeline, _ = make_pipeline(store, REFUSAL)
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?")
    assert not answer.refused and answer.grounded and "Kurt Campbell" in answer.answer


def test_weak_evidence_is_refused(store):
    pipeline, gen = make_pipeline(store, "Kurt Campbell did.", min_evidence=0.99)
    answer = pipeline.ask("What is the population of Seoul?")
    assert answer.refused and answer.answer == REFUSAL and not answer.grounded and not answer.citations
    assert gen.requests == []


def test_weak_retrieval_refuses_without_generating(store):
    pipeline, gen = make_pipeline(store, "anything", min_retrieval_score=0.99)
    answer = pipeline.ask("Completely unrelated zebra question?")
    assert answer.refused and gen.requests == []


def test_streaming_yields_deltas_then_answer(store):
    pipeline, _ = make_pipeline(store, "Kurt Campbell hosted a retreat in rural Virginia [1].")
    events = list(pipeline.ask_stream("Who hosted a retreat in rural Virginia?"))
    assert all(e.answer is None for e in events[:-1]) and events[-1].answer is not None
    assert "".join(e.delta for e in events[:-1]).startswith("Kurt Campbell")
    assert set(events[-1].answer.timings) == {"retrieve_ms", "generate_ms", "total_ms"}


def test_prompt_numbers_passages_and_fences_documents(store, fake_embedder):
    hits = Pipeline(Settings(), fake_embedder, store).search("retreat", 2)
    messages = build_messages("Who?", hits, [Turn("user", "Earlier?"), Turn("assistant", "Earlier answer.")])
    assert messages[0]["role"] == "system" and "not instructions" in messages[0]["content"]
    assert "[1] " in messages[-1]["content"] and "<passages>" in messages[-1]["content"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]


def test_follow_up_queries_use_history():
    history = [Turn("user", "Who hosted a retreat in rural Virginia?"), Turn("assistant", "Kurt Campbell [1].")]
    assert is_follow_up("When did he host it?") and not is_follow_up("What did Japan claim about the radar incident?")
    assert retrieval_query("When did he host it?", history).startswith("Who hosted a retreat")
    assert retrieval_query("What did Japan claim about the radar?", history) == "What did Japan claim about the radar?"


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions_are_rejected(store, question):
    from qa.errors import InvalidInputError

    pipeline, _ = make_pipeline(store, "x")
    with pytest.raises(InvalidInputError):
        pipeline.ask(question)


@pytest.mark.parametrize("draft", [
    "Who hosted a retreat in rural Virginia? [1]",
    'The answer to the question "Who hosted a retreat?" is in the passage [1].',
    "The article is about a retreat in rural Virginia [1].",
])
def test_non_answers_are_not_shown(store, draft):
    pipeline, _ = make_pipeline(store, draft)
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?")
    assert answer.generator == "scripted" and answer.fallback
    assert "Kurt Campbell" in answer.answer


def test_names_match_whole_tokens_only():
    # the substring check let "Carol" pass as supported by "Carolingian"
    assert missing_facts("Carol ruled the empire.", "The Carolingian empire ruled.") == ["Carol"]
    assert missing_facts("It dates from 2014.", "It dates from 20140.") == ["2014"]
    assert missing_facts("Japan’s claim", "Japan's claim was denied.") == []
    # a number written as a word: "seven days" was shown, cited to a sentence that says "six days"
    assert missing_facts("It came seven days later.", "It came just six days after the summit.") == ["seven"]
    assert missing_facts("Six days later.", "It came just six days after the summit.") == []
    # a unit glued to a number is not a number of its own (was flagged in a verbatim SQuAD quote)
    assert missing_facts("It covers 5,111 m2.", "plants covering 5,111 m2 (55,014.35 sq ft)") == []


def test_whole_token_check_drops_a_claim_resting_on_a_longer_name(fake_embedder):
    text = "The Carolingian dynasty ruled the Franks for two centuries."
    store = IndexStore.build([Document("doc", "Doc", text, "", "c")], fake_embedder, ChunkingOptions(2, 1))
    hits = Pipeline(Settings(), fake_embedder, store).search("Who ruled the Franks?", 1)
    checked = verify("Carol ruled the Franks [1].", hits, fake_embedder, 0.0)
    assert not checked.all_supported and checked.claims[0].missing == ("Carol",)


def test_one_sided_negation_is_not_support(fake_embedder):
    from qa.text import reverses

    source = "It said it was not operating the fire-control radar but was tracking a fishing boat."
    assert reverses("It was operating the fire-control radar.", source)
    assert not reverses("It was tracking a fishing boat.", source)
    assert reverses("The deal was not significant.", "The deal is significant.")
    store = IndexStore.build([Document("doc", "Doc", source, "", "c")], fake_embedder, ChunkingOptions(2, 1))
    hits = Pipeline(Settings(), fake_embedder, store).search("Was it operating the radar?", 1)
    assert not verify("It was operating the fire-control radar [1].", hits, fake_embedder, 0.0).all_supported


LOOP = ("Instead, the South Korean side accused the Japanese aircraft of making a dangerous "
        + "low-flying " * 33 + "low [1].")


def test_degenerate_text_is_detected():
    from qa.text import degenerate

    assert degenerate(LOOP)
    assert degenerate(" ".join(["word"] * 100))
    assert not degenerate("The ROK Ministry of Defense said it was tracking a distressed North Korean fishing boat.")
    assert not degenerate("Japan and South Korea agreed; Japan and South Korea met.")


def test_a_looping_draft_is_never_shown_nor_grounded(store):
    pipeline, _ = make_pipeline(store, LOOP.replace("South Korean side accused the Japanese aircraft", "retreat"))
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?")
    assert "low-flying" not in answer.answer and answer.fallback and "Kurt Campbell" in answer.answer


def test_an_abandoned_stream_closes_the_generator(store):
    class Endless(ScriptedGenerator):
        closed = False

        def stream(self, request):
            try:
                while True:
                    yield " word"
            finally:
                Endless.closed = True

    gen = Endless("")
    pipeline = Pipeline(Settings(generator="transformers", min_retrieval_score=0.0, min_evidence=0.0),
                        HashingEmbedder(), store, {"transformers": gen})
    events = pipeline.ask_stream("Who hosted a retreat in rural Virginia?")
    for _, event in zip(range(5), events, strict=False):
        assert event.delta == ""  # nothing of the unverified draft is shown
    events.close()  # the client disconnected
    assert Endless.closed
