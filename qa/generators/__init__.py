"""Generation backends behind the `Generator` protocol, created by name from the settings.

The names come from `GeneratorName` in qa/config.py; each has one factory in `FACTORIES`."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

from qa.config import GeneratorName, Settings
from qa.errors import InvalidInputError
from qa.protocols import Embedder, Generator

GENERATOR_NAMES: tuple[str, ...] = get_args(GeneratorName)


def _extractive(settings: Settings, embedder: Embedder) -> Generator:
    from qa.generators.extractive import ExtractiveGenerator

    return ExtractiveGenerator(embedder)


def _transformers(settings: Settings, embedder: Embedder) -> Generator:
    from qa.generators.lean.generator import TransformersGenerator

    return TransformersGenerator(settings.gen_model, cache_dir=settings.cache_dir, threads=settings.threads,
                                 quantize=settings.gen_quantize, decoder=settings.gen_decoder)


def _llamacpp(settings: Settings, embedder: Embedder) -> Generator:
    from qa.generators.llamacpp import LlamaCppGenerator

    return LlamaCppGenerator(settings.gen_model, threads=settings.threads)


def _openai(settings: Settings, embedder: Embedder) -> Generator:
    from qa.generators.openai_api import OpenAIGenerator

    if not settings.openai_base_url:
        raise InvalidInputError("The openai generator is not configured on this server "
                                "(set QA_OPENAI_BASE_URL, QA_OPENAI_MODEL and QA_OPENAI_API_KEY).")
    return OpenAIGenerator(settings.openai_base_url, settings.openai_model, settings.openai_api_key,
                           timeout_s=settings.openai_timeout_s)


FACTORIES: dict[str, Callable[[Settings, Embedder], Generator]] = {
    "extractive": _extractive, "transformers": _transformers, "llamacpp": _llamacpp, "openai": _openai}


def available_generators(settings: Settings) -> list[str]:
    """The generators this installation can run: `openai` only when a server is configured, `llamacpp`
    only when llama-cpp-python is installed (the `[llamacpp]` extra). Front ends offer these."""
    import importlib.util

    def ready(name: str) -> bool:
        if name == "openai":
            return bool(settings.openai_base_url)
        if name == "llamacpp":
            return importlib.util.find_spec("llama_cpp") is not None
        return True

    return [n for n in GENERATOR_NAMES if ready(n)]


def create_generator(name: str, settings: Settings, embedder: Embedder) -> Generator:
    """Build (and load) the named backend; loading may take a while for model-backed ones."""
    factory = FACTORIES.get(name)
    if factory is None:
        raise InvalidInputError(f"Unknown generator '{name}'; choose one of {', '.join(GENERATOR_NAMES)}.")
    return factory(settings, embedder)
