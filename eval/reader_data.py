"""Training pairs for the extractive reader, from SQuAD v1.1 dev articles 12-40 (41-48 tune the answer
path; 1-2 report; 3-11 stay untouched): each question with its paragraph, plus synthesized no-answer
pairs the way SQuAD 2.0 writes them (answer sentence removed, a name or number swapped, another paragraph)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

TRAIN_ARTICLES = range(12, 41)   # 1-based, file order
TUNE_ARTICLES = range(41, 49)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’)]*\s*|$)")
_SWAPPABLE = re.compile(r"\b(?:[A-Z][\w'-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]+)*|\d[\d,.]*)\b")


@dataclass(frozen=True)
class Pair:
    """A question and a context; `answer_start` is None when the context does not answer it."""

    question: str
    context: str
    answer: str | None
    answer_start: int | None
    kind: str  # "answer" | "removed" | "swapped" | "other"


def articles(squad: Path, numbers: range) -> list[dict]:
    data = json.loads(squad.read_text(encoding="utf-8"))["data"]
    return [data[n - 1] for n in numbers]


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _removed(context: str, start: int, answers: list[str]) -> str | None:
    """The paragraph without the sentence holding the answer; None if an answer still stands in it."""
    for lo, hi in _sentences(context):
        if lo <= start < hi:
            rest = (context[:lo] + context[hi:]).strip()
            if rest and not any(a.lower() in rest.lower() for a in answers):
                return rest
    return None


def _swapped(question: str, context: str, pool: list[str], rng: random.Random) -> str | None:
    """The question with one of its names or numbers that the paragraph holds replaced by another of the
    article's, absent from the paragraph (a changed entity or year: the paragraph no longer answers)."""
    found = [m for m in _SWAPPABLE.finditer(question) if m.start() > 0 and m.group(0) in context]
    if not found:
        return None
    m = rng.choice(found)
    numeric = m.group(0)[0].isdigit()
    choices = [p for p in pool if p[0].isdigit() == numeric and p not in context and p.lower() not in question.lower()]
    if not choices:
        return None
    return question[:m.start()] + rng.choice(choices) + question[m.end():]


def pairs(source: list[dict], seed: int = 0, negatives: float = 0.3) -> list[Pair]:
    """Every question with its paragraph and, each with probability `negatives`, the three no-answer kinds."""
    rng = random.Random(seed)
    out: list[Pair] = []
    for article in source:
        paragraphs = [p["context"] for p in article["paragraphs"]]
        pool = sorted({m.group(0) for c in paragraphs for m in _SWAPPABLE.finditer(c)})
        for index, para in enumerate(article["paragraphs"]):
            context = para["context"]
            for qa in para["qas"]:
                answers = [a["text"] for a in qa["answers"]]
                first = qa["answers"][0]
                out.append(Pair(qa["question"], context, first["text"], first["answer_start"], "answer"))
                if rng.random() < negatives and (rest := _removed(context, first["answer_start"], answers)):
                    out.append(Pair(qa["question"], rest, None, None, "removed"))
                if rng.random() < negatives and (q := _swapped(qa["question"], context, pool, rng)):
                    out.append(Pair(q, context, None, None, "swapped"))
                others = [c for i, c in enumerate(paragraphs)
                          if i != index and not any(a.lower() in c.lower() for a in answers)]
                if rng.random() < negatives and others:
                    out.append(Pair(qa["question"], rng.choice(others), None, None, "other"))
    return out
