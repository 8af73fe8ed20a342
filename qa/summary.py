"""Answers that need several sentences: open questions (why/how) and summaries of a document.
Sentences are chosen for coverage, not redundancy (maximal marginal relevance), and shown in
document order."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from qa.evidence import Evidence, is_prose, passage_sentences
from qa.options import ScoringOptions
from qa.protocols import Embedder
from qa.types import Hit, Span


def _mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, redundancy: float, first: int | None = None
         ) -> list[int]:
    """Greedy maximal marginal relevance; `first` (an index) is taken first when given."""
    chosen: list[int] = [] if first is None else [first]
    while len(chosen) < min(k, len(relevance)):
        best, best_score = -1, -np.inf
        for i in range(len(relevance)):
            if i in chosen:
                continue
            overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            score = float(relevance[i]) - redundancy * overlap
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return chosen


def in_document_order(evidence: Sequence[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: (e.hit.chunk.doc_id, e.span.start))


_REASON = re.compile(r"\b(because|since|due to|as a result|so that|in order to|saying|said|reasons?|thanks to|"
                     r"owing to|led to|caus(e|ed|es)|why|therefore|signals?|means?)\b", re.IGNORECASE)


def open_answer(aligned: Sequence[Evidence], context: Sequence[Evidence], embedder: Embedder,
                options: ScoringOptions, reason: bool = False) -> list[Evidence]:
    """The sentences an open question's answer rests on. The lead is the best aligned sentence (for
    "why", one that gives a reason is preferred); the others come from the aligned ones and the other
    well-scoring sentences of the passages (`context`), chosen for coverage, in document order."""
    if not aligned:
        return []
    seen: set[tuple[str, int]] = set()
    candidates = []
    for e in (*aligned, *context):
        if (e.hit.chunk.doc_id, e.span.start) not in seen:
            seen.add((e.hit.chunk.doc_id, e.span.start))
            candidates.append(e)
    floor = options.open_ratio * aligned[0].score
    pool = [e for e in candidates[:12] if e.score >= floor or e in aligned]
    if len(pool) < options.min_open_sentences:  # an open answer rests on more than one sentence
        pool = candidates[:options.min_open_sentences]
    relevance = np.array([e.score + (options.reason_cue_bonus if reason and _REASON.search(e.text) else 0.0)
                          for e in pool])
    lead = max(range(len(pool)), key=lambda i: (pool[i] in aligned, relevance[i]))
    vectors = embedder.encode([e.text for e in pool])
    picked = _mmr(relevance, vectors, options.max_open_sentences, options.redundancy_weight, first=lead)
    rest = in_document_order([pool[i] for i in picked[1:]])
    return [pool[picked[0]], *rest]


def document_hits(chunks: Sequence, doc_id: str) -> list[Hit]:
    """Every chunk of one document as a passage (for a summary of the whole document)."""
    own = sorted((c for c in chunks if c.doc_id == doc_id), key=lambda c: c.start)
    return [Hit(c, 0.0, i) for i, c in enumerate(own, start=1)]


def summary(hits: Sequence[Hit], embedder: Embedder, options: ScoringOptions) -> list[Evidence]:
    """A cited summary: the document's prose sentences closest to its centroid, chosen for coverage,
    in document order."""
    sents = [s for s in passage_sentences(hits) if is_prose(s.text)]
    if not sents:
        return []
    vectors = embedder.encode([s.text for s in sents])
    centroid = vectors.mean(axis=0)
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    relevance = vectors @ centroid
    picked = _mmr(relevance, vectors, options.summary_sentences, options.redundancy_weight)
    out = [Evidence(sents[i].n, sents[i].hit, sents[i].span, sents[i].text, float(relevance[i]), 1.0)
           for i in picked]
    return in_document_order(out)


__all__ = ["Span", "document_hits", "in_document_order", "open_answer", "summary"]
