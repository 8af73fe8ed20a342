"""Generation backends behind the `Generator` protocol, created by name from the settings."""

from __future__ import annotations

from qa.config import Settings
from qa.errors import InvalidInputError
from qa.protocols import Embedder, Generator

GENERATOR_NAMES = ("transformers", "openai", "extractive")


def create_generator(name: str, settings: Settings, embedder: Embedder) -> Generator:
    """Build (and load) the named backend; loading may take a while for model-backed ones."""
    if name == "extractive":
        from qa.generators.extractive import ExtractiveGenerator

        return ExtractiveGenerator(embedder)
    if name == "transformers":
        from qa.generators.local_llm import TransformersGenerator

        return TransformersGenerator(settings.gen_model, cache_dir=settings.cache_dir, threads=settings.threads,
                                     quantize=settings.gen_quantize, decoder=settings.gen_decoder)
    if name == "openai":
        from qa.generators.openai_api import OpenAIGenerator

        if not settings.openai_base_url:
            raise InvalidInputError("The openai generator is not configured on this server "
                                    "(set QA_OPENAI_BASE_URL, QA_OPENAI_MODEL and QA_OPENAI_API_KEY).")
        return OpenAIGenerator(settings.openai_base_url, settings.openai_model, settings.openai_api_key,
                               timeout_s=settings.openai_timeout_s)
    raise InvalidInputError(f"Unknown generator '{name}'; choose one of {', '.join(GENERATOR_NAMES)}.")
