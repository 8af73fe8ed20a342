"""Index throughput and scale (a benchmark, not a test).

    .venv/bin/python eval/scale_bench.py [--articles 48] [--target-chunks 100000]

1. Throughput: `IndexStore.build` over the first `--articles` SQuAD dev articles against a bare
   `model.encode` of the same chunk texts (the floor: the same model, batch size and threads).
2. Scale: those real chunks and their real vectors, plus *synthetic* copies of the same articles
   (ids `copyN~...`, marked as such) until `--target-chunks`; a copy's vector is the real one plus
   small Gaussian noise (sigma 0.01 a dimension, renormalised) so that search has no exact ties. Only
   the index side is timed here (chunking, BM25, FAISS); embedding speed is part 1's. Then: size on
   disk, resident memory, query p50/p95 (real questions, real query embedding), HNSW recall@10
   against exact search, and adding one more document.
Writes eval/runs/scale_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.cli import tune_openmp  # noqa: E402

tune_openmp()

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from qa.index.chunking import chunk_document  # noqa: E402
from qa.index.store import IndexStore  # noqa: E402

from eval.peer_bench import default_squad  # noqa: E402
from qa.compute import compute  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.embedder import SentenceTransformerEmbedder  # noqa: E402
from qa.evaluation.datasets import load_eval_set  # noqa: E402
from qa.pipeline import Pipeline, chunking_options  # noqa: E402
from qa.types import Document  # noqa: E402

NOISE = 0.01


class CopyEmbedder:
    """Real vectors for known chunk texts (each later occurrence: plus seeded noise); the real model
    for anything else (questions)."""

    def __init__(self, real: SentenceTransformerEmbedder, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.real, self.model_id, self.dimension = real, real.model_id, real.dimension
        self.base = dict(zip(texts, vectors, strict=True))
        self.seen: dict[str, int] = {}

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if not all(t in self.base for t in texts):
            return self.real.encode(texts, show_progress=show_progress)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            n = self.seen.get(text, 0)
            self.seen[text] = n + 1
            v = self.base[text]
            if n:
                v = v + np.random.default_rng(n * 7919 + len(text)).normal(0, NOISE, self.dimension)
                v = v / np.linalg.norm(v)
            out[i] = v
        return out


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return round(current, 1), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def throughput(docs: list[Document], embedder: SentenceTransformerEmbedder, settings: Settings) -> tuple:
    texts = [c.text for d in docs for c in chunk_document(d, chunking_options(settings))]
    embedder.encode(["warm-up"] * 1)
    t = time.perf_counter()
    store = IndexStore.build(docs, embedder, chunking_options(settings), settings.ann, settings.ann_threshold)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    compute.run(embedder.model.encode, texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False)
    raw_s = time.perf_counter() - t
    return store, {"articles": len(docs), "chunks": len(texts), "build_s": round(build_s, 2),
                   "build_chunks_per_s": round(len(texts) / build_s, 1), "raw_encode_s": round(raw_s, 2),
                   "raw_chunks_per_s": round(len(texts) / raw_s, 1), "build_over_raw": round(build_s / raw_s, 3)}


def scale(real: IndexStore, embedder: CopyEmbedder, settings: Settings, target: int, questions: list[str]) -> dict:
    docs, copies = list(real.documents.values()), []
    while len(real.chunks) * (len(copies) // len(docs) + 1) < target:
        n = len(copies) // len(docs) + 1
        copies += [replace(d, doc_id=f"copy{n}~{d.doc_id}", source=f"synthetic copy {n} of {d.source}") for d in docs]
    all_docs = docs + copies
    t = time.perf_counter()
    store = IndexStore.build(all_docs, embedder, chunking_options(settings), settings.ann, settings.ann_threshold)
    build_s = time.perf_counter() - t
    out = {"documents": len(all_docs), "synthetic_documents": len(copies), "chunks": len(store.chunks),
           "ann": store.manifest.ann, "index_build_s": round(build_s, 1),
           "index_chunks_per_s": round(len(store.chunks) / build_s, 1), "rss_mb_after_build": rss_mb()}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = store.save(Path(tmp))
        out["save_s"] = round(time.perf_counter() - t, 1)
        out["disk_mb"] = round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)
    pipeline = Pipeline(settings, embedder, store)
    t = time.perf_counter()
    pipeline.search(questions[0])  # the first search of a store also maps its paragraphs and indexes them (BM25)
    out["first_query_s"] = round(time.perf_counter() - t, 2)
    times = []
    for q in questions:
        t = time.perf_counter()
        pipeline.search(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out |= {"queries": len(times), "query_p50_ms": round(statistics.median(times), 1),
            "query_p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}
    qvecs = embedder.encode(questions)
    exact = faiss.IndexFlatIP(store.vectors.shape[1])
    exact.add(store.vectors)
    _, truth = exact.search(qvecs, 10)
    found = [[r for r, _ in store.dense.search(v, 10)] for v in qvecs]
    recall = [len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]
    out["hnsw_recall@10"] = round(float(np.mean(recall)), 4)
    extra = replace(docs[0], doc_id="one-more-document", source="synthetic copy for the add test")
    t = time.perf_counter()
    bigger = store.add([extra], embedder)
    out["add_one_document_s"] = round(time.perf_counter() - t, 2)
    out["add_one_document_chunks"] = len(bigger.chunks) - len(store.chunks)
    out["rss_mb_end"] = rss_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=default_squad())
    parser.add_argument("--articles", type=int, default=48, help="Real SQuAD dev articles (48 = all).")
    parser.add_argument("--target-chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "eval/runs/scale_bench.json")
    args = parser.parse_args()
    settings = Settings()
    data = load_eval_set(args.squad, "squad")
    docs = list(data.documents.values())[: args.articles]
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
              "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    real, report["throughput"] = throughput(docs, embedder, settings)
    print(json.dumps(report), file=sys.stderr)
    ids = {d.doc_id for d in docs}
    questions = [i.question for i in data.items if i.doc_id in ids][:: 7][: args.queries]
    copy_embedder = CopyEmbedder(embedder, [c.text for c in real.chunks], real.vectors)
    report["scale"] = scale(real, copy_embedder, settings, args.target_chunks, questions)
    report["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
