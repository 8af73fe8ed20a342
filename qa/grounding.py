"""Verify a generated answer against what it cites and resolve `[n]` markers to exact source spans.

Each answer sentence is compared with the sentences of the passages it cites (lexical overlap and
embedding similarity); its numbers and names must occur in the cited text as whole tokens, it must not
reverse the cited text's meaning (negation on one side only) and must not be degenerate (loops,
runaway length). Sentences that fail are dropped; uncited sentences are kept only if one retrieved
sentence clearly supports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.citations import answer_sentences, markers, strip_markers, with_markers
from qa.evidence import SourceSentence, passage_sentences
from qa.options import DEFAULTS
from qa.prompt import is_refusal
from qa.protocols import Embedder
from qa.text import content_terms, coverage, degenerate, missing_facts, reverses
from qa.types import Citation, Hit

LEXICAL_WEIGHT = DEFAULTS.lexical_weight


@dataclass(frozen=True)
class Claim:
    """One answer sentence after checking: its text, the citations it rests on, whether it holds."""

    text: str
    citations: tuple[Citation, ...]
    supported: bool
    missing: tuple[str, ...] = ()
    support: float = 0.0


@dataclass(frozen=True)
class GroundedText:
    """The verified answer: only supported sentences, each followed by its markers."""

    text: str
    citations: tuple[Citation, ...]
    claims: tuple[Claim, ...]

    @property
    def all_supported(self) -> bool:
        return bool(self.claims) and all(c.supported for c in self.claims)

    @property
    def kept(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.supported)


# "3. ", "2) ", "- ": list formatting from a draft written as a list; not a fact, and once the
# kept sentences are joined into a paragraph the number would read as one.
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
_META = re.compile(r"\b(question|the answer|this article|the article is about|passages?)\b|^(a|q):", re.IGNORECASE)


def informative(claim: str, question: str) -> bool:
    """False for questions, talk about the question/article instead of an answer, and echoes of the
    question that add no content word of their own."""
    if claim.rstrip().endswith("?") or _META.search(claim):
        return False
    terms = content_terms(claim)
    return bool(terms) and not terms <= content_terms(question)


def verify(text: str, hits: Sequence[Hit], embedder: Embedder, min_support: float,
           question: str = "", min_coverage: float = 0.0) -> GroundedText:
    """Check every sentence of `text` against the passages; see the module docstring.

    With a `question`, sentences that do not answer it (see `informative`) are dropped too; without
    one (verbatim evidence) they are kept."""
    sources = passage_sentences(hits)
    items = (_LIST_ITEM.sub("", s) for s in answer_sentences(text))
    claims_raw = [s for s in items if strip_markers(s) and not is_refusal(s)
                  and (not question or informative(strip_markers(s), question))]
    if not sources or not claims_raw or degenerate(strip_markers(text), max_words=None):
        return GroundedText("", (), ())
    claim_texts = [strip_markers(s) for s in claims_raw]
    vectors = embedder.encode(claim_texts + [s.text for s in sources])
    claim_vecs, source_vecs = vectors[: len(claim_texts)], vectors[len(claim_texts):]
    claims = []
    for raw, claim, cvec in zip(claims_raw, claim_texts, claim_vecs, strict=True):
        cited = [n for n in markers(raw) if 1 <= n <= len(hits)]
        terms = content_terms(claim)
        support = [LEXICAL_WEIGHT * coverage(terms, s.text) + (1 - LEXICAL_WEIGHT) * float(np.dot(v, cvec))
                   for s, v in zip(sources, source_vecs, strict=True)]
        claims.append(_check_claim(claim, cited, sources, support, hits, min_support, min_coverage))
    kept = [c for c in claims if c.supported]
    text_out = " ".join(with_markers(c.text, sorted({x.n for x in c.citations})) for c in kept)
    citations: list[Citation] = []
    for c in kept:
        citations.extend(x for x in c.citations if x not in citations)
    return GroundedText(text_out, tuple(citations), tuple(claims))


def _check_claim(claim: str, cited: list[int], sources: list[SourceSentence], support: list[float],
                 hits: Sequence[Hit], min_support: float, min_coverage: float = 0.0) -> Claim:
    def rows_of(n: int) -> list[int]:
        # sentences of passage n, including those first attributed to an earlier overlapping passage
        chunk = hits[n - 1].chunk
        return [i for i, s in enumerate(sources)
                if s.hit.chunk.doc_id == chunk.doc_id and chunk.start <= s.span.start and s.span.end <= chunk.end]

    candidates = {n: rows_of(n) for n in cited} if cited else {
        sources[i].n: [i] for i in [max(range(len(sources)), key=support.__getitem__)]}
    chosen: list[tuple[int, int]] = []
    for n, rows in candidates.items():
        if rows:
            chosen.append((n, max(rows, key=support.__getitem__)))
    if not chosen:
        return Claim(claim, (), False)
    evidence = " ".join(sources[i].text for _, i in chosen)
    missing = missing_facts(claim, evidence)
    for fact in list(missing):  # a claim may join two sentences of a cited passage
        for n, rows in candidates.items():
            extra = next((i for i in rows if fact.lower() in sources[i].text.lower()), None)
            if extra is not None and (n, extra) not in chosen:
                chosen.append((n, extra))
                break
    evidence = " ".join(sources[i].text for _, i in chosen)
    missing = missing_facts(claim, evidence)
    best = max(support[i] for _, i in chosen)
    sound = (not missing and not reverses(claim, evidence) and not degenerate(claim)
             and coverage(content_terms(claim), evidence) >= min_coverage)  # no words the sources lack
    citations = tuple(
        Citation(n=n, doc_id=sources[i].hit.chunk.doc_id, chunk_id=hits[n - 1].chunk.chunk_id,
                 start=sources[i].span.start, end=sources[i].span.end, quote=sources[i].text,
                 support=round(support[i], 4), passage=n)
        for n, i in sorted(chosen, key=lambda p: (p[0], sources[p[1]].span.start)))
    return Claim(claim, citations, best >= min_support and sound, tuple(missing), best)
