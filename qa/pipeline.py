"""The one pipeline object shared by the CLI, the HTTP API, the chat UI and the evaluator.

It owns the embedder, the current index snapshot and the loaded generators; `ask_stream` is the
single code path for answers (retrieve, gate, generate, verify, compose; see qa.answering).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qa.answering import evidence_answer, gate, verified_answer
from qa.config import Settings
from qa.conversation import retrieval_query
from qa.corpus import default_corpus_paths
from qa.errors import IndexCorruptError, InvalidInputError, ModelError, QAError
from qa.generators import create_generator
from qa.index.chunking import ChunkingOptions
from qa.index.hybrid import FusionOptions, HybridRetriever
from qa.index.ingest import load_path
from qa.index.storage import current_name, writer_lock
from qa.index.store import IndexStore
from qa.options import ScoringOptions
from qa.prompt import REFUSAL, build_messages
from qa.protocols import Embedder, GenerationRequest, Generator, SpanReader
from qa.question import split_parts
from qa.reader import load_reader
from qa.types import Answer, Document, Hit, Turn

log = logging.getLogger(__name__)
MAX_K = 50


@dataclass(frozen=True)
class StreamEvent:
    """One step of an answer: `delta` is verified answer text (the deltas concatenate to the answer's
    text); an event with neither delta nor answer means the generator is still writing (nothing is
    shown before it is checked, but a consumer may stop here: closing the stream ends generation);
    the last event carries the `Answer`."""

    delta: str = ""
    answer: Answer | None = None


class Pipeline:
    """Build once with `Pipeline.open(settings)`; thread-safe for concurrent requests."""

    def __init__(self, settings: Settings, embedder: Embedder, store: IndexStore,
                 generators: dict[str, Generator] | None = None, reader: SpanReader | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.reader = reader
        self._store = store
        self._generators: dict[str, Generator] = dict(generators or {})
        self._write_lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self._version = store.version  # the on-disk version `_store` came from

    # ----- construction -----------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, build_if_missing: bool = False,
             preload: Sequence[str] = ()) -> Pipeline:
        """Load the index at `settings.index_dir` (building the default one if asked) and models."""
        if embedder is None:
            from qa.embedder import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
        root = settings.index_dir
        if build_if_missing and not (root / "CURRENT").is_file():
            store = build_index(settings, embedder, default_corpus_paths())
        else:
            store = IndexStore.load(root)
        check_compatible(store, settings, embedder)
        pipeline = cls(settings, embedder, store, reader=load_reader() if settings.reader else None)
        for name in preload:
            pipeline.generator(name)
        return pipeline

    def generator(self, name: str | None = None) -> Generator:
        """The named backend, created on first use and then reused."""
        name = name or self.settings.generator
        with self._gen_lock:
            if name not in self._generators:
                log.info("Loading generator '%s'...", name)
                self._generators[name] = create_generator(name, self.settings, self.embedder)
            return self._generators[name]

    def add_generator(self, generator: Generator) -> None:
        """Register a ready backend under its `name` (e.g. an OpenAI client for another server)."""
        with self._gen_lock:
            self._generators[generator.name] = generator

    def remove_generator(self, name: str) -> None:
        with self._gen_lock:
            self._generators.pop(name, None)

    @property
    def store(self) -> IndexStore:
        return self._store

    def loaded_generators(self) -> list[str]:
        return sorted(self._generators)

    # ----- documents --------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return list(self._store.documents.values())

    def add_documents(self, docs: Sequence[Document], persist: bool = True, replace: bool = False) -> IndexStore:
        """Index `docs` and publish the new snapshot atomically; a document whose id is already indexed
        is refused (ConflictError) unless `replace`."""
        return self._change(lambda store: store.add(docs, self.embedder, replace=replace), persist)

    def delete_document(self, doc_id: str, persist: bool = True) -> IndexStore:
        return self._change(lambda store: store.without([doc_id]), persist)

    def _change(self, apply: Callable[[IndexStore], IndexStore], persist: bool) -> IndexStore:
        """Apply a change to the newest index: under the cross-process writer lock, a version saved by
        another process (the CLI, another server) is loaded first, so no acknowledged write is lost."""
        with self._write_lock:
            if not persist:
                self._store = apply(self._store)
                return self._store
            root = self.settings.index_dir
            with writer_lock(root):
                if current_name(root) not in (None, self._version):
                    self._swap(IndexStore.load(root))
                store = apply(self._store)
                folder = store.save(root)
                self._store, self._version = store, folder.name
            return store

    def refresh(self) -> bool:
        """Swap in a newer version written by another process, if CURRENT names one (a cheap check when
        not). Skipped while this process writes (the write reloads itself); a version that cannot be read
        is logged and the current snapshot kept. Returns whether a new version was swapped in."""
        root = self.settings.index_dir
        if not self._newer_on_disk() or not self._write_lock.acquire(blocking=False):
            return False
        try:
            if not self._newer_on_disk():  # our own write finished meanwhile
                return False
            self._swap(IndexStore.load(root))
            return True
        except QAError as err:
            log.warning("Keeping the loaded index; the newer version is unreadable: %s", err.message)
            return False
        finally:
            self._write_lock.release()

    def _newer_on_disk(self) -> bool:
        try:
            return current_name(self.settings.index_dir) not in (None, self._version)
        except QAError:
            return False

    def _swap(self, store: IndexStore) -> None:
        store.check_embedder(self.embedder)
        log.info("Index version %s loaded (written by another process).", store.version)
        self._store, self._version = store, store.version

    # ----- retrieval and answers --------------------------------------------------------------
    def search(self, query: str, k: int | None = None, store: IndexStore | None = None,
               settings: Settings | None = None) -> list[Hit]:
        settings = settings or self.settings
        query = self._check_text(query, settings, what="query")
        k = _check_k(k or settings.top_k)
        fusion = FusionOptions.from_settings(settings, k)
        return HybridRetriever(store or self._store, self.embedder, fusion).search(query, k)

    def ask(self, question: str, history: Sequence[Turn] = (), store: IndexStore | None = None,
            **overrides: object) -> Answer:
        answer = None
        for event in self.ask_stream(question, history, store=store, **overrides):
            answer = event.answer or answer
        if answer is None:  # ask_stream always ends with the answer; this guards a broken generator
            raise ModelError("The answer could not be produced.")
        return answer

    def ask_stream(self, question: str, history: Sequence[Turn] = (), store: IndexStore | None = None,
                   **overrides: object) -> Iterator[StreamEvent]:
        """Yield the verified answer's text as deltas, then the `Answer` itself: retrieve, gate,
        generate (buffered, never shown as drafted), verify, compose. The deltas concatenate to
        `Answer.answer`, so nothing streamed is later withdrawn.

        `overrides` are per-request settings (generator, top_k, temperature, max_new_tokens, ...).
        """
        settings = self.settings.override(**overrides) if overrides else self.settings
        question = self._check_text(question, settings, what="question")
        history = tuple(history)[-settings.max_history_turns:] if settings.max_history_turns else ()
        store = store or self._store
        options = ScoringOptions.from_settings(settings)
        started = time.perf_counter()
        query, parts = self._retrieve(question, history, store, settings)
        retrieved = time.perf_counter()
        generator = self.generator(settings.generator)
        reader = self.reader if settings.reader else None
        plan = gate(question, query, parts, store, self.embedder, options, reader)
        base = Answer(answer=REFUSAL, citations=(), grounded=False, refused=True, generator=generator.name,
                      model=generator.model, hits=plan.hits, query=query, parts=plan.part_list())
        if plan.refused:
            answer = base
        elif generator.name == "extractive" or plan.summary or plan.multi_part:
            answer = evidence_answer(base, plan, self.embedder, options)
        else:
            pieces: list[str] = []
            for piece in self._generate(generator, question, plan.hits, history, settings):
                pieces.append(piece)
                yield StreamEvent()  # an empty delta: a consumer that leaves now stops the generator
            draft = "".join(pieces).strip()
            answer = (verified_answer(replace(base, draft=draft), draft, plan, self.embedder, options)
                      or replace(evidence_answer(replace(base, draft=draft), plan, self.embedder, options),
                                 fallback=True))
        answer = _finish(answer, started, retrieved, time.perf_counter())
        for piece in _pieces(answer.answer):
            yield StreamEvent(delta=piece)
        yield StreamEvent(answer=answer)

    def _retrieve(self, question: str, history: Sequence[Turn], store: IndexStore, settings: Settings
                  ) -> tuple[str, list[tuple[str, str, list[Hit]]]]:
        """The retrieval query and, per question part, (part, its query, its passages); a later part
        that refers back ("where was it held?") is searched together with the first."""
        query = retrieval_query(question, history)
        texts = split_parts(question)
        if len(texts) == 1:
            return query, [(question, query, self.search(query, settings.top_k, store=store, settings=settings))]
        out = []
        for t in texts:
            q = retrieval_query(t, [*history, Turn("user", texts[0])]) if t != texts[0] else t
            out.append((t, q, self.search(q, settings.top_k, store=store, settings=settings)))
        return query, out

    @staticmethod
    def _generate(generator: Generator, question: str, hits: Sequence[Hit], history: Sequence[Turn],
                  settings: Settings) -> Iterator[str]:
        """The draft, piece by piece; buffered by the caller, never shown before verification."""
        request = GenerationRequest(question, tuple(hits), build_messages(question, hits, history),
                                    settings.max_new_tokens, settings.temperature)
        stream = generator.stream(request)
        try:
            yield from stream
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    @staticmethod
    def _check_text(text: str, settings: Settings, what: str) -> str:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"The {what} is empty; please type a {what}.")
        if len(text) > settings.max_question_chars:
            raise InvalidInputError(f"The {what} is too long ({len(text)} characters; "
                                    f"the limit is {settings.max_question_chars}).")
        return text.strip()


def _check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise InvalidInputError(f"k must be between 1 and {MAX_K} (got {k}).")
    return k


def _pieces(text: str) -> list[str]:
    """The answer text in word-sized deltas that concatenate back to it exactly."""
    return re.findall(r"\S+\s*|\s+", text)


def _finish(answer: Answer, started: float, retrieved: float, generated: float) -> Answer:
    now = time.perf_counter()
    return replace(answer, timings={
        "retrieve_ms": round((retrieved - started) * 1000, 2),
        "generate_ms": round((generated - retrieved) * 1000, 2),
        "total_ms": round((now - started) * 1000, 2),
    })


def chunking_options(settings: Settings) -> ChunkingOptions:
    try:
        return ChunkingOptions(settings.chunk_sentences, settings.chunk_overlap, settings.max_sentence_chars)
    except ValueError as err:
        raise InvalidInputError(f"Invalid chunking settings: {err}.") from None


def build_index(settings: Settings, embedder: Embedder, paths: Sequence[Path]) -> IndexStore:
    """Index files from scratch and save them atomically at `settings.index_dir`."""
    docs = [load_path(Path(p)) for p in paths]
    store = IndexStore.build(docs, embedder, chunking_options(settings), settings.ann, settings.ann_threshold)
    with writer_lock(settings.index_dir):
        folder = store.save(settings.index_dir)
    return replace(store, version=folder.name)


def check_compatible(store: IndexStore, settings: Settings, embedder: Embedder) -> None:
    """Fail clearly when the index on disk does not match the configuration or its sources."""
    m = store.manifest
    hint = "Rebuild it with `qa index build`."
    store.check_embedder(embedder)
    wanted = {"sentences_per_chunk": settings.chunk_sentences, "overlap": settings.chunk_overlap,
              "max_sentence_chars": settings.max_sentence_chars}
    if m.chunking != wanted:
        raise IndexCorruptError(f"The index was chunked with {m.chunking}, the settings ask for {wanted}. "
                                f"{hint}")
    stale = store.stale_documents()
    if stale:
        raise IndexCorruptError(f"The index is stale: '{stale[0]}' changed on disk since it was indexed. {hint}")
