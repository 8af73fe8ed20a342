"""The in-process llamacpp generator on the packaged SmolLM2 GGUF: streaming, early close, seeded
sampling, and selection by name from the settings, the pipeline and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from qa.config import DEFAULT_GEN_MODEL, load_settings
from qa.generators import GENERATOR_NAMES, create_generator
from tests.generator_contract import (
    check_closing_stops_and_frees,
    check_sampling_follows_temperature_and_seed,
    check_streams_in_pieces,
)

pytest.importorskip("llama_cpp")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llamacpp(pipeline):
    return pipeline.generator("llamacpp")


def test_streams_the_packaged_gguf_in_pieces(llamacpp):
    assert llamacpp.name == "llamacpp" and "llama.cpp" in llamacpp.description
    assert llamacpp.model == DEFAULT_GEN_MODEL
    text = check_streams_in_pieces(llamacpp)
    assert "Seoul" in text and 3 < llamacpp.count_tokens(text) <= 24


def test_closing_the_stream_stops_generation_and_frees_the_model(llamacpp):
    check_closing_stops_and_frees(llamacpp)


def test_sampling_follows_the_temperature_and_the_seed(llamacpp):
    check_sampling_follows_temperature_and_seed(llamacpp)


def test_selected_by_qa_generator_and_answers_with_citations(pipeline, article, monkeypatch):
    assert "llamacpp" in GENERATOR_NAMES
    monkeypatch.setenv("QA_GENERATOR", "llamacpp")
    settings = load_settings()
    assert settings.generator == "llamacpp"
    assert create_generator(settings.generator, settings, pipeline.embedder).name == "llamacpp"
    answer = pipeline.ask("Who hosted a retreat in rural Virginia?", generator="llamacpp")
    assert answer.generator == "llamacpp" and not answer.refused
    assert answer.citations and all(article.text[c.start:c.end] == c.quote for c in answer.citations)


def test_selected_by_the_cli_flag(article_index):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(article_index.index_dir)}
    done = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "Who hosted a retreat in rural Virginia?",
                           "--generator", "llamacpp", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["generator"] == "llamacpp" and answer["citations"]
