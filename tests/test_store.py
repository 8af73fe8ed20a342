"""Index persistence: round trip, atomic versions, corrupt/mismatched/stale errors, add and delete."""

from __future__ import annotations

import json

import numpy as np
import pytest
from qa.index.chunking import ChunkingOptions
from qa.index.storage import current_version
from qa.index.store import IndexStore

from qa.config import Settings
from qa.errors import ConflictError, IndexCorruptError, IndexNotFoundError, InvalidInputError, NotFoundError
from qa.pipeline import Pipeline, check_compatible
from qa.types import Document
from tests.fakes import HashingEmbedder


def docs() -> list[Document]:
    return [Document("alpha", "Alpha", "Alpha text about cats. Cats purr loudly.\n\nDogs bark at night.", "", "a"),
            Document("beta", "Beta", "Beta text about rivers. Rivers flow to the sea.", "", "b")]


@pytest.fixture
def store(fake_embedder) -> IndexStore:
    return IndexStore.build(docs(), fake_embedder, ChunkingOptions(2, 1))


def test_round_trip(tmp_path, store):
    store.save(tmp_path)
    loaded = IndexStore.load(tmp_path)
    assert loaded.chunks == store.chunks
    assert loaded.documents == store.documents
    assert np.array_equal(loaded.vectors, store.vectors)
    assert loaded.manifest.num_chunks == len(store.chunks)
    assert loaded.lexical.search("rivers", 3)[0][0] == store.lexical.search("rivers", 3)[0][0]


def test_save_is_versioned_and_prunes(tmp_path, store):
    first = store.save(tmp_path)
    second = store.save(tmp_path)
    third = store.save(tmp_path)
    assert current_version(tmp_path) == third
    assert not first.exists() and second.exists()
    assert not list(tmp_path.glob(".staging-*"))


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(IndexNotFoundError, match="qa index build"):
        IndexStore.load(tmp_path / "none")


@pytest.mark.parametrize("victim", ["vectors.npy", "chunks.jsonl", "dense.faiss", "manifest.json"])
def test_corrupt_files_are_detected(tmp_path, store, victim):
    folder = store.save(tmp_path)
    (folder / victim).write_bytes(b"garbage")
    with pytest.raises(IndexCorruptError, match="qa index build"):
        IndexStore.load(tmp_path)


def test_deleted_file_is_detected(tmp_path, store):
    folder = store.save(tmp_path)
    (folder / "documents.jsonl").unlink()
    with pytest.raises(IndexCorruptError, match="corrupt"):
        IndexStore.load(tmp_path)


def test_future_format_is_rejected(tmp_path, store):
    folder = store.save(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 99
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="format 99"):
        IndexStore.load(tmp_path)


def test_mismatched_embedder_and_chunking_are_rejected(store):
    other = HashingEmbedder(dimension=32, model_id="other/model")
    with pytest.raises(IndexCorruptError, match="other/model"):
        check_compatible(store, Settings(chunk_sentences=2, chunk_overlap=1), other)
    with pytest.raises(IndexCorruptError, match="chunked with"):
        check_compatible(store, Settings(chunk_sentences=3, chunk_overlap=1), HashingEmbedder())
    with pytest.raises(IndexCorruptError, match="other/model"):
        store.add(docs()[:1], other)


def test_stale_source_is_detected(tmp_path, fake_embedder):
    from qa.index.ingest import load_path

    src = tmp_path / "note.txt"
    src.write_text("Original sentence. Another one.")
    store = IndexStore.build([load_path(src)], fake_embedder, ChunkingOptions(2, 1))
    assert store.stale_documents() == []
    src.write_text("Changed sentence.")
    assert store.stale_documents() == ["note"]
    with pytest.raises(IndexCorruptError, match="stale"):
        check_compatible(store, Settings(), fake_embedder)


def test_add_embeds_only_new_documents_and_delete_drops_rows(store, fake_embedder):
    calls = []

    class Counting(HashingEmbedder):
        def encode(self, texts, *, show_progress=False):
            calls.append(len(texts))
            return super().encode(texts)

    extra = Document("gamma", "Gamma", "Gamma is about mountains. Mountains are tall.", "", "g")
    bigger = store.add([extra], Counting())
    assert calls == [len([c for c in bigger.chunks if c.doc_id == "gamma"])]
    assert set(bigger.documents) == {"alpha", "beta", "gamma"}
    assert np.array_equal(bigger.vectors[: len(store.chunks)], store.vectors)
    assert bigger.dense.index.ntotal == len(bigger.chunks)
    smaller = bigger.without(["alpha"])
    assert {c.doc_id for c in smaller.chunks} == {"beta", "gamma"}
    assert smaller.dense.index.ntotal == len(smaller.chunks) == len(smaller.vectors)
    assert smaller.lexical.search("cats purr", 5) == []
    assert smaller.lexical.search("mountains", 5)
    with pytest.raises(NotFoundError):
        smaller.without(["alpha"])
    assert len(store.documents) == 2  # the original snapshot is untouched


def test_replacing_a_document_keeps_one_copy(store, fake_embedder):
    new = Document("alpha", "Alpha v2", "Completely new alpha text.", "", "a2")
    updated = store.add([new], fake_embedder)
    assert [c.text for c in updated.chunks if c.doc_id == "alpha"] == ["Completely new alpha text."]


def test_pipeline_changes_persist(tmp_path, fake_embedder, store):
    settings = Settings(index_dir=tmp_path, chunk_sentences=2, chunk_overlap=1)
    store.save(tmp_path)
    pipeline = Pipeline.open(settings, embedder=fake_embedder)
    pipeline.add_documents([Document("gamma", "G", "Gamma is about mountains.", "", "g")])
    pipeline.delete_document("beta")
    reopened = Pipeline.open(settings, embedder=fake_embedder)
    assert sorted(d.doc_id for d in reopened.documents()) == ["alpha", "gamma"]


def test_hnsw_is_chosen_for_large_corpora(fake_embedder):
    many = [Document(f"d{i}", "t", f"Sentence number {i} about topic {i % 7}.", "", str(i)) for i in range(40)]
    store = IndexStore.build(many, fake_embedder, ChunkingOptions(1, 0), ann="auto", ann_threshold=30)
    assert store.manifest.ann == "hnsw"
    row, score = store.dense.search(store.vectors[5], 1)[0]
    assert row == 5 and score == pytest.approx(1.0, abs=1e-5)


def test_duplicate_ids_are_bad_input_not_a_corrupt_index(store, fake_embedder):
    twin = Document("alpha", "Alpha 2", "Other text about owls.", "", "z")
    with pytest.raises(InvalidInputError, match="same id 'alpha'") as err:
        store.add([twin, twin], fake_embedder)
    assert err.value.status_code == 400
    with pytest.raises(ConflictError, match="already in the index") as err:
        store.add([twin], fake_embedder, replace=False)
    assert err.value.status_code == 409
