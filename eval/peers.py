"""The systems eval/peer_bench.py compares: this project and each peer, behind one small interface.

`build(doc)` indexes one article and returns a search function: question -> the (start, end)
character ranges of its top-k results in that article, best first. Every system embeds with the
packaged all-MiniLM-L6-v2; peers get paragraphs or this project's 2-sentence chunks as their units.
"""

from __future__ import annotations

from collections.abc import Callable

from qa.index.chunking import ChunkingOptions, chunk_document
from qa.index.sentences import paragraphs

from qa.config import Settings
from qa.models import resolve_embed_model
from qa.types import Document

Search = Callable[[str], list[tuple[int, int]]]
TOP_K = 5


def model_path() -> str:
    return resolve_embed_model(Settings().embed_model).location


def units(doc: Document, kind: str) -> list[tuple[str, int, int]]:
    """(text, start, end) of each paragraph, or of each chunk as this project cuts them."""
    if kind == "paragraphs":
        return [(doc.text[p.start:p.end], p.start, p.end) for p in paragraphs(doc.text)]
    return [(c.text, c.start, c.end) for c in chunk_document(doc, ChunkingOptions())]


def this_project() -> Callable[[Document], Search]:
    from qa.index.store import IndexStore

    from qa.embedder import SentenceTransformerEmbedder
    from qa.pipeline import Pipeline, chunking_options

    settings = Settings()
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)

    def build(doc: Document) -> Search:
        store = IndexStore.build([doc], embedder, chunking_options(settings), settings.ann, settings.ann_threshold)
        pipeline = Pipeline(settings, embedder, store)
        return lambda q: [(h.chunk.start, h.chunk.end) for h in pipeline.search(q, TOP_K)]
    return build


def raw_faiss(kind: str = "chunks") -> Callable[[Document], Search]:
    import faiss
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu")

    def build(doc: Document) -> Search:
        rows = units(doc, kind)
        index = faiss.IndexFlatIP(model.get_embedding_dimension())
        index.add(model.encode([t for t, _, _ in rows], normalize_embeddings=True, convert_to_numpy=True))

        def search(q: str) -> list[tuple[int, int]]:
            _, found = index.search(model.encode([q], normalize_embeddings=True, convert_to_numpy=True), TOP_K)
            return [rows[i][1:] for i in found[0] if i >= 0]
        return search
    return build


def txtai_hybrid(kind: str = "paragraphs") -> Callable[[Document], Search]:
    from txtai import Embeddings

    def build(doc: Document) -> Search:
        rows = units(doc, kind)
        emb = Embeddings(path=model_path(), hybrid=True, content=False)
        emb.index([(i, text, None) for i, (text, _, _) in enumerate(rows)])
        return lambda q: [rows[int(i)][1:] for i, _ in emb.search(q, TOP_K)]
    return build


def llamaindex_fusion(kind: str = "paragraphs") -> Callable[[Document], Search]:
    from llama_index.core import VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

    embed = HuggingFaceEmbedding(model_name=model_path(), device="cpu")

    def build(doc: Document) -> Search:
        rows = units(doc, kind)
        nodes = [TextNode(text=text, id_=str(i)) for i, (text, _, _) in enumerate(rows)]
        vector = VectorStoreIndex(nodes, embed_model=embed).as_retriever(similarity_top_k=TOP_K)
        bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=TOP_K)
        fusion = QueryFusionRetriever([vector, bm25], llm=MockLLM(), similarity_top_k=TOP_K, num_queries=1,
                                      mode="reciprocal_rerank", use_async=False)
        return lambda q: [rows[int(n.node.node_id)][1:] for n in fusion.retrieve(q)]
    return build


def haystack_hybrid(kind: str = "chunks") -> Callable[[Document], Search]:
    from haystack import Document as HDocument
    from haystack.components.joiners import DocumentJoiner
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
        SentenceTransformersTextEmbedder,
    )

    doc_embedder = SentenceTransformersDocumentEmbedder(model=model_path(), progress_bar=False, local_files_only=True)
    text_embedder = SentenceTransformersTextEmbedder(model=model_path(), progress_bar=False, local_files_only=True)
    doc_embedder.warm_up()
    text_embedder.warm_up()
    joiner = DocumentJoiner(join_mode="reciprocal_rank_fusion", top_k=TOP_K)

    def build(doc: Document) -> Search:
        rows = units(doc, kind)
        store = InMemoryDocumentStore()
        docs = [HDocument(id=str(i), content=text) for i, (text, _, _) in enumerate(rows)]
        store.write_documents(doc_embedder.run(docs)["documents"])
        dense, bm25 = InMemoryEmbeddingRetriever(store, top_k=TOP_K), InMemoryBM25Retriever(store, top_k=TOP_K)

        def search(q: str) -> list[tuple[int, int]]:  # the components of a hybrid pipeline, called in turn
            vector = text_embedder.run(text=q)["embedding"]
            found = [dense.run(query_embedding=vector)["documents"], bm25.run(query=q)["documents"]]
            return [rows[int(d.id)][1:] for d in joiner.run(documents=found)["documents"]]
        return search
    return build


SYSTEMS: dict[str, tuple[str, Callable[[], Callable[[Document], Search]]]] = {
    "project": ("this project, hybrid (2-sentence chunks)", this_project),
    "txtai": ("txtai hybrid (paragraphs)", txtai_hybrid),
    "llamaindex": ("LlamaIndex QueryFusion, vector + BM25 (paragraphs)", llamaindex_fusion),
    "haystack": ("Haystack hybrid, RRF join (2-sentence chunks)", haystack_hybrid),
    "faiss": ("raw FAISS + the same model (2-sentence chunks)", raw_faiss),
}
