"""Shared fixtures: real packaged models loaded once per session, fakes for unit tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from index.ingest import load_path
from qa.corpus import default_corpus_paths
from qa.types import Document
from tests.fakes import HashingEmbedder

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "eval" / "questions.jsonl"


@pytest.fixture(scope="session")
def article() -> Document:
    return load_path(default_corpus_paths()[0])


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def embedder():
    """The real packaged all-MiniLM-L6-v2, loaded once."""
    from qa.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("sentence-transformers/all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def article_index(tmp_path_factory, embedder):
    """The default article indexed with the real embedder, saved under a temp dir."""
    from qa.config import Settings
    from qa.pipeline import build_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("index"))
    build_index(settings, embedder, default_corpus_paths())
    return settings


@pytest.fixture(scope="session")
def pipeline(article_index, embedder):
    """The shared pipeline over the default article (generators load lazily)."""
    from qa.pipeline import Pipeline

    return Pipeline.open(article_index, embedder=embedder)
