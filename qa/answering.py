"""The steps of one answer after retrieval: gate (which question parts the passages answer), evidence
answers (short answer, open, summary, multi-part), and verification of a generated draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from qa.answerability import Alignment, align, with_reading
from qa.citations import render_text, renumber
from qa.compose import Draft, compose, on_topic_claims, quote_of
from qa.evidence import Evidence, best_evidence, rank_evidence, unknown_facts, unknown_share
from qa.grounding import verify
from qa.index.store import IndexStore
from qa.options import ScoringOptions
from qa.prompt import REFUSAL, is_refusal
from qa.protocols import Embedder, SpanReader
from qa.question import Question, analyze
from qa.reading import read
from qa.summary import document_hits, open_answer, summary
from qa.text import contains_token
from qa.types import Answer, Hit, Part, ShortAnswer

SUMMARY_LEAD = "The article's main points, in its own words:"
NOT_ANSWERED = "The article does not say:"


@dataclass(frozen=True)
class Plan:
    """What the gate decided: the passages to answer from and, per question part, its alignment."""

    question: Question
    hits: tuple[Hit, ...]
    ranked: tuple[Evidence, ...]
    parts: tuple[Alignment, ...] = ()
    summary: tuple[Evidence, ...] = ()

    @property
    def refused(self) -> bool:
        return not self.summary and not any(a.answered for a in self.parts)

    @property
    def multi_part(self) -> bool:
        return len(self.parts) > 1

    def part_list(self) -> tuple[Part, ...]:
        return tuple(Part(a.question.text, a.answered) for a in self.parts) if self.multi_part else ()


def gate(question: str, query: str, parts: Sequence[tuple[str, str, Sequence[Hit]]], store: IndexStore,
         embedder: Embedder, options: ScoringOptions, reader: SpanReader | None = None) -> Plan:
    """Decide what can be answered. `parts` are (part question, its retrieval query, its hits); one
    part is the whole question. With a `reader`, factoid parts are also read for a short answer and
    a no-answer score (see `with_reading`)."""
    whole = analyze(question)
    vocabulary = store.lexical.vocabulary
    hits = _union([h for _, _, part_hits in parts for h in part_hits])
    ranked = tuple(rank_evidence(query, hits, embedder))
    if whole.kind == "summary" and hits:
        doc_hits = document_hits(store.chunks, hits[0].chunk.doc_id)
        return Plan(whole, tuple(doc_hits), ranked, summary=tuple(summary(doc_hits, embedder, options)))
    best_dense = max((h.dense_score or 0.0 for h in hits), default=0.0)
    if not ranked or best_dense < options.min_retrieval_score:
        return Plan(whole, hits, ranked, (Alignment(whole, ()),))
    alignments = []
    added: list[Hit] = []
    for text, part_query, part_hits in parts:
        q = whole if len(parts) == 1 else analyze(text)
        if unknown_facts(q.names + q.numbers, vocabulary):  # a name or number the corpus never mentions
            alignments.append(Alignment(q, ()))
            continue
        part_ranked = ranked if len(parts) == 1 else rank_evidence(part_query, hits, embedder)
        penalty = options.unknown_term_penalty * unknown_share(part_query, vocabulary)
        a = align(q, part_ranked, options, penalty, store.documents)
        # a follow-up ("When did he host it?", or a later part that refers back) is left to the
        # alignment: the reader would see it without the turn it refers to (given the retrieval
        # query instead, it answered the previous question)
        if reader is not None and q.kind == "factoid" and part_query == text:
            reading = read(reader, q.text, part_hits, store, options.reader_passages)
            a, hit = with_reading(a, reading, part_ranked, len(hits) + len(added) + 1, embedder, options,
                                  store.documents)
            added += [hit] if hit is not None else []
        alignments.append(a)
    return Plan(whole, hits + tuple(added), ranked, tuple(alignments))


def _union(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.chunk.chunk_id not in seen:
            seen.add(h.chunk.chunk_id)
            out.append(replace(h, rank=len(out) + 1))
    return tuple(out)


def _part_drafts(a: Alignment, embedder: Embedder, options: ScoringOptions) -> list[Draft]:
    """One answered part from its evidence: the short answer then its sentence (factoid), or the
    sentences chosen for coverage (open), best first as the lead."""
    if a.span is not None:
        e = a.evidence[0]
        return [(_sentence(a.span.text), "lead", (quote_of(e),)), (e.text.strip(), "quote", (quote_of(e),))]
    if a.question.kind in ("open", "list"):
        chosen = open_answer(a.evidence, a.context, embedder, options, reason=a.question.answer_type == "reason")
        lead, rest = chosen[0], chosen[1:]
        return [(lead.text.strip(), "lead", (quote_of(lead),))] + [(e.text.strip(), "quote", (quote_of(e),))
                                                                    for e in rest]
    return [(e.text.strip(), "quote", (quote_of(e),)) for e in best_evidence(a.evidence)]


def _sentence(span: str) -> str:
    """A short answer shown as a line of its own: "six days." """
    return span if span[-1:] in ".!?" else f"{span}."


def evidence_answer(base: Answer, plan: Plan, embedder: Embedder, options: ScoringOptions) -> Answer:
    """The answer built from source sentences alone (extractive generator, summaries, multi-part
    questions, and the fallback when nothing generated holds up)."""
    if plan.summary:
        drafts: list[Draft] = [(SUMMARY_LEAD, "lead", ())]
        drafts += [(e.text.strip(), "quote", (quote_of(e),)) for e in plan.summary]
        return finish(replace(base, hits=plan.hits), drafts, plan, grounded=True)
    drafts = []
    for a in plan.parts:
        if a.answered:
            drafts += [d for d in _part_drafts(a, embedder, options) if d[1] != "quote" or d not in drafts]
    return finish(base, drafts, plan, grounded=True)


def verified_answer(base: Answer, draft: str, plan: Plan, embedder: Embedder, options: ScoringOptions
                    ) -> Answer | None:
    """The generator's draft, sentence by sentence verified, followed by the quoted evidence; None when
    nothing it wrote holds up or answers the question (the caller falls back to the evidence)."""
    checked = verify(draft, plan.hits, embedder, options.min_support, question=plan.question.text,
                     min_coverage=options.min_claim_coverage)
    claims = on_topic_claims(checked.claims, plan.ranked, options.relevant_evidence)
    if not claims or is_refusal(draft):
        return None
    a = plan.parts[0]
    evidence = (open_answer(a.evidence, a.context, embedder, options, reason=a.question.answer_type == "reason")
                if a.question.kind in ("open", "list") else best_evidence(a.evidence))
    quotes = [quote_of(e) for e in evidence] if options.quote_evidence else []
    lead: list[Draft] = []
    if a.span:  # the short answer leads unless the verified claims already say it
        if options.quote_evidence:
            quotes = [quote_of(a.evidence[0])] + [q for q in quotes if q != quote_of(a.evidence[0])]
        if not any(contains_token(c.text, a.span.text) for c in claims):
            lead = [(_sentence(a.span.text), "lead", (quote_of(a.evidence[0]),))]
    return finish(base, lead + compose(claims, quotes, options.quote_redundant), plan,
                  grounded=checked.all_supported)


def finish(base: Answer, drafts: list[Draft], plan: Plan, grounded: bool) -> Answer:
    """Renumber citations, render the text, attach the short answer and the parts; a refusal if empty."""
    statements, citations = renumber(drafts)
    parts = plan.part_list()
    if not statements:
        return replace(base, answer=REFUSAL, parts=parts)
    text = render_text(statements)
    missing = [p.question for p in parts if not p.answered]
    if missing:
        text += "\n\n" + " ".join(f"{NOT_ANSWERED} {q}" for q in missing)
    short = None
    first = plan.parts[0] if plan.parts else None
    if first is not None and first.span is not None and not plan.multi_part:
        e = first.evidence[0]
        cited = next(c for c in citations if c.doc_id == e.hit.chunk.doc_id and c.start == e.span.start)
        short = ShortAnswer(first.span.text, cited.doc_id, e.span.start + first.span.start,
                            e.span.start + first.span.end, cited.n)
    return replace(base, answer=text, statements=statements, citations=citations, grounded=grounded,
                   refused=False, short_answer=short, parts=parts)
