"""The in-process `transformers` generator end to end on a tiny seeded random Llama saved as a local
model folder (fast): streaming, both decoding loops, early close, seeded sampling."""

from __future__ import annotations

import time

import pytest

from qa.errors import ModelError
from qa.generators.lean.generator import TransformersGenerator, eos_ids
from qa.protocols import GenerationRequest, Generator
from tests.tiny_llama import chat_ids, save_tiny_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def lean(model_dir):
    return TransformersGenerator(str(model_dir), cache_dir=model_dir / "cache")


def request(max_new_tokens: int = 40, temperature: float = 0.0, seed: int | None = None) -> GenerationRequest:
    messages = ({"role": "user", "content": "Write a very long essay about Korea."},)
    return GenerationRequest("Why?", (), messages, max_new_tokens, temperature, seed=seed)


def test_weights_on_the_4_bit_grid_are_packed_to_int4_and_walked_by_the_lean_decoder(lean):
    assert isinstance(lean, Generator)
    assert "int4 weights (lossless" in lean.description and "lean decoder" in lean.description


def test_streams_text_in_pieces_and_the_generate_loop_streams_the_same_text(lean, model_dir):
    pieces = list(lean.stream(request()))
    assert len(pieces) > 3 and all(pieces)
    ids = chat_ids(lean.tokenizer, request().messages[0]["content"])
    tokens = list(lean.decoder.tokens(ids, 40, eos_ids(lean.tokenizer, lean.lm)))
    assert "".join(pieces) == lean.tokenizer.decode(tokens, skip_special_tokens=True)
    plain = TransformersGenerator(str(model_dir), quantize="none", decoder="generate")
    assert "float32" in plain.description and "generate()" in plain.description
    lean_float = TransformersGenerator(str(model_dir), quantize="none")
    assert "".join(plain.stream(request())) == "".join(lean_float.stream(request()))


def test_closing_the_stream_stops_generation_and_frees_the_model(lean):
    stream = lean.stream(request(max_new_tokens=4000))
    next(stream)
    started = time.perf_counter()
    stream.close()  # what happens when an HTTP client disconnects mid-stream
    assert time.perf_counter() - started < 2, "generation went on after the consumer left"
    started = time.perf_counter()
    assert list(lean.stream(request(max_new_tokens=8)))  # the next request is served at once
    assert time.perf_counter() - started < 5


def test_sampling_is_reproducible_under_a_seed_and_differs_across_seeds_and_from_greedy(lean):
    def text(**kwargs) -> str:
        return "".join(lean.stream(request(**kwargs)))

    first = text(temperature=1.0, seed=0)
    assert first == text(temperature=1.0, seed=0)
    assert first != text(temperature=1.0, seed=1)
    assert first != text()
    assert text() == text()  # greedy is deterministic


def test_a_model_folder_that_does_not_exist_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="Cannot load generator model"):
        TransformersGenerator(str(tmp_path / "missing"))
