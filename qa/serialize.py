"""JSON shapes shared by the CLI `--json` output and the HTTP API (one definition, two front ends)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.types import Answer, Citation, Hit


def hit_json(hit: Hit) -> dict[str, Any]:
    c = hit.chunk
    return {"rank": hit.rank, "score": round(hit.score, 6), "doc_id": c.doc_id, "chunk_id": c.chunk_id,
            "start": c.start, "end": c.end, "text": c.text, "retrievers": list(hit.retrievers),
            "dense_score": None if hit.dense_score is None else round(hit.dense_score, 6),
            "lexical_score": None if hit.lexical_score is None else round(hit.lexical_score, 6)}


def citation_json(c: Citation) -> dict[str, Any]:
    return asdict(c)


def answer_json(a: Answer, include_hits: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "answer": a.answer,
        "short_answer": asdict(a.short_answer) if a.short_answer else None,
        "statements": [asdict(s) for s in a.statements],
        "citations": [citation_json(c) for c in a.citations],
        "parts": [asdict(p) for p in a.parts],
        "status": a.status,
        "grounded": a.grounded,
        "refused": a.refused,
        "fallback": a.fallback,
        "generator": a.generator,
        "model": a.model,
        "timings": a.timings,
    }
    if include_hits:
        out["hits"] = [hit_json(h) for h in a.hits]
    return out
