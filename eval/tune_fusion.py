"""Tune the fusion settings on SQuAD v1.1 dev articles 12-48 only (articles 1-2 are the peer benchmark's
report set; 3-11 stay untouched), with the peer benchmark's metrics.

    .venv/bin/python eval/tune_fusion.py [--grid]

Each article is indexed once (cached under eval/runs/tune-cache/) and every question embedded once;
each configuration then re-runs the real `HybridRetriever` over all 7,317 questions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.cli import tune_openmp  # noqa: E402

tune_openmp()

import numpy as np  # noqa: E402
from qa.index.hybrid import FusionOptions, HybridRetriever  # noqa: E402
from qa.index.sentences import paragraphs  # noqa: E402
from qa.index.store import IndexStore  # noqa: E402

from eval.peer_bench import KS, default_squad, question_metrics  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.embedder import SentenceTransformerEmbedder  # noqa: E402
from qa.evaluation.datasets import load_eval_set  # noqa: E402
from qa.pipeline import chunking_options  # noqa: E402

FIRST, LAST = 12, 48  # 1-based article numbers of the tuning set
CACHE = ROOT / "eval/runs/tune-cache"


class Precomputed:
    """The real model's vectors for a fixed set of questions, computed once in bulk."""

    def __init__(self, embedder: SentenceTransformerEmbedder, texts: Sequence[str], cache: Path) -> None:
        self.model_id, self.dimension = embedder.model_id, embedder.dimension
        unique = list(dict.fromkeys(texts))
        saved = np.load(cache) if cache.is_file() else None
        fresh = saved is None or len(saved) != len(unique)
        vectors = embedder.encode(unique, show_progress=True) if fresh else saved
        np.save(cache, vectors)
        self._vectors = dict(zip(unique, vectors, strict=True))

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])


def load_tuning_set(squad: Path, settings: Settings):  # type: ignore[no-untyped-def]
    data = load_eval_set(squad, "squad")
    doc_ids = list(data.documents)[FIRST - 1:LAST]
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    stores = {}
    for doc_id in doc_ids:
        folder = CACHE / doc_id
        try:
            stores[doc_id] = IndexStore.load(folder)
        except Exception:  # not cached yet (or stale): index it
            stores[doc_id] = IndexStore.build([data.documents[doc_id]], embedder, chunking_options(settings))
            stores[doc_id].save(folder)
    items = [i for i in data.items if i.doc_id in stores]
    return data, stores, items, Precomputed(embedder, [i.question for i in items], CACHE / "questions.npy")


def evaluate(options: FusionOptions, data, stores, items, embedder, k: int = 5) -> dict:  # type: ignore[no-untyped-def]
    starts = {d: [p.start for p in paragraphs(data.documents[d].text)] for d in stores}
    retrievers = {d: HybridRetriever(s, embedder, options) for d, s in stores.items()}
    totals: dict[str, float] = {}
    for item in items:
        found = [(h.chunk.start, h.chunk.end) for h in retrievers[item.doc_id].search(item.question, k)]
        for key, value in question_metrics(starts[item.doc_id], item.span, found).items():
            totals[key] = totals.get(key, 0.0) + value
    n = len(items)
    return {key: round(v / n, 4) for key, v in totals.items()} | {"questions": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=default_squad())
    parser.add_argument("--grid", help="JSON {field: [values]} to search around the Settings defaults.")
    args = parser.parse_args()
    settings = Settings()
    data, stores, items, embedder = load_tuning_set(args.squad, settings)
    base = FusionOptions.from_settings(settings)
    grid = json.loads(args.grid) if args.grid else {}
    names = list(grid)
    for values in itertools.product(*grid.values()) if grid else [()]:
        options = replace(base, **dict(zip(names, values, strict=True)))
        scores = evaluate(options, data, stores, items, embedder)
        keys = [f"para_hit@{k}" for k in KS] + ["rr", "distinct"]
        print(json.dumps({"options": dict(zip(names, values, strict=True)), **{k: scores[k] for k in keys}}),
              flush=True)


if __name__ == "__main__":
    main()
