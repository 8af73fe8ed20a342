"""The default corpus: the article shipped inside the package."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEFAULT_ARTICLE = "south-korea-japan-security-ties.txt"


def default_corpus_paths() -> list[Path]:
    """Paths of the bundled documents indexed when the user names none."""
    return [Path(str(files("qa") / "data" / DEFAULT_ARTICLE))]
