"""One typed configuration for the whole product, read from `QA_*` environment variables.

Front ends build one `Settings` at start-up; per-request changes go through `Settings.override`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import InvalidInputError

GeneratorName = Literal["transformers", "llamacpp", "openai", "extractive"]  # qa.generators builds each
DEFAULT_EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_GEN_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


class Settings(BaseSettings):
    """Every tunable of the product; each field can be set as `QA_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", frozen=True)

    # Where things live
    index_dir: Path = Field(Path(".qa/index"), description="Directory of the on-disk index.")
    cache_dir: Path = Field(Path(".qa/cache"), description="Converted model weights and other caches.")
    feedback_path: Path = Field(Path(".qa/feedback.jsonl"), description="Where UI feedback is appended.")

    # Models
    embed_model: str = Field(DEFAULT_EMBED_MODEL, description="Sentence-transformers id or local path.")
    embed_batch_size: int = Field(64, ge=1, le=4096)
    gen_model: str = Field(DEFAULT_GEN_MODEL, description="Causal LM: HF id, local dir or .gguf file.")
    gen_quantize: Literal["auto", "int4", "int8", "none"] = Field(
        "auto", description="Weight packing for CPU decoding: auto = int4 when the weights are 4-bit already "
                            "(a Q4 GGUF, lossless), else float32; int8 = per-row int8 weights; none = float32.")
    gen_decoder: Literal["auto", "generate"] = Field(
        "auto", description="auto = a lean token loop for Llama-architecture models (float32 attention), "
                            "transformers' generate() for others; generate = always generate().")
    generator: GeneratorName = "transformers"
    reader: bool = Field(
        True, description="Read factoid questions' passages with the packaged extractive reader (short answers and "
                          "a no-answer score); false = typed-span heuristics only.")
    max_new_tokens: int = Field(160, ge=1, le=4096)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    threads: int = Field(0, ge=0, le=256, description="Torch threads for generation; 0 = library default.")
    openai_base_url: str | None = Field(None, description="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    openai_model: str = "default"
    openai_api_key: str = "none"
    openai_timeout_s: float = Field(120.0, gt=0)

    # Chunking
    chunk_sentences: int = Field(2, ge=1, le=50, description="Sentences per chunk.")
    chunk_overlap: int = Field(1, ge=0, le=49, description="Sentences shared by neighbouring chunks.")
    max_sentence_chars: int = Field(1500, ge=100, description="Longer 'sentences' are split at spaces.")

    # Retrieval
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(30, ge=1, le=500, description="Hits taken from each retriever before fusion.")
    rrf_k: int = Field(10, ge=1, description="Reciprocal rank fusion: weight / (rrf_k + rank) per ranking.")
    dense_weight: float = Field(0.6, ge=0.0, description="Weight of the chunks' dense (cosine) ranking.")
    lexical_weight: float = Field(1.0, ge=0.0, description="Weight of the chunks' BM25 ranking.")
    paragraph_lexical_weight: float = Field(
        1.0, ge=0.0, description="Weight of the BM25 ranking of whole paragraphs (candidates' paragraphs only).")
    diverse_hits: bool = Field(
        True, description="Hits come from distinct paragraphs first (none overlap); false = plain fused order.")
    ann: Literal["auto", "flat", "hnsw"] = "auto"
    ann_threshold: int = Field(50_000, ge=1, description="'auto' uses HNSW from this many chunks on.")

    # Grounding
    min_retrieval_score: float = Field(0.30, description="Refuse when the best dense cosine is below.")
    min_evidence: float = Field(0.42, description="Refuse when the best evidence sentence scores below.")
    min_support: float = Field(0.45, ge=0.0, le=1.0, description="Answer sentences need this support.")
    quote_evidence: bool = Field(
        True, description="Follow a generated answer with the source sentence it rests on, quoted verbatim.")
    max_question_chars: int = Field(2000, ge=1)
    max_history_turns: int = Field(8, ge=0)

    # Serving
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    api_key: str | None = None
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    max_upload_bytes: int = Field(10_000_000, ge=1024)
    session_uploads: bool = Field(False, description="UI uploads go to a per-session index.")
    ui_uploads: bool = Field(True, description="The UI may add or remove documents; false turns that off.")
    header_timeout_s: float = Field(10.0, gt=0, description="A client must send its request headers within this.")
    body_timeout_s: float = Field(60.0, gt=0, description="A client must send its whole request body within this.")
    shutdown_timeout_s: int = Field(3, ge=0, description="On SIGTERM, requests still running after this are cut.")
    max_pdf_pages: int = Field(1000, ge=1, description="PDFs with more pages are refused (415).")
    max_extract_seconds: float = Field(30.0, gt=0, description="Text extraction of one upload may take this long.")

    def override(self, **changes: Any) -> Settings:
        """Return a validated copy with `changes` applied (None values are ignored)."""
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        try:
            return type(self).model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInputError(f"Invalid value for {where}: {first['msg']}") from None


def load_settings(**changes: Any) -> Settings:
    """Settings from the environment, with `changes` on top (CLI flags)."""
    try:
        base = Settings()
    except ValidationError as err:
        first = err.errors()[0]
        where = "QA_" + ".".join(str(p) for p in first["loc"]).upper()
        raise InvalidInputError(f"Invalid setting {where}: {first['msg']}") from None
    return base.override(**changes) if changes else base
