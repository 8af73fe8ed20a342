"""The in-process `transformers` generator end to end on a tiny seeded random Llama saved as a local
model folder (fast): streaming, both decoding loops, early close, seeded sampling."""

from __future__ import annotations

import pytest

from qa.errors import ModelError
from qa.generators.lean.generator import TransformersGenerator, eos_ids
from qa.protocols import Generator
from tests.generator_contract import (
    check_closing_stops_and_frees,
    check_sampling_follows_temperature_and_seed,
    check_streams_in_pieces,
    request,
)
from tests.tiny_llama import chat_ids, save_tiny_model

PROMPT = "Write a very long essay about Korea."


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def lean(model_dir):
    return TransformersGenerator(str(model_dir), cache_dir=model_dir / "cache")


def test_weights_on_the_4_bit_grid_are_packed_to_int4_and_walked_by_the_lean_decoder(lean):
    assert isinstance(lean, Generator)
    assert "int4 weights (lossless" in lean.description and "lean decoder" in lean.description


def test_streams_text_in_pieces_and_the_generate_loop_streams_the_same_text(lean, model_dir):
    text = check_streams_in_pieces(lean, PROMPT)
    tokens = list(lean.decoder.tokens(chat_ids(lean.tokenizer, PROMPT), 24, eos_ids(lean.tokenizer, lean.lm)))
    assert text == lean.tokenizer.decode(tokens, skip_special_tokens=True)
    plain = TransformersGenerator(str(model_dir), quantize="none", decoder="generate")
    assert "float32" in plain.description and "generate()" in plain.description
    lean_float = TransformersGenerator(str(model_dir), quantize="none")
    assert "".join(plain.stream(request(PROMPT))) == "".join(lean_float.stream(request(PROMPT)))


def test_closing_the_stream_stops_generation_and_frees_the_model(lean):
    check_closing_stops_and_frees(lean)


def test_sampling_follows_the_temperature_and_the_seed(lean):
    check_sampling_follows_temperature_and_seed(lean)


def test_a_model_folder_that_does_not_exist_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="Cannot load generator model"):
        TransformersGenerator(str(tmp_path / "missing"))
