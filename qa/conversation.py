"""Follow-up questions: turn "who were they?" into a self-contained retrieval query using history."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.types import Turn

_FOLLOW_UP = re.compile(
    r"\b(they|them|their|theirs|he|him|his|she|her|it|its|this|that|these|those|there|then|"
    r"the former|the latter|the same|the other|one|ones|what about|how about|and|also|else)\b",
    re.IGNORECASE,
)
_MAX_WORDS_SELF_CONTAINED = 4


def is_follow_up(question: str) -> bool:
    """Heuristic: a pronoun or connective, or a very short question, needs the previous turn."""
    words = question.split()
    return bool(_FOLLOW_UP.search(question)) or len(words) <= _MAX_WORDS_SELF_CONTAINED


def retrieval_query(question: str, history: Sequence[Turn], max_turns: int = 8) -> str:
    """The query to search with: the question, prefixed by the last user turn when it is a follow-up."""
    previous = [t.content.strip() for t in list(history)[-max_turns:] if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return question
    return f"{previous[-1]} {question}"
