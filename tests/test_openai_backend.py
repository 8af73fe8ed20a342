"""The `openai` generator against a real OpenAI-compatible server on loopback: llama-cpp-python's
server running the same packaged SmolLM2 GGUF."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from qa.config import DEFAULT_GEN_MODEL
from qa.models import resolve_gen_model
from tests.conftest import free_port, running_server
from tests.generator_contract import check_sampling_follows_temperature_and_seed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install -e '.[llamacpp]'; `make test` does)")
    model = resolve_gen_model(DEFAULT_GEN_MODEL)
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", f"{model.location}/{model.gguf_file}",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"]
    with running_server(cmd, f"{base}/models", tmp_path_factory.mktemp("llama") / "server.log", timeout_s=120):
        yield base


def test_openai_generator_streams_and_is_verified(pipeline, llama_server):
    from qa.generators.openai_api import OpenAIGenerator

    pipeline.add_generator(OpenAIGenerator(llama_server, "smollm2", "none"))
    try:
        events = list(pipeline.ask_stream("When was the China-Japan-ROK trilateral summit held?",
                                          generator="openai", max_new_tokens=60))
    finally:
        pipeline.remove_generator("openai")
    answer = events[-1].answer
    assert answer is not None and len(events) > 2        # deltas arrived before the answer
    assert answer.draft                                   # the server really generated text
    assert not answer.refused and "May 26" in answer.answer
    assert answer.generator.startswith("openai") and answer.model == "smollm2"


def test_sampling_follows_the_temperature_and_the_seed(llama_server):
    from qa.generators.openai_api import OpenAIGenerator

    check_sampling_follows_temperature_and_seed(OpenAIGenerator(llama_server, "smollm2", "none"))


def test_unreachable_server_is_a_clear_error(pipeline):
    from qa.errors import ModelError
    from qa.generators.openai_api import OpenAIGenerator

    pipeline.add_generator(OpenAIGenerator(f"http://127.0.0.1:{free_port()}/v1", "x", "none", 5))
    try:
        with pytest.raises(ModelError, match="OpenAI-compatible server"):
            pipeline.ask("When was the China-Japan-ROK trilateral summit held?", generator="openai")
    finally:
        pipeline.remove_generator("openai")
