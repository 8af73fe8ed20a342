"""The `qa` command line: build and inspect the index, search, ask, serve and evaluate."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qa.config import Settings, load_settings
from qa.errors import InvalidInputError, ModelError, QAError
from qa.generators import GENERATOR_NAMES
from qa.types import Answer

app = typer.Typer(help="Retrieval-augmented Q&A over an article, with cited answers.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
index_app = typer.Typer(help="Build and inspect the search index.", no_args_is_help=True)
app.add_typer(index_app, name="index")
err = Console(stderr=True, highlight=False)
out = Console()

IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="Index directory (QA_INDEX_DIR).")]
KOpt = Annotated[Optional[int], typer.Option("--k", "-k", help="Passages to retrieve (QA_TOP_K).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
GenOpt = Annotated[Optional[str], typer.Option(help=f"{' | '.join(GENERATOR_NAMES)} (QA_GENERATOR).")]


def _settings(index: Path | None = None, **changes: object) -> Settings:
    return load_settings(index_dir=index, **changes)


def _pipeline(settings: Settings):  # type: ignore[no-untyped-def]
    from qa.pipeline import Pipeline

    return Pipeline.open(settings)


@index_app.command("build")
def index_build(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files to index (default: bundled article).")] = None,
    index: IndexOpt = None,
) -> None:
    """Index documents from scratch (txt, md, html, pdf) and save the index atomically."""
    from qa.corpus import default_corpus_paths
    from qa.embedder import SentenceTransformerEmbedder
    from qa.pipeline import build_index

    settings = _settings(index)
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    err.print(f"Embedding model: {embedder.description}", markup=False)
    store = build_index(settings, embedder, paths or default_corpus_paths())
    err.print(f"[green]Indexed {len(store.documents)} document(s), {len(store.chunks)} chunks "
              f"({store.manifest.ann}) into {settings.index_dir}[/green]")


@index_app.command("add")
def index_add(paths: list[Path], index: IndexOpt = None,
              replace: Annotated[bool, typer.Option(help="Replace documents that have the same id.")] = False) -> None:
    """Add documents without re-embedding the rest (one with an id already indexed needs --replace)."""
    from qa.index.ingest import load_path

    pipeline = _pipeline(_settings(index))
    store = pipeline.add_documents([load_path(p) for p in paths], replace=replace)
    err.print(f"[green]Index now holds {len(store.documents)} document(s), {len(store.chunks)} chunks.[/green]")


@index_app.command("remove")
def index_remove(doc_id: str, index: IndexOpt = None) -> None:
    """Remove one document by id."""
    store = _pipeline(_settings(index)).delete_document(doc_id)
    err.print(f"[green]Removed '{doc_id}'; {len(store.documents)} document(s) left.[/green]")


@index_app.command("info")
def index_info(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Show what the index holds and how it was built."""
    from qa.index.store import IndexStore

    settings = _settings(index)
    store = IndexStore.load(settings.index_dir)
    m = store.manifest
    info = {"index_dir": str(settings.index_dir), "embed_model": m.embed_model, "dimension": m.dimension,
            "ann": m.ann, "chunking": m.chunking, "num_chunks": m.num_chunks, "created_at": m.created_at,
            "documents": [{"doc_id": d.doc_id, "title": d.title, "chars": len(d.text)}
                          for d in store.documents.values()], "stale": store.stale_documents()}
    if as_json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return
    table = Table("doc_id", "title", "chars")
    for d in info["documents"]:
        table.add_row(d["doc_id"], d["title"], str(d["chars"]))
    out.print(f"Index {info['index_dir']}: {m.num_chunks} chunks, {m.embed_model} ({m.dimension}d, {m.ann}), "
              f"chunking {m.chunking}, built {m.created_at}")
    out.print(table)


