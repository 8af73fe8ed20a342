"""Turn verified generator output into the answer users see: keep the claims that answer the
question from its best evidence, then quote the source sentence that best answers it."""

from __future__ import annotations

from collections.abc import Sequence

from qa.citations import with_markers
from qa.evidence import Evidence
from qa.grounding import Claim
from qa.options import DEFAULTS
from qa.text import contains_token, content_terms, coverage, fold, key_facts
from qa.types import Citation, StatementKind

Draft = tuple[str, StatementKind, tuple[Citation, ...]]


def _facts_in_one_sentence(claim: Claim, citation: Citation) -> bool:
    return all(contains_token(citation.quote, f) for f in key_facts(claim.text))


def on_topic_claims(claims: Sequence[Claim], ranked: Sequence[Evidence], relevant: int) -> list[Claim]:
    """The supported claims whose names and numbers all stand in one sentence they cite, provided
    one of them cites one of the `relevant` best evidence sentences; else none.

    The one-sentence rule catches a small model that is true to the passages yet joins facts from
    different sentences ("the summit held last August was held in Singapore" when Singapore belongs
    to another event; "the Japan Chair is Victor Cha" when he is the Korea Chair)."""
    anchors = {id(c): [x for x in c.citations if _facts_in_one_sentence(c, x)] for c in claims if c.supported}
    kept = [c for c in claims if anchors.get(id(c))]
    best = {(e.hit.chunk.doc_id, e.span.start) for e in ranked[:relevant]}
    if any((x.doc_id, x.start) in best for c in kept for x in anchors[id(c)]):
        return kept
    return []


def verbatim(evidence: Sequence[Evidence]) -> str:
    """Evidence sentences as an answer, word for word, each with its `[n]` marker: the extractive
    generator's answer and the fallback when nothing generated holds up."""
    return " ".join(with_markers(e.text.strip(), [e.n]) for e in evidence)


def quote_of(evidence: Evidence) -> Citation:
    """A citation of one evidence sentence, verbatim (so its support is 1)."""
    return Citation(n=evidence.n, doc_id=evidence.hit.chunk.doc_id, chunk_id=evidence.hit.chunk.chunk_id,
                    start=evidence.span.start, end=evidence.span.end, quote=evidence.text, support=1.0,
                    passage=evidence.n)


def compose(claims: Sequence[Claim], quotes: Sequence[Citation],
            redundant: float = DEFAULTS.quote_redundant) -> list[Draft]:
    """The claims, then the sentences that best answer the question quoted word for word, leaving out
    any the claims already say. A claim that is its cited sentence word for word is itself a quote."""
    drafts: list[Draft] = []
    for c in claims:
        verbatim_copy = len(c.citations) == 1 and fold(c.text) == fold(c.citations[0].quote.strip())
        drafts.append((c.text, "quote" if verbatim_copy else "claim", c.citations))
    said = " ".join(c.text for c in claims)
    drafts += [(q.quote.strip(), "quote", (q,)) for q in quotes
               if coverage(content_terms(q.quote), said) < redundant]
    return drafts
