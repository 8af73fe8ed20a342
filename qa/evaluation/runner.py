"""Run a question set through the shared pipeline and score every answer (see docs in README)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tqdm.auto import tqdm

from qa.citations import strip_markers
from qa.evaluation import metrics as m
from qa.evaluation.datasets import EvalItem, EvalSet
from qa.index.store import IndexStore
from qa.pipeline import Pipeline, chunking_options
from qa.serialize import citation_json
from qa.text import degenerate, fold, missing_facts
from qa.types import Answer, Hit


def build_stores(pipeline: Pipeline, eval_set: EvalSet, pool: str) -> dict[str | None, IndexStore]:
    """Index SQuAD articles: one store per article (`pool='article'`) or one for all (`'all'`)."""
    if not eval_set.documents:
        return {}
    settings = pipeline.settings
    opts = chunking_options(settings)
    docs = list(eval_set.documents.values())
    if pool == "all":
        return {None: IndexStore.build(docs, pipeline.embedder, opts, settings.ann, settings.ann_threshold)}
    return {d.doc_id: IndexStore.build([d], pipeline.embedder, opts, settings.ann, settings.ann_threshold)
            for d in tqdm(docs, desc="Indexing articles", unit="article", disable=len(docs) < 3)}


def _gold_span(item: EvalItem, store: IndexStore) -> tuple[str, int, int] | None:
    if item.span and item.doc_id:
        return item.doc_id, item.span[0], item.span[1]
    if item.evidence:
        for doc in store.documents.values():
            at = doc.text.find(item.evidence)
            if at >= 0:
                return doc.doc_id, at, at + len(item.evidence)
    return None


def _relevant(hit: Hit, item: EvalItem, span: tuple[str, int, int] | None) -> bool:
    c = hit.chunk
    if span:
        return c.doc_id == span[0] and c.start <= span[1] and span[2] <= c.end
    return any(fold(a) in fold(c.text) for a in item.answers)


def unsupported_sentences(answer: Answer) -> int:
    """Shown statements with a number or name that none of their cited sentences contains."""
    quotes = {c.n: c.quote for c in answer.citations}
    return sum(bool(missing_facts(s.text, " ".join(quotes.get(n, "") for n in s.citations)))
               for s in answer.statements)


def key_sentence_recall(item: EvalItem, answer: Answer) -> float | None:
    """Share of the item's key sentences (exact quotes) that some citation of the answer covers."""
    if not item.key_sentences:
        return None
    cited = [fold(c.quote) for c in answer.citations]
    return sum(any(fold(k) in q or q in fold(k) for q in cited) for k in item.key_sentences) / len(item.key_sentences)


def parts_correct(item: EvalItem, answer: Answer) -> float | None:
    """Share of a multi-part question's parts whose answered/not-answered state is right."""
    if not item.parts:
        return None
    got = [p.answered for p in answer.parts] or [not answer.refused]
    if len(got) != len(item.parts):
        return 0.0
    return sum(a == b for a, b in zip(got, item.parts, strict=True)) / len(item.parts)


def score_item(item: EvalItem, answer: Answer, store: IndexStore, tokens: int | None) -> dict[str, Any]:
    span = _gold_span(item, store)
    rank = m.first_relevant_rank([_relevant(h, item, span) for h in answer.hits])
    text = strip_markers(answer.answer)
    short = answer.short_answer.text if answer.short_answer else text  # EM/F1 score the direct answer
    correct = [bool(span and c.doc_id == span[0] and m.overlaps(c.start, c.end, span[1], span[2]))
               or m.contains_gold(c.quote, item.answers) > 0 for c in answer.citations]
    gen_s = answer.timings.get("generate_ms", 0) / 1000
    return {
        "id": item.id, "type": item.kind, "question": item.question, "answers": list(item.answers),
        "answerable": item.answerable, "answer": answer.answer, "refused": answer.refused,
        "grounded": answer.grounded, "generator": answer.generator, "model": answer.model,
        "citations": [citation_json(c) for c in answer.citations], "citations_correct": sum(correct),
        "hits": [{"rank": h.rank, "chunk_id": h.chunk.chunk_id, "score": h.score} for h in answer.hits],
        "first_relevant_rank": rank,
        "short_answer": answer.short_answer.text if answer.short_answer else None,
        "em": m.exact_match(short, item.answers) if item.answerable and not answer.refused else 0.0,
        "f1": m.f1(short, item.answers) if item.answerable and not answer.refused else 0.0,
        "key_sentence_recall": key_sentence_recall(item, answer),
        "parts_correct": parts_correct(item, answer),
        "degenerate": any(degenerate(s.text) for s in answer.statements if s.kind != "quote"),
        "status": answer.status, "split": item.split,
        "contains_gold": m.contains_gold(text, item.answers) if not answer.refused else 0.0,
        "draft_contains_gold": m.contains_gold(strip_markers(answer.draft), item.answers) if answer.draft else 0.0,
        "fallback": answer.fallback,
        "unsupported_sentences": unsupported_sentences(answer),
        "timings": answer.timings, "tokens": tokens,
        "tokens_per_s": round(tokens / gen_s, 2) if tokens and gen_s > 0 else None,
        "draft": answer.draft,
    }