@app.command()
def search(query: str, k: KOpt = None, index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Hybrid (FAISS + BM25) search; prints the best passages."""
    from qa.serialize import hit_json

    hits = _pipeline(_settings(index)).search(query, k)
    if as_json:
        print(json.dumps([hit_json(h) for h in hits], indent=2, ensure_ascii=False))
        return
    for h in hits:
        out.print(f"[bold]{h.rank}.[/bold] {h.score:.4f} ({'+'.join(h.retrievers)}) "
                  f"{h.chunk.chunk_id} [{h.chunk.start}:{h.chunk.end}]\n   {h.chunk.text}")


@app.command()
def ask(question: str,
        generator: GenOpt = None,
        k: KOpt = None, index: IndexOpt = None, as_json: JsonOpt = False,
        stream: Annotated[bool, typer.Option(help="Print tokens as they come.")] = True) -> None:
    """Answer a question from the article, citing the exact sentences."""
    from qa.serialize import answer_json

    settings = _settings(index, generator=generator, top_k=k)
    pipeline = _pipeline(settings)
    show = stream and not as_json  # the stream carries verified text only, so it is the answer itself
    answer = _final_answer(pipeline.ask_stream(question),
                           (lambda delta: out.print(delta, end="", style="bold", markup=False, highlight=False))
                           if show else None)
    if as_json:
        print(json.dumps(answer_json(answer), indent=2, ensure_ascii=False))
        return
    if show:
        out.print()
    else:
        out.print(answer.answer, style="bold", markup=False, highlight=False)
    out.print(f"({answer.status})", style="dim", markup=False, highlight=False)
    for c in answer.citations:
        out.print(f"  [{c.n}] {c.doc_id} [{c.start}:{c.end}] “{c.quote}” (support {c.support:.2f})",
                  markup=False, highlight=False)
    out.print(f"  {answer.generator} · {answer.model} · {answer.timings['total_ms']:.0f} ms", style="dim")


@app.command()
def chat(generator: GenOpt = None, index: IndexOpt = None) -> None:
    """Chat in the terminal (builds the default index on first use); an empty line quits."""
    from qa.pipeline import Pipeline
    from qa.types import Turn

    pipeline = Pipeline.open(_settings(index, generator=generator), build_if_missing=True)
    history: list[Turn] = []
    while (question := typer.prompt("you", default="", show_default=False).strip()):
        try:
            answer = _final_answer(pipeline.ask_stream(question, history))
        except QAError as error:
            err.print(f"[red]{error.message}[/red]")
            continue
        out.print(f"bot: {answer.answer}", highlight=False)
        for c in answer.citations:
            out.print(f"  [{c.n}] “{c.quote}”", style="dim", highlight=False)
        history += [Turn("user", question), Turn("assistant", answer.answer)]


@app.command()
def serve(host: Annotated[Optional[str], typer.Option(help="Bind address (QA_HOST).")] = None,
          port: Annotated[Optional[int], typer.Option(help="Port (QA_PORT).")] = None,
          generator: GenOpt = None,
          index: IndexOpt = None) -> None:
    """Serve the chat UI at / and the HTTP API under /v1 (OpenAPI docs at /docs)."""
    from qa.ui.server import serve as run_server

    if "QA_LOG_LEVEL" not in os.environ:  # a server should say what it loads and log each request
        logging.getLogger("qa").setLevel(logging.INFO)

    run_server(_settings(index, host=host, port=port, generator=generator))


@app.command("eval")
def evaluate(
    questions: Annotated[Optional[Path], typer.Argument(help="JSONL, CSV or SQuAD JSON question set.")] = None,
    generator: GenOpt = None,
    k: KOpt = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default eval/runs/<name>-<gen>).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N questions.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Questions in flight.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="auto | jsonl | csv | squad")] = "auto",
    pool: Annotated[str, typer.Option(help="SQuAD: retrieve from the question's 'article' or 'all'.")] = "article",
    compare_runs: Annotated[Optional[tuple[Path, Path]], typer.Option("--compare", help="Two run folders.")] = None,
    index: IndexOpt = None,
) -> None:
    """Evaluate a question set: retrieval, answer, citation and refusal metrics, plus an HTML report."""
    from qa.evaluation import report
    from qa.evaluation.datasets import load_eval_set
    from qa.evaluation.runner import run_eval, summarize
    from qa.pipeline import Pipeline

    if compare_runs:
        print(report.compare(*compare_runs))
        return
    if questions is None:
        raise InvalidInputError("Give a question file (or --compare RUN_A RUN_B).")
    if pool not in ("article", "all"):
        raise InvalidInputError("--pool must be 'article' or 'all'.")
    settings = _settings(index, generator=generator, top_k=k)
    eval_set = load_eval_set(questions, fmt, limit)
    pipeline = Pipeline.open(settings, build_if_missing=True)
    results = run_eval(pipeline, eval_set, generator=settings.generator, k=settings.top_k,
                       concurrency=concurrency, pool=pool)
    metrics = summarize(results)
    target = out or Path("eval/runs") / f"{questions.stem}-{settings.generator}"
    report.write_outputs(target, metrics, results, f"{eval_set.name} · {settings.generator}")
    print(report.summary_markdown(metrics, f"{eval_set.name} · {settings.generator}"))
    err.print(f"Wrote {target}/metrics.json, results.jsonl, summary.md, report.html", markup=False)


def _final_answer(events: Iterable[Any], on_delta: Callable[[str], object] | None = None) -> Answer:
    """The answer that ends a stream of pipeline events; text deltas before it go to `on_delta`."""
    answer = None
    for event in events:
        if event.answer is not None:
            answer = event.answer
        elif on_delta is not None:
            on_delta(event.delta)
    if answer is None:
        raise ModelError("The answer stream ended without an answer.")
    return answer


def tune_openmp() -> None:
    """Let OpenMP's workers spin briefly between the ~300 small parallel regions of each decoded token
    instead of sleeping in the kernel: on 2 cores, 55-60 against 45-51 tokens/s (README, "Speed").
    Must run before torch loads; a variable already set wins."""
    os.environ.setdefault("OMP_WAIT_POLICY", "ACTIVE")
    os.environ.setdefault("GOMP_SPINCOUNT", "300000")


def main() -> None:
    """Console-script entry point: QAError (and a disk that is full or read-only) becomes a one-line message
    and exit code 2."""
    tune_openmp()
    logging.basicConfig(level=os.environ.get("QA_LOG_LEVEL", "WARNING").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app()
    except QAError as error:
        err.print(f"[red]Error:[/red] {error.message}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except OSError as error:  # e.g. disk full or read-only outside the index (caches, output files)
        where = f" ({error.filename})" if error.filename else ""
        err.print("[red]Error:[/red] " + escape(f"{error.strerror or error}{where}"), highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
