"""Every evaluation metric on hand-computed examples, including SQuAD normalisation edge cases."""

from __future__ import annotations

import pytest

from qa.evaluation import metrics as m
from qa.evaluation.runner import summarize


@pytest.mark.parametrize(("text", "expected"), [
    ("The Eiffel Tower!", "eiffel tower"),
    ("  a   cat,  an apple ", "cat apple"),
    ("Theatre", "theatre"),             # 'the' only as a whole word
    ("U.S.-China", "uschina"),          # ASCII punctuation is deleted, not spaced (official behaviour)
    ("", ""),
])
def test_squad_normalisation(text, expected):
    assert m.normalize_answer(text) == expected


def test_exact_match_takes_the_best_gold():
    assert m.exact_match("the Paris", ["London", "Paris"]) == 1.0
    assert m.exact_match("Paris, France", ["Paris"]) == 0.0
    assert m.exact_match("anything", []) == 0.0


def test_f1_by_hand():
    # pred tokens: [new, york, city]; gold: [york, city, hall] -> overlap 2, P=2/3, R=2/3, F1=2/3
    assert m.f1("New York City", ["York City Hall"]) == pytest.approx(2 / 3)
    # repeated tokens count once per occurrence: pred [a1 a1], gold [a1] -> P=1/2, R=1, F1=2/3
    assert m.f1("x x", ["x"]) == pytest.approx(2 / 3)
    assert m.f1("nothing shared", ["other words"]) == 0.0
    assert m.f1("The cat", ["cat", "dog"]) == 1.0


def test_contains_gold_whole_words_and_unicode_punctuation():
    assert m.contains_gold("a trilateral free trade agreement—which is unlikely", ["trilateral free trade agreement"])
    assert m.contains_gold("a “new convergence” around", ["new convergence"])
    assert not m.contains_gold("in 20145", ["2014"])
    assert not m.contains_gold("anything", [])


def test_rank_metrics():
    rank = m.first_relevant_rank([False, False, True, True])
    assert rank == 3
    assert (m.hit_at(rank, 1), m.hit_at(rank, 3), m.hit_at(rank, 5)) == (0.0, 1.0, 1.0)
    assert m.reciprocal_rank(rank) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(None) == 0.0 and m.hit_at(None, 5) == 0.0


def test_percentiles_and_overlap():
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([], 50) is None
    assert m.overlaps(0, 5, 4, 9) and not m.overlaps(0, 5, 5, 9)


def row(answerable, refused, *, rank=1, em=0.0, f1=0.0, contains=0.0, cited=0, correct=0, grounded=True):
    return {"answerable": answerable, "refused": refused, "first_relevant_rank": rank, "em": em, "f1": f1,
            "contains_gold": contains, "citations": [{}] * cited, "citations_correct": correct,
            "grounded": grounded, "unsupported_sentences": 0, "tokens_per_s": None, "generator": "g", "model": "m",
            "timings": {"retrieve_ms": 10.0, "generate_ms": 100.0, "total_ms": 120.0}}


def test_summary_by_hand():
    results = [
        row(True, False, rank=1, em=1.0, f1=1.0, contains=1.0, cited=2, correct=1),
        row(True, False, rank=3, f1=0.5, contains=1.0, cited=1, correct=1, grounded=False),
        row(True, True, rank=None),
        row(False, True, rank=None),
        row(False, False, rank=None, cited=1),
    ]
    s = summarize(results)
    assert s["hit@1"] == pytest.approx(1 / 3) and s["hit@3"] == pytest.approx(2 / 3)
    assert s["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert s["exact_match"] == pytest.approx(1 / 3) and s["f1"] == pytest.approx(0.5)
    assert s["contains_gold"] == pytest.approx(2 / 3)
    assert s["citation_precision"] == pytest.approx(2 / 3)      # 2 correct of 3 citations on answerable
    assert s["citation_recall"] == pytest.approx(2 / 3)
    assert s["grounded_rate"] == pytest.approx(2 / 3)           # of the 3 shown answers
    assert s["refusal_recall"] == pytest.approx(1 / 2)
    assert s["refusal_precision"] == pytest.approx(1 / 2)       # 1 of 2 refusals was right
    assert s["false_refusal_rate"] == pytest.approx(1 / 3)
    assert s["latency_ms"]["total_ms"]["p50"] == 120.0


def test_shown_statements_are_checked_against_their_own_citations():
    from qa.evaluation.runner import unsupported_sentences
    from qa.types import Answer, Citation, Statement

    quote = "Kihara Minoru met Shin Won-sik. They met in Singapore."
    cite = Citation(n=1, doc_id="d", chunk_id="d:0", start=0, end=len(quote), quote=quote)

    def shown(*statements: Statement) -> Answer:
        return Answer(answer="", citations=(cite,), grounded=True, refused=False, generator="g", model="m",
                      statements=statements)

    assert unsupported_sentences(shown(Statement("They met in Singapore.", (1,)),
                                       Statement(quote, (1,), "quote"))) == 0
    assert unsupported_sentences(shown(Statement("They met in Seoul.", (1,)))) == 1
    assert unsupported_sentences(shown(Statement("They met in Seoul.", ()))) == 1


def test_every_headline_metric_is_explained():
    from qa.evaluation.report import EXPLAINED, HEADLINE

    assert set(HEADLINE) <= set(EXPLAINED)
