"""Answerability as alignment: a sentence answers a question (part) only if it scores as evidence, holds
the question's names and numbers (in its passage), keeps its negation, and holds a candidate of the
expected answer type. A changed year, another entity or a one-sided negation means it does not."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from qa.evidence import Evidence
from qa.options import ScoringOptions
from qa.protocols import Embedder
from qa.question import Question
from qa.reading import Reading
from qa.short_answer import Span, best_span
from qa.text import contains_token, content_terms, coverage, has_negation, near_any
from qa.types import Document, Hit
from qa.types import Span as DocSpan

OPEN_POOL = 12  # sentences kept per part for open answers


@dataclass(frozen=True)
class Alignment:
    """The evidence that answers a question part (best first), and its short answer where typed."""

    question: Question
    evidence: tuple[Evidence, ...]
    span: Span | None = None
    reading: Reading | None = None  # what the extractive reader found, when it read this part
    context: tuple[Evidence, ...] = ()  # the part's best sentences, aligned or not (open answers draw on them)

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
    return _paragraph_context(documents, e.hit.chunk.doc_id, e.span,
                              f"{e.hit.chunk.text} {e.hit.chunk.doc_id.replace('-', ' ')}")


def _paragraph_context(documents: Mapping[str, Document], doc_id: str, span: DocSpan, fallback: str) -> str:
    doc = documents.get(doc_id)
    return fallback if doc is None else f"{paragraph(doc.text, span.start, span.end)} {doc.title}"


def mentions(context: str, fact: str) -> bool:
    """A question's name or number in the context: as whole tokens, or every stem of it, each exact or
    one typo/accent away ("Chinese-like" is mentioned by "Chinese ... like", "Sheepshanks'" by
    "Sheepshanks", "Celeron" by "Céloron")."""
    if contains_token(context, fact):
        return True
    stems = content_terms(fact)
    if not stems:
        return False
    terms = content_terms(context)
    return stems <= terms or all(s in terms or near_any(s, terms) for s in stems)


def fits(question: Question, context: str, sentence: str) -> bool:
    """The question's hard constraints: its attribute, names and numbers stand in the sentence's
    context (paragraph and title), and a negated question meets a negated sentence."""
    if question.attribute and not mentions(context, question.attribute):
        return False
    if not all(mentions(context, n) for n in question.numbers + question.names):
        return False
    return not (question.negated and not has_negation(sentence))


def reader_fits(question: Question, reading: Reading, documents: Mapping[str, Document]) -> bool:
    """`fits` for the sentence that holds the reader's span."""
    sentence = reading.sentence_text
    return fits(question, _paragraph_context(documents, reading.doc_id, reading.sentence, sentence), sentence)


def aligns(question: Question, e: Evidence, options: ScoringOptions, penalty: float = 0.0,
           documents: Mapping[str, Document] | None = None) -> bool:
    if e.score - penalty < options.min_evidence:
        return False
    if not fits(question, _context(e, documents or {}), e.text):
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
    return Alignment(question, good, lead_span(question, good[0].text), context=tuple(ranked[:OPEN_POOL]))


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


def with_reading(a: Alignment, reading: Reading | None, ranked: Sequence[Evidence], new_n: int,
                 embedder: Embedder, options: ScoringOptions, documents: Mapping[str, Document]
                 ) -> tuple[Alignment, Hit | None]:
    """A factoid part decided with the extractive reader's margin as well: a confident span whose
    sentence meets the question's hard constraints (`fits`) answers, and is the short answer, even
    when the alignment found nothing; a clear "not in the passage" refuses even when it found
    something; a span whose sentence misses a constraint leaves the alignment's decision. Returns the
    alignment and a hit to add when the span's sentence is in no retrieved passage yet (it then
    becomes passage `new_n`)."""
    if reading is None:
        return a, None
    doubtful = reading.margin < options.reader_answer_margin
    if reading.margin < options.reader_refuse_margin or (doubtful and not a.answered):
        return Alignment(a.question, (), None, reading, a.context), None
    if not reader_fits(a.question, reading, documents):
        return replace(a, reading=reading), None
    e = next((x for x in ranked if x.hit.chunk.doc_id == reading.doc_id and x.span == reading.sentence), None)
    added = None
    if e is None:
        added = Hit(reading.chunk, reading.hit.score, new_n, ("reader",), reading.hit.dense_score)
        text = reading.sentence_text
        vectors = embedder.encode([a.question.text, text])
        e = Evidence(new_n, added, reading.sentence, text, float(vectors[1] @ vectors[0]),
                     coverage(content_terms(a.question.text), text))
    rest = tuple(x for x in a.evidence if x is not e and not (x.hit.chunk.doc_id == e.hit.chunk.doc_id
                                                              and x.span == e.span))
    span = Span(reading.text, reading.start - e.span.start, reading.end - e.span.start, reading.margin, typed=True)
    return Alignment(a.question, (e, *rest), span, reading, a.context), added
