"""The index as one immutable value: documents, chunks, vectors, FAISS and BM25, plus its manifest.

Changes (add, delete) return a new store, so readers holding the old one are never disturbed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from qa.index.chunking import ChunkingOptions, chunk_document
from qa.index.dense import DenseIndex, choose_kind
from qa.index.lexical import LexicalIndex
from qa.index.manifest import FORMAT_VERSION, Manifest
from qa.index.storage import current_version, file_sha256, write_version
from tqdm.auto import tqdm

from qa import __version__
from qa.errors import ConflictError, IndexCorruptError, IndexNotFoundError, InvalidInputError, NotFoundError
from qa.protocols import Embedder
from qa.types import Chunk, Document, Span

REBUILD_HINT = "Rebuild it with `qa index build` (add --index DIR for another location)."


@dataclass(frozen=True)
class IndexStore:
    """Everything retrieval needs; rows of `vectors` and of the BM25 index follow `chunks`."""

    manifest: Manifest
    documents: dict[str, Document]
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    version: str = ""  # the on-disk version folder it was loaded from ("" when built in memory)

    # ----- building and changing -------------------------------------------------------------
    @classmethod
    def build(cls, docs: Sequence[Document], embedder: Embedder, chunking: ChunkingOptions,
              ann: str = "auto", ann_threshold: int = 50_000) -> IndexStore:
        empty = cls._assemble({}, [], np.zeros((0, embedder.dimension), np.float32),
                              embedder, chunking, "flat")
        return empty.add(docs, embedder, ann=ann, ann_threshold=ann_threshold)

    def add(self, docs: Sequence[Document], embedder: Embedder, replace: bool = True,
            ann: str | None = None, ann_threshold: int = 50_000) -> IndexStore:
        """A store with `docs` added (a document with an existing id replaces it when `replace`).

        Only the new documents are embedded; `ann` re-chooses the FAISS kind for the new size.
        """
        self.check_embedder(embedder)
        ids = [d.doc_id for d in docs]
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise InvalidInputError(f"Two of the documents get the same id '{twice}'; rename one of the files.")
        clash = [i for i in ids if i in self.documents]
        if clash and not replace:
            raise ConflictError(f"A document with id '{clash[0]}' is already in the index; remove it first or "
                                "ask explicitly to replace it.")
        base = self.without(clash) if clash else self
        chunking = ChunkingOptions(**base.manifest.chunking)
        progress = tqdm(docs, desc="Chunking", unit="doc", disable=len(docs) < 50, leave=False)
        new_chunks = [c for d in progress for c in chunk_document(d, chunking)]
        new_vectors = embedder.encode([c.text for c in new_chunks], show_progress=True)
        documents = {**base.documents, **{d.doc_id: d for d in docs}}
        chunks = list(base.chunks) + new_chunks
        vectors = np.vstack([base.vectors, new_vectors]) if len(new_chunks) else base.vectors
        kind = choose_kind(ann, len(chunks), ann_threshold) if ann else base.manifest.ann
        return self._assemble(documents, chunks, vectors, embedder, chunking, kind)

    def without(self, doc_ids: Sequence[str]) -> IndexStore:
        """A store with these documents (and their chunks) removed; no re-embedding."""
        missing = [d for d in doc_ids if d not in self.documents]
        if missing:
            raise NotFoundError(f"No document with id '{missing[0]}' in the index.")
        drop = set(doc_ids)
        keep = [i for i, c in enumerate(self.chunks) if c.doc_id not in drop]
        documents = {k: v for k, v in self.documents.items() if k not in drop}
        return self._assemble(documents, [self.chunks[i] for i in keep], self.vectors[keep], None,
                              ChunkingOptions(**self.manifest.chunking), self.manifest.ann, self.manifest)

    @classmethod
    def _assemble(cls, documents: dict[str, Document], chunks: list[Chunk], vectors: np.ndarray,
                  embedder: Embedder | None, chunking: ChunkingOptions, kind: str,
                  base: Manifest | None = None) -> IndexStore:
        manifest = Manifest(
            embed_model=embedder.model_id if embedder else base.embed_model if base else "",
            dimension=int(vectors.shape[1]),
            chunking=asdict(chunking),
            ann=kind,
            documents={d.doc_id: d.checksum for d in documents.values()},
            num_chunks=len(chunks),
            created_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            product_version=__version__,
        )
        return cls(manifest, documents, tuple(chunks), vectors,
                   DenseIndex.build(vectors, kind), LexicalIndex.build([c.text for c in chunks]))

    def check_embedder(self, embedder: Embedder) -> None:
        """Fail clearly when `embedder` is not the model the stored vectors came from."""
        m = self.manifest
        if m.num_chunks and (m.embed_model != embedder.model_id or m.dimension != embedder.dimension):
            raise IndexCorruptError(
                f"The index was built with embedding model '{m.embed_model}' ({m.dimension} dims), "
                f"but '{embedder.model_id}' ({embedder.dimension} dims) is configured. {REBUILD_HINT}")

    def stale_documents(self) -> list[str]:
        """Ids of documents whose source file still exists but has changed since indexing."""
        stale = []
        for doc in self.documents.values():
            path = Path(doc.source)
            if doc.source and path.is_file() and file_sha256(path) != doc.checksum:
                stale.append(doc.doc_id)
        return stale

    # ----- persistence ------------------------------------------------------------------------
    def save(self, root: Path) -> Path:
        """Write atomically under `root` (see index.storage); returns the version folder."""
        def fill(folder: Path) -> None:
            with (folder / "documents.jsonl").open("w", encoding="utf-8") as fh:
                for doc in self.documents.values():
                    fh.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
            with (folder / "chunks.jsonl").open("w", encoding="utf-8") as fh:
                for c in self.chunks:
                    row = {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "start": c.start, "end": c.end,
                           "sentences": [[s.start, s.end] for s in c.sentences]}
                    fh.write(json.dumps(row) + "\n")
            np.save(folder / "vectors.npy", self.vectors)
            self.dense.save(folder / "dense.faiss")
            self.lexical.save(folder / "bm25")
            files = {str(p.relative_to(folder)): file_sha256(p)
                     for p in sorted(folder.rglob("*")) if p.is_file()}
            manifest = Manifest(**{**asdict(self.manifest), "files": files})
            (folder / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        return write_version(root, fill)

    @classmethod
    def load(cls, root: Path) -> IndexStore:
        """Load and verify the current version; every failure names the fix."""
        try:
            folder = current_version(root)
        except IndexCorruptError as err:
            raise IndexCorruptError(f"{err.message} {REBUILD_HINT}") from None
        if folder is None:
            raise IndexNotFoundError(f"No index found at '{root}'. {REBUILD_HINT}")
        try:
            manifest = Manifest.from_json((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as err:
            raise IndexCorruptError(f"The index at '{root}' is unreadable ({err}). {REBUILD_HINT}") from None
        if manifest.format_version != FORMAT_VERSION:
            raise IndexCorruptError(f"The index at '{root}' has format {manifest.format_version}, "
                                    f"this version reads {FORMAT_VERSION}. {REBUILD_HINT}")
        if not manifest.files:
            raise IndexCorruptError(f"The index at '{root}' is corrupt (its manifest lists no files). {REBUILD_HINT}")
        for name, digest in manifest.files.items():
            path = folder / name
            if not path.is_file() or file_sha256(path) != digest:
                raise IndexCorruptError(f"The index at '{root}' is corrupt ({name} is missing or "
                                        f"changed). {REBUILD_HINT}")
        try:
            return cls._read(folder, manifest)
        except Exception as err:  # any damage (numpy, faiss, bm25s, json errors) means the same fix
            raise IndexCorruptError(f"The index at '{root}' is corrupt ({type(err).__name__}). "
                                    f"{REBUILD_HINT}") from None

    @classmethod
    def _read(cls, folder: Path, manifest: Manifest) -> IndexStore:
        documents = {}
        with (folder / "documents.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                doc = Document(**json.loads(line))
                documents[doc.doc_id] = doc
        chunks = []
        with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                text = documents[row["doc_id"]].text[row["start"]:row["end"]]
                chunks.append(Chunk(row["chunk_id"], row["doc_id"], text, row["start"], row["end"],
                                    tuple(Span(a, b) for a, b in row["sentences"])))
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        if vectors.shape != (len(chunks), manifest.dimension) or len(chunks) != manifest.num_chunks:
            raise ValueError("vector count does not match the chunks")
        dense = DenseIndex.load(folder / "dense.faiss", manifest.ann)
        if dense.index.ntotal != len(chunks):
            raise ValueError("FAISS index size does not match the chunks")
        return cls(manifest, documents, tuple(chunks), vectors, dense,
                   LexicalIndex.load(folder / "bm25", len(chunks)), version=folder.name)
