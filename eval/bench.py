"""Benchmarks (not timed tests): index build speed, query latency, peak memory, generation speed.

    .venv/bin/python eval/bench.py [--squad ../shared/data/squad/dev-v1.1.json] [--queries 1000]

Writes eval/runs/bench.json and prints a Markdown table. SQuAD parts are skipped, with a message,
when the file is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.cli import tune_openmp  # noqa: E402

tune_openmp()  # before torch loads, as `qa` does

from qa.index.hybrid import HybridRetriever  # noqa: E402
from qa.index.ingest import load_path  # noqa: E402
from qa.index.store import IndexStore  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.corpus import bundled_question_set, default_corpus_paths  # noqa: E402
from qa.embedder import SentenceTransformerEmbedder  # noqa: E402
from qa.evaluation.datasets import load_eval_set  # noqa: E402
from qa.pipeline import Pipeline, chunking_options  # noqa: E402
from qa.prompt import build_messages  # noqa: E402
from qa.protocols import GenerationRequest  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(docs, embedder, settings) -> tuple[IndexStore, dict]:
    started = time.perf_counter()
    store = IndexStore.build(docs, embedder, chunking_options(settings), settings.ann, settings.ann_threshold)
    seconds = time.perf_counter() - started
    return store, {"documents": len(docs), "chunks": len(store.chunks), "seconds": round(seconds, 2),
                   "chunks_per_s": round(len(store.chunks) / seconds, 1), "ann": store.manifest.ann}


def query_latency(store, embedder, settings, queries: list[str]) -> dict:
    from qa.index.hybrid import FusionOptions

    retriever = HybridRetriever(store, embedder, FusionOptions.from_settings(settings))
    retriever.search(queries[0], settings.top_k)  # warm-up
    times = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, settings.top_k)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2)}


def generation_speed(pipeline: Pipeline, name: str, questions: list[str], counter=None) -> dict:
    """Time to first token and decode tokens/s (tokens after the first / time after the first),
    one warm-up, then one greedy answer of up to 128 tokens per question; medians reported."""
    gen = pipeline.generator(name)
    count = counter or getattr(gen, "count_tokens", None)
    results = []
    for i, question in enumerate([questions[0], *questions]):
        hits = pipeline.search(question)
        request = GenerationRequest(question, tuple(hits), build_messages(question, hits), 128, 0.0)
        started = time.perf_counter()
        first = None
        text = ""
        for delta in gen.stream(request):
            first = first or time.perf_counter()
            text += delta
        end = time.perf_counter()
        tokens = count(text) if count else len(text.split())
        decode_s = end - (first or end)
        if i:  # the first run only warms up
            results.append({"ttft_s": (first or end) - started, "tokens": tokens,
                            "decode_tok_s": (tokens - 1) / decode_s if decode_s > 0 and tokens > 1 else 0.0})
    return {"generator": name, "model": getattr(gen, "description", gen.model), "questions": len(results),
            "ttft_s": round(statistics.median(r["ttft_s"] for r in results), 3),
            "tokens_median": statistics.median(r["tokens"] for r in results),
            "decode_tok_s": round(statistics.median(r["decode_tok_s"] for r in results), 1),
            "decode_tok_s_min": round(min(r["decode_tok_s"] for r in results), 1),
            "decode_tok_s_max": round(max(r["decode_tok_s"] for r in results), 1)}


def llama_cpp_speed(pipeline: Pipeline, questions: list[str]) -> dict:
    """The same GGUF served by llama-cpp-python's OpenAI-compatible server, used by `--generator openai`."""
    import importlib.util
    import socket
    import subprocess

    import httpx

    from qa.generators.openai_api import OpenAIGenerator
    from qa.models import resolve_gen_model

    if importlib.util.find_spec("llama_cpp") is None:
        return {"generator": "openai (llama.cpp server)", "skipped": "llama-cpp-python not installed"}
    model = resolve_gen_model(pipeline.settings.gen_model)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", f"{model.location}/{model.gguf_file}",
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        pipeline.add_generator(OpenAIGenerator(base, "smollm2", "none"))
        counter = pipeline.generator("transformers").count_tokens  # the same tokenizer
        return {**generation_speed(pipeline, "openai", questions, counter=counter), "variant": "llama.cpp server"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=ROOT.parent / "shared/data/squad/dev-v1.1.json")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--skip-generation", action="store_true")
    parser.add_argument("--generation-only", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "eval/runs/bench.json")
    args = parser.parse_args()
    settings = Settings()
    report: dict = {"machine": f"{os.cpu_count()} CPUs", "settings": {"chunk_sentences": settings.chunk_sentences,
                                                                      "chunk_overlap": settings.chunk_overlap}}
    t = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings.embed_model)
    report["embedder_load_s"] = round(time.perf_counter() - t, 2)
    article = [load_path(p) for p in default_corpus_paths()]
    article_store, report["build_article"] = build(article, embedder, settings)
    if args.generation_only:
        args.squad, args.queries = Path("/nonexistent"), 10
    questions = [json.loads(line)["question"] for line in bundled_question_set().open()]
    report["query_article"] = query_latency(article_store, embedder, settings,
                                            (questions * (args.queries // len(questions) + 1))[: args.queries])
    if args.squad.is_file():
        squad = load_eval_set(args.squad, "squad")
        squad_store, report["build_squad"] = build(list(squad.documents.values()), embedder, settings)
        paragraphs = sum(d.text.count("\n\n") + 1 for d in squad.documents.values())
        report["build_squad"]["paragraphs"] = paragraphs
        report["query_squad"] = query_latency(squad_store, embedder, settings,
                                              [i.question for i in squad.items[: args.queries]])
    else:
        print(f"SQuAD file not found at {args.squad}: skipping the SQuAD benchmarks.", file=sys.stderr)
    report["peak_rss_mb_retrieval"] = round(peak_rss_mb(), 1)
    if not args.skip_generation:
        answerable = [json.loads(line) for line in bundled_question_set().open()]
        sample = [q["question"] for q in answerable if q.get("answers") and not q.get("history")][:: 8][:6]
        report["generation"] = []
        pipelines = {}
        variants = {"default": {}, "QA_GEN_DECODER=generate": {"gen_decoder": "generate"},
                    "QA_GEN_QUANTIZE=none": {"gen_quantize": "none"},
                    "QA_GEN_QUANTIZE=int8": {"gen_quantize": "int8"}}
        for variant, overrides in variants.items():  # the default first, then one change at a time
            pipelines[variant] = Pipeline(settings.override(**overrides), embedder, article_store)
            report["generation"].append({**generation_speed(pipelines[variant], "transformers", sample),
                                         "variant": variant})
            print(json.dumps(report["generation"][-1]), file=sys.stderr)
            if variant != "default":
                del pipelines[variant]  # free the model; the default's tokenizer counts llama.cpp's tokens
        report["generation"].append(llama_cpp_speed(pipelines["default"], sample))
        report["peak_rss_mb_total"] = round(peak_rss_mb(), 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
