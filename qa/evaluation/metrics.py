"""Answer and retrieval metrics. EM and F1 use the official SQuAD v1.1 normalisation."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lowercase, drop punctuation and English articles, collapse whitespace (SQuAD's evaluate-v1.1)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when the normalised prediction equals some normalised gold answer."""
    return float(any(normalize_answer(prediction) == normalize_answer(g) for g in golds)) if golds else 0.0


def f1(prediction: str, golds: Sequence[str]) -> float:
    """Best token-overlap F1 between the prediction and any gold answer."""
    best = 0.0
    pred = normalize_answer(prediction).split()
    for gold in golds:
        ref = normalize_answer(gold).split()
        common = Counter(pred) & Counter(ref)
        same = sum(common.values())
        if same == 0:
            continue
        precision, recall = same / len(pred), same / len(ref)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def normalize_loose(text: str) -> str:
    """SQuAD normalisation after turning every Unicode punctuation mark (— “ ’ …) into a space,
    so a gold answer followed by an em dash still matches as whole words."""
    spaced = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return normalize_answer(spaced)


def contains_gold(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when some gold answer occurs, as whole words, inside the prediction (loose normalisation)."""
    norm = f" {normalize_loose(prediction)} "
    return float(any(f" {normalize_loose(g)} " in norm for g in golds if normalize_loose(g)))


def first_relevant_rank(relevant: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant hit, or None."""
    return next((i for i, ok in enumerate(relevant, start=1) if ok), None)


def hit_at(rank: int | None, k: int) -> float:
    return float(rank is not None and rank <= k)


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None
