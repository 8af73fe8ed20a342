"""Small text helpers shared by evidence scoring and verification: content words, key facts."""

from __future__ import annotations

import re
import unicodedata

from qa.index.lexical import tokenize

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w’'.-]*[A-Za-z0-9]|\b[A-Z]\b")
# Capitalised words that are not names when they start a sentence or a clause.
_COMMON = {
    "The", "A", "An", "In", "On", "At", "It", "Its", "This", "That", "These", "Those", "They", "He",
    "She", "We", "I", "You", "Yes", "No", "And", "But", "Or", "So", "As", "For", "By", "With", "From",
    "After", "Before", "When", "While", "Since", "According", "First", "Second", "Third", "Fourth",
    "Finally", "However", "Also", "There", "Their", "His", "Her", "Both", "Each", "Some", "Many",
    "Despite", "Even", "Instead", "Specifically", "Neither", "Events", "Plans", "Difficult", "If",
    "To", "Of", "Not", "Only", "Then", "Thus", "Because", "Although", "Who", "What", "Where", "Why",
    "How", "Which", "Whose", "Whom", "Does", "Did", "Do", "Is", "Are", "Was", "Were", "Can", "Could",
    "Answer", "Passage", "Passages", "Article", "Source", "Sources",
}
# Stemmed words that shape a question but carry no content (BM25's English list keeps them).
QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "whi", "how", "doe", "did", "do",
                  "articl", "say", "mani", "much", "accord", "kind", "type", "happen", "anyth", "about",
                  "passag", "text", "mention", "tell", "describ"}


def fold(text: str) -> str:
    """Lowercase, unify quotes and dashes, strip accents: for tolerant containment checks."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐-―−]", "-", text)
    return text.lower()


def content_terms(text: str) -> set[str]:
    """Stemmed tokens without stop words or question words (the analysis BM25 uses, minus those)."""
    return set(tokenize([text])[0]) - QUESTION_WORDS


def key_facts(sentence: str) -> list[str]:
    """Numbers and proper names in a sentence: each must appear in the text it cites."""
    facts = _NUMBER.findall(sentence)
    for match in _NAME.finditer(sentence):
        word = match.group(0).rstrip(".")
        if word in _COMMON or (len(word) < 2 and not word.isupper()):
            continue
        facts.append(word.removesuffix("’s").removesuffix("'s"))
    return facts


def missing_facts(sentence: str, evidence: str) -> list[str]:
    """The key facts of `sentence` that do not occur in `evidence` (tolerant of case and quotes)."""
    folded = fold(evidence)
    return [f for f in key_facts(sentence) if fold(f) not in folded]


def coverage(query_terms: set[str], text: str) -> float:
    """Share of `query_terms` found in `text`'s terms (1.0 when there are none)."""
    if not query_terms:
        return 1.0
    return len(query_terms & content_terms(text)) / len(query_terms)
