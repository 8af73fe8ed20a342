"""The bundled data: the default article and the question set about it, shipped inside the package."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEFAULT_ARTICLE = "south-korea-japan-security-ties.txt"
QUESTION_SET = "questions.jsonl"


def _data(name: str) -> Path:
    return Path(str(files("qa") / "data" / name))


def default_corpus_paths() -> list[Path]:
    """Paths of the bundled documents indexed when the user names none."""
    return [_data(DEFAULT_ARTICLE)]


def bundled_question_set() -> Path:
    """The hand-written question set about the default article (the Evaluate tab's default)."""
    return _data(QUESTION_SET)
