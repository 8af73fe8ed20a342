"""Answerability as alignment: a sentence answers a question (part) only if it scores as evidence, holds
the question's names and numbers (in its passage), keeps its negation, and holds a candidate of the
expected answer type. A changed year, another entity or a one-sided negation means it does not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.evidence import Evidence
from qa.options import ScoringOptions
from qa.question import Question
from qa.short_answer import Span, best_span
from qa.text import contains_token, has_negation


@dataclass(frozen=True)
class Alignment:
    """The evidence that answers a question part (best first), and its short answer where typed."""

    question: Question
    evidence: tuple[Evidence, ...]
    span: Span | None = None

    @property
    def answered(self) -> bool:
        return bool(self.evidence)


def _context(e: Evidence) -> str:
    """The sentence's passage and its document's title: where a question's names may be mentioned."""
    return f"{e.hit.chunk.text} {e.hit.chunk.doc_id.replace('-', ' ')}"


def aligns(question: Question, e: Evidence, options: ScoringOptions, penalty: float = 0.0) -> bool:
    if e.score - penalty < options.min_evidence:
        return False
    context = _context(e)
    if not all(contains_token(context, n) for n in question.numbers + question.names):
        return False
    if question.negated and not has_negation(e.text):
        return False
    if question.answer_type in ("date", "number") and question.kind == "factoid":
        span = best_span(question, e.text)
        return span is not None and span.score >= options.min_typed_span
    return True


def align(question: Question, ranked: Sequence[Evidence], options: ScoringOptions,
          penalty: float = 0.0) -> Alignment:
    """The aligned sentences among the best `options.align_depth` evidence sentences; `penalty` lowers
    every evidence score (the share of question words the corpus lacks)."""
    top = ranked[:options.align_depth]
    good = tuple(e for e in top if aligns(question, e, options, penalty))
    if not good:
        return Alignment(question, ())
    span = best_span(question, good[0].text) if question.kind in ("factoid", "list") else None
    return Alignment(question, good, span)
