"""Small text helpers shared by evidence scoring and verification: content words, key facts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from qa.index.lexical import tokenize

_NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?\b")  # not the "2" of "m2" or "CO2"
# Number words a claim may state ("seven days"); "one" is left out (it is also a pronoun).
_NUMBER_WORD = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                          r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                          r"eighty|ninety|hundred|thousand|million|billion|trillion|dozen)\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w’'.-]*[^\W_]|\b[A-Z]\b")
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
    facts = _NUMBER.findall(sentence) + _NUMBER_WORD.findall(sentence)
    for match in _NAME.finditer(sentence):
        word = match.group(0).rstrip(".")
        if word in _COMMON or (len(word) < 2 and not word.isupper()):
            continue
        facts.append(word.removesuffix("’s").removesuffix("'s"))
    return facts


def contains_token(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole tokens ("Carol" is not in "Carolingian"), tolerant
    of case, accents, quotes and dashes."""
    folded = fold(phrase).strip()
    if not folded:
        return False
    return re.search(r"(?<![\w])" + re.escape(folded) + r"(?![\w])", fold(text)) is not None


def missing_facts(sentence: str, evidence: str) -> list[str]:
    """The key facts of `sentence` that do not occur in `evidence` as whole tokens."""
    return [f for f in key_facts(sentence) if not contains_token(evidence, f)]


_NEGATION = re.compile(r"\b(not|no|never|neither|nor|none|nothing|nobody|cannot|without)\b|n't\b"
                       r"|\bfail(?:s|ed)? to\b", re.IGNORECASE)
NEGATION_SCOPE = 4  # words after a negation cue that it governs


def has_negation(text: str) -> bool:
    return _NEGATION.search(fold(text)) is not None


def negated_terms(text: str) -> set[str]:
    """Content terms within a few words after each negation cue: what the text says is not so."""
    folded = fold(text)
    out: set[str] = set()
    for match in _NEGATION.finditer(folded):
        scope = " ".join(folded[match.end():].split()[:NEGATION_SCOPE])
        out |= content_terms(scope)
    return out


def reverses(claim: str, evidence: str) -> bool:
    """A meaning reversal: the claim is negated and the evidence is not, or the claim affirms what the
    evidence negates ("it was operating the radar" against "it was not operating the radar")."""
    if has_negation(claim):
        return not has_negation(evidence)
    return bool(negated_terms(evidence) & content_terms(claim))


_WORD = re.compile(r"[\w'’-]+")
MAX_SENTENCE_WORDS = 80   # a longer "sentence" from a generator is a runaway
MAX_REPEATS = 3           # the same word or phrase this many times in a row is a loop
MIN_DISTINCT_TRIGRAMS = 0.6


def degenerate(text: str, max_words: int | None = MAX_SENTENCE_WORDS) -> bool:
    """Generator output that is no answer whatever it cites: a phrase repeated back to back
    ("low-flying low-flying low-flying"), a runaway sentence, or a text made of few distinct trigrams."""
    words = [w.lower() for w in _WORD.findall(text)]
    if max_words is not None and len(words) > max_words:
        return True
    for n in range(1, 5):
        grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
        for i in range(len(grams) - n * (MAX_REPEATS - 1)):
            if all(grams[i] == grams[i + n * r] for r in range(1, MAX_REPEATS)):
                return True
    trigrams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    return len(trigrams) >= 12 and len(set(trigrams)) / len(trigrams) < MIN_DISTINCT_TRIGRAMS


def coverage(query_terms: set[str], text: str) -> float:
    """Share of `query_terms` found in `text`'s terms (1.0 when there are none)."""
    if not query_terms:
        return 1.0
    return len(query_terms & content_terms(text)) / len(query_terms)


MIN_TYPO_CHARS = 6  # words this long may differ by one typo and still be the same name ("Rhine" vs "Rhone" do not)


def near(a: str, b: str) -> bool:
    """The same word up to accents, or one typo apart (an insertion, deletion or substitution) when
    both have at least MIN_TYPO_CHARS letters: "Celeron"/"Céloron", "Frensh"/"French". Numbers
    must match exactly (a changed year is another fact)."""
    a, b = fold(a), fold(b)
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_TYPO_CHARS or abs(len(a) - len(b)) > 1 or any(c.isdigit() for c in a + b):
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


def near_any(word: str, words: Iterable[str]) -> bool:
    """`near` some word of `words`."""
    return any(near(word, w) for w in words if abs(len(w) - len(word)) <= 2)
