"""The in-process llamacpp generator on the packaged SmolLM2 GGUF: streaming, early close, seeded
sampling, and selection by name from the settings, the pipeline and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from qa.config import load_settings
from qa.generators import GENERATOR_NAMES, create_generator
from qa.protocols import GenerationRequest, Generator

pytest.importorskip("llama_cpp")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llamacpp(pipeline):
    return pipeline.generator("llamacpp")


def request(content: str, max_new_tokens: int = 24, temperature: float = 0.0, seed: int | None = None):
    return GenerationRequest("q", (), ({"role": "user", "content": content},), max_new_tokens, temperature,
                             seed=seed)


def test_streams_the_packaged_gguf_in_pieces(llamacpp):
    assert isinstance(llamacpp, Generator) and llamacpp.name == "llamacpp"
    assert llamacpp.model == "HuggingFaceTB/SmolLM2-135M-Instruct" and "llama.cpp" in llamacpp.description
    pieces = list(llamacpp.stream(request("Say hello to Seoul.")))
    assert len(pieces) > 3 and "Seoul" in "".join(pieces)
    assert 3 < llamacpp.count_tokens("".join(pieces)) <= 24


def test_closing_the_stream_stops_generation_and_frees_the_model(llamacpp):
    stream = llamacpp.stream(request("Write a very long essay about Korea.", max_new_tokens=2000))
    next(stream)
    started = time.perf_counter()
    stream.close()
    assert time.perf_counter() - started < 2, "generation went on after the consumer left"
    started = time.perf_counter()
    assert list(llamacpp.stream(request("Say hello.", max_new_tokens=4)))
    assert time.perf_counter() - started < 5


def test_sampling_follows_the_temperature_and_the_seed(llamacpp):
    def text(temperature: float = 0.0, seed: int | None = None) -> str:
        return "".join(llamacpp.stream(request("Write a short poem about Seoul.", 24, temperature, seed)))

    greedy = text()
    assert greedy.strip() and text() == greedy
    sampled = text(1.0, seed=0)
    assert sampled.strip() and text(1.0, seed=0) == sampled
    assert text(1.0, seed=1) != sampled and sampled != greedy


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