def run_eval(pipeline: Pipeline, eval_set: EvalSet, *, generator: str | None = None, k: int | None = None,
             concurrency: int = 1, pool: str = "article", progress: bool = True,
             on_result: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Answer every item (in parallel up to `concurrency`) and return per-question results, in order."""
    stores = build_stores(pipeline, eval_set, pool)
    gen = pipeline.generator(generator)
    count = getattr(gen, "count_tokens", None)

    def one(item: EvalItem) -> dict[str, Any]:
        store = stores.get(item.doc_id if pool != "all" else None) or pipeline.store
        answer = pipeline.ask(item.question, item.history, store=store, generator=generator, top_k=k)
        tokens = count(answer.draft) if count and answer.draft else None
        result = score_item(item, answer, store, tokens)
        if on_result:
            on_result(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as executor:
        futures = executor.map(one, eval_set.items)
        return list(tqdm(futures, total=len(eval_set.items), desc="Evaluating", unit="q", disable=not progress))


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate metrics; each is defined in the README's evaluation section."""
    answerable = [r for r in results if r["answerable"]]
    scored = [r for r in answerable if r.get("type") != "multi-part"]  # rows with gold short answers
    unanswerable = [r for r in results if not r["answerable"]]
    shown = [r for r in results if not r["refused"]]
    refused = [r for r in results if r["refused"]]
    ranks = [r["first_relevant_rank"] for r in answerable]
    cited = sum(len(r["citations"]) for r in answerable if not r["refused"])
    stage = {s: [r["timings"].get(s, 0.0) for r in results] for s in ("retrieve_ms", "generate_ms", "total_ms")}
    speeds = [r["tokens_per_s"] for r in results if r.get("tokens_per_s")]
    return {
        "questions": len(results), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "hit@1": m.mean([m.hit_at(x, 1) for x in ranks]), "hit@3": m.mean([m.hit_at(x, 3) for x in ranks]),
        "hit@5": m.mean([m.hit_at(x, 5) for x in ranks]), "mrr": m.mean([m.reciprocal_rank(x) for x in ranks]),
        "exact_match": m.mean([r["em"] for r in scored]), "f1": m.mean([r["f1"] for r in scored]),
        "contains_gold": m.mean([r["contains_gold"] for r in scored]),
        "parts_accuracy": m.mean([r["parts_correct"] for r in results if r.get("parts_correct") is not None]),
        "draft_contains_gold": m.mean([r.get("draft_contains_gold", 0.0) for r in answerable]),
        "fallback_rate": m.mean([float(r.get("fallback", False)) for r in shown]),
        "citation_precision": (sum(r["citations_correct"] for r in answerable if not r["refused"]) / cited
                               if cited else None),
        "citation_recall": m.mean([float(r["citations_correct"] > 0) for r in answerable]),
        "grounded_rate": m.mean([float(r["grounded"]) for r in shown]),
        "refusal_recall": m.mean([float(r["refused"]) for r in unanswerable]),
        "refusal_precision": (sum(not r["answerable"] for r in refused) / len(refused)) if refused else None,
        "false_refusal_rate": m.mean([float(r["refused"]) for r in answerable]),
        "unsupported_sentences": sum(r["unsupported_sentences"] for r in results),
        "degenerate_answers": sum(bool(r.get("degenerate")) for r in results),
        "key_sentence_recall": m.mean([r["key_sentence_recall"] for r in results
                                       if r.get("key_sentence_recall") is not None]),
        "short_answer_rate": m.mean([float(r.get("short_answer") is not None) for r in answerable]),
        "latency_ms": {s: {"p50": m.percentile(v, 50), "p95": m.percentile(v, 95)} for s, v in stage.items()},
        "tokens_per_s": m.mean(speeds),
        "generator": results[0]["generator"].split("+")[0] if results else None,
        "model": results[0]["model"] if results else None,
    }
