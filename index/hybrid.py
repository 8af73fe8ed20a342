"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings of chunks and a BM25 ranking of their
paragraphs, fused by weighted reciprocal rank; the top k are then spread over distinct paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from qa.index.paragraph_map import paragraph_map
from qa.index.store import IndexStore

from qa.config import Settings
from qa.protocols import Embedder
from qa.types import Chunk, Hit


def _default(name: str):  # type: ignore[no-untyped-def]
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class FusionOptions:
    """How many candidates each retriever contributes and how their ranks are weighed; the defaults are
    the Settings defaults (one source of truth), see `from_settings`."""

    candidates: int = _default("candidates")
    rrf_k: int = _default("rrf_k")
    dense_weight: float = _default("dense_weight")
    lexical_weight: float = _default("lexical_weight")
    paragraph_lexical_weight: float = _default("paragraph_lexical_weight")
    diverse: bool = _default("diverse_hits")

    @classmethod
    def from_settings(cls, settings: Settings, k: int = 0) -> FusionOptions:
        """The settings' fusion options, with at least `k` candidates per retriever."""
        return cls(max(settings.candidates, k), settings.rrf_k, settings.dense_weight, settings.lexical_weight,
                   settings.paragraph_lexical_weight, settings.diverse_hits)


FUSION_FIELDS = tuple(f.name for f in fields(FusionOptions))


def reciprocal_rank_fusion(rankings: dict[str, list[int] | dict[int, int]], weights: dict[str, float],
                           rrf_k: int) -> list[tuple[int, float, tuple[str, ...]]]:
    """Fuse rankings: score(row) = sum over retrievers of weight / (rrf_k + rank). A ranking is a row list
    (rank = position, from 1) or a {row: rank} dict (rows may share a rank).

    Returns (row, score, retrievers that found it), best first; ties keep the lower row first.
    """
    scores: dict[int, float] = {}
    found: dict[int, list[str]] = {}
    for name, ranking in rankings.items():
        ranked = ranking.items() if isinstance(ranking, dict) else ((row, i) for i, row in enumerate(ranking, 1))
        for row, rank in ranked:
            scores[row] = scores.get(row, 0.0) + weights.get(name, 1.0) / (rrf_k + rank)
            found.setdefault(row, []).append(name)
    order = sorted(scores, key=lambda r: (-scores[r], r))
    return [(row, scores[row], tuple(found[row])) for row in order]


class HybridRetriever:
    """Searches one `IndexStore` snapshot; cheap to create, so a new store gets a new retriever."""

    def __init__(self, store: IndexStore, embedder: Embedder, options: FusionOptions = FusionOptions()):
        self.store = store
        self.embedder = embedder
        self.options = options

    def search(self, query: str, k: int) -> list[Hit]:
        if not self.store.chunks or not query.strip():
            return []
        opts = self.options
        qvec = self.embedder.encode([query])[0]
        dense = self.store.dense.search(qvec, opts.candidates)
        lexical = self.store.lexical.search(query, opts.candidates)
        rankings = {"dense": [r for r, _ in dense], "bm25": [r for r, _ in lexical]}
        weights = {"dense": opts.dense_weight, "bm25": opts.lexical_weight}
        paras = paragraph_map(self.store)
        candidates = dict.fromkeys(rankings["dense"] + rankings["bm25"])
        if opts.paragraph_lexical_weight > 0:
            best = paras.lexical(self.store).search(query, opts.candidates)
            para_rank = {p: i for i, (p, _) in enumerate(best, start=1)}
            rankings["paragraph"] = {r: para_rank[int(paras.para[r])] for r in candidates
                                     if int(paras.para[r]) in para_rank}
            weights["paragraph"] = opts.paragraph_lexical_weight
        fused = reciprocal_rank_fusion(rankings, weights, opts.rrf_k)
        groups = _spread(fused, paras.para, self.store.chunks, k) if opts.diverse else [[f] for f in fused[:k]]
        bm25_scores = dict(lexical)
        hits = []
        for rank, group in enumerate(groups, start=1):
            rows = [row for row, _, _ in group]
            names = tuple(dict.fromkeys(n for _, _, found in group for n in found if n != "paragraph"))
            lexical_scores = [bm25_scores[r] for r in rows if r in bm25_scores]
            hits.append(Hit(chunk=_merged([self.store.chunks[r] for r in rows], self.store),
                            score=group[0][1], rank=rank, retrievers=names,
                            dense_score=float(np.max(self.store.vectors[rows] @ qvec)),
                            lexical_score=max(lexical_scores) if lexical_scores else None))
        return hits


Fused = tuple[int, float, tuple[str, ...]]
ADJOIN_CHARS = 3  # the space between two sentences of a paragraph


def _spread(fused: list[Fused], para: np.ndarray, chunks: tuple[Chunk, ...], k: int) -> list[list[Fused]]:
    """Group the fused rows into at most k hits from distinct paragraphs, best first. A row from a
    paragraph already chosen joins that hit when it overlaps or adjoins it (one neighbour per hit: the
    passage grows by a sentence or so, and evidence cut by a chunk boundary stays whole); otherwise it is
    skipped. When fewer than k paragraphs turn up, the best rows that touch no chosen hit fill the rest."""
    groups: list[list[Fused]] = []
    by_para: dict[int, list[Fused]] = {}
    for item in fused:
        if len(groups) == k:
            break
        group = by_para.get(int(para[item[0]]))
        if group is None:
            by_para[int(para[item[0]])] = [item]
            groups.append(by_para[int(para[item[0]])])
        elif len(group) == 1 and _touch(chunks[group[0][0]], chunks[item[0]]):
            group.append(item)
    taken = {row for group in groups for row, _, _ in group}
    for item in fused:
        if len(groups) == k:
            break
        if item[0] not in taken and not any(_touch(chunks[item[0]], chunks[row]) for row in taken):
            groups.append([item])
            taken.add(item[0])
    return groups


def _merged(parts: list[Chunk], store: IndexStore) -> Chunk:
    """One chunk spanning `parts` (neighbours in one paragraph): their sentences, in text order."""
    if len(parts) == 1:
        return parts[0]
    first, last = min(parts, key=lambda c: c.start), max(parts, key=lambda c: c.end)
    sentences = tuple(sorted({s for c in parts for s in c.sentences}, key=lambda s: s.start))
    return Chunk(chunk_id=f"{first.chunk_id}+{last.chunk_id.rsplit(':', 1)[-1]}", doc_id=first.doc_id,
                 text=store.documents[first.doc_id].text[first.start:last.end], start=first.start, end=last.end,
                 sentences=sentences)


def _touch(a: Chunk, b: Chunk) -> bool:
    """Overlapping, or adjoining (at most a few characters of space apart), in one document."""
    return a.doc_id == b.doc_id and a.start <= b.end + ADJOIN_CHARS and b.start <= a.end + ADJOIN_CHARS
