"""Answerability as alignment: a sentence answers a question (part) only if it scores as evidence, holds
the question's names and numbers (in its passage), keeps its negation, and holds a candidate of the
expected answer type. A changed year, another entity or a one-sided negation means it does not."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.evidence import Evidence
from qa.options import ScoringOptions
from qa.question import Question
from qa.short_answer import Span, best_span
from qa.text import contains_token, content_terms, has_negation
from qa.types import Document


@dataclass(frozen=True)
class Alignment:
    """The evidence that answers a question part (best first), and its short answer where typed."""

    question: Question
    evidence: tuple[Evidence, ...]
    span: Span | None = None

    @property
    def answered(self) -> bool:
        return bool(self.evidence)


def paragraph(text: str, start: int, end: int) -> str:
    """The paragraph (text between blank lines) holding [start, end)."""
    lo = text.rfind("\n\n", 0, start)
    hi = text.find("\n\n", end)
    return text[lo + 2 if lo >= 0 else 0:hi if hi >= 0 else len(text)]


def _context(e: Evidence, documents: Mapping[str, Document]) -> str:
    """Where the names a question relies on may stand: the sentence's paragraph (SQuAD 2.0 writes its
    unanswerables against the paragraph: "It opened in 1876." answers "When did Busan Port open?" when
    the paragraph is about Busan Port) and the document's title."""
    doc = documents.get(e.hit.chunk.doc_id)
    if doc is None:
        return f"{e.hit.chunk.text} {e.hit.chunk.doc_id.replace('-', ' ')}"
    return f"{paragraph(doc.text, e.span.start, e.span.end)} {doc.title}"


def mentions(context: str, fact: str) -> bool:
    """A question's name or number in the context: as whole tokens, or every stem of it
    ("Chinese-like" is mentioned by "Chinese ... like", "Sheepshanks'" by "Sheepshanks")."""
    if contains_token(context, fact):
        return True
    stems = content_terms(fact)
    return bool(stems) and stems <= content_terms(context)


def aligns(question: Question, e: Evidence, options: ScoringOptions, penalty: float = 0.0,
           documents: Mapping[str, Document] | None = None) -> bool:
    if e.score - penalty < options.min_evidence:
        return False
    context = _context(e, documents or {})
    if question.attribute and not mentions(context, question.attribute):
        return False
    if not all(mentions(context, n) for n in question.numbers + question.names):
        return False
    if question.negated and not has_negation(e.text):
        return False
    if question.answer_type in ("date", "number") and question.kind == "factoid":
        span = best_span(question, e.text)
        return span is not None and span.typed and span.score >= options.min_typed_span
    return True


def align(question: Question, ranked: Sequence[Evidence], options: ScoringOptions,
          penalty: float = 0.0, documents: Mapping[str, Document] | None = None) -> Alignment:
    """The aligned sentences among the best `options.align_depth` evidence sentences; `penalty` lowers
    every evidence score (the share of question words the corpus lacks)."""
    top = ranked[:options.align_depth]
    good = tuple(e for e in top if aligns(question, e, options, penalty, documents))
    if not good:
        return Alignment(question, ())
    return Alignment(question, good, lead_span(question, good[0].text))


# "Who is Victor Cha?", "What is the Code for ...?": the answer is a description, not a span
_DEFINITION = re.compile(r"^\s*(?i:who|what)\s+(?i:is|are|was|were)\s+(?:the\s+)?[A-Z]")


def lead_span(question: Question, sentence: str) -> Span | None:
    """The short answer that leads a factoid answer: only a span of the type the question asks for (a
    date, a number, a name for who/where), never for a question asking what something or someone is.
    An untyped phrase is too often the wrong one to show in bold (the cited sentence follows anyway)."""
    if question.kind not in ("factoid", "list") or _DEFINITION.match(question.text):
        return None
    span = best_span(question, sentence)
    return span if span is not None and span.typed else None
