"""Score the sentences of retrieved passages against a question: the basis of extractive answers,
of the answerability gate and of attaching citations to uncited answer sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.index.lexical import tokenize
from qa.options import DEFAULTS
from qa.protocols import Embedder
from qa.text import content_terms, coverage, near_any
from qa.types import Hit, Span

_YEAR_OR_DATE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b|\b(January|February|March|April|May|June|July|August|"
                           r"September|October|November|December)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
                     r"thousand|million|billion)\b", re.IGNORECASE)
# Asking about the title, the authors or a caption makes those lines evidence; otherwise they are not.
_ABOUT_FRONT_MATTER = re.compile(r"\b(title|headline|author|authors|byline|written|wrote|caption|image|figure)\b",
                                 re.IGNORECASE)
MIN_PROSE_WORDS = 5


@dataclass(frozen=True)
class Evidence:
    """One source sentence from passage `n` (1-based), scored against the question."""

    n: int
    hit: Hit
    span: Span
    text: str
    similarity: float
    coverage: float
    type_match: bool = False

    @property
    def score(self) -> float:
        o = DEFAULTS
        bonus = o.answer_type_bonus if self.type_match else 0.0
        return o.similarity_weight * self.similarity + o.coverage_weight * self.coverage + bonus


def expected_type(question: str) -> re.Pattern[str] | None:
    """The shape of answer a question asks for: a date for 'when', a number for 'how many'."""
    q = question.lower()
    if re.search(r"\bwhen\b|\bwhat (year|date|month|day)\b|\bin which year\b", q):
        return _YEAR_OR_DATE
    if re.search(r"\bhow (many|much|long|old)\b|\bwhat (number|percentage)\b", q):
        return _NUMBER
    return None


@dataclass(frozen=True)
class SourceSentence:
    """One sentence of the retrieved passages: passage `n` (1-based) that first holds it, that hit,
    its span in the document and its text."""

    n: int
    hit: Hit
    span: Span
    text: str


def passage_sentences(hits: Sequence[Hit]) -> list[SourceSentence]:
    """Each distinct sentence of the passages, attributed to the first passage holding it."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        for span in c.sentences:
            key = (c.doc_id, span.start, span.end)
            if key in seen:
                continue
            seen.add(key)
            out.append(SourceSentence(n, hit, span, c.text[span.start - c.start:span.end - c.start]))
    return out


def _previous_sentences(hits: Sequence[Hit]) -> dict[tuple[str, int], str]:
    """(doc_id, sentence start) -> the sentence just before it, where a passage shows both."""
    before: dict[tuple[str, int], str] = {}
    for hit in hits:
        c = hit.chunk
        for prev, span in zip(c.sentences, c.sentences[1:], strict=False):
            before[(c.doc_id, span.start)] = c.text[prev.start - c.start:prev.end - c.start]
    return before


def is_prose(sentence: str) -> bool:
    """A sentence of running text, not a title, byline, caption or stray label ("Remote Visualization"):
    it ends like a sentence and has a few words."""
    text = sentence.strip()
    return len(text.split()) >= MIN_PROSE_WORDS and text[-1:] in ".!?\"”’')"


def rank_evidence(question: str, hits: Sequence[Hit], embedder: Embedder) -> list[Evidence]:
    """All passage sentences, best evidence for `question` first; titles, bylines and captions only
    when the question asks about them.

    Coverage counts the question's content words in the sentence and, at half weight, in the sentence
    before it (so "It opened in 1876." still matches "When did Busan Port open?").
    """
    sents = passage_sentences(hits)
    if not _ABOUT_FRONT_MATTER.search(question):
        sents = [s for s in sents if is_prose(s.text)]
    if not sents:
        return []
    vectors = embedder.encode([question] + [s.text for s in sents])
    sims = vectors[1:] @ vectors[0]
    terms = content_terms(question)
    before = _previous_sentences(hits)
    wanted = expected_type(question)
    scored = []
    for s, sim in zip(sents, np.asarray(sims), strict=True):
        own = coverage(terms, s.text)
        context = coverage(terms, before.get((s.hit.chunk.doc_id, s.span.start), "") + " " + s.text)
        scored.append(Evidence(s.n, s.hit, s.span, s.text, float(sim), max(own, (own + context) / 2),
                               bool(wanted and wanted.search(s.text))))
    return sorted(scored, key=lambda e: (-e.score, e.n, e.span.start))


def best_evidence(ranked: Sequence[Evidence]) -> list[Evidence]:
    """The top sentence, plus the runner-up when it scores nearly as well, in document order: the
    extractive answer, the fallback for a generated one and the quote that follows it."""
    chosen = list(ranked[:1])
    if len(ranked) > 1 and ranked[1].score >= DEFAULTS.second_sentence_ratio * ranked[0].score:
        chosen.append(ranked[1])
    return sorted(chosen, key=lambda e: (e.hit.chunk.doc_id, e.span.start))


def unknown_facts(facts: Sequence[str], vocabulary: set[str]) -> tuple[str, ...]:
    """The names and numbers (of a question) that the corpus never mentions ("Dong Jun", "2019"):
    then the corpus cannot answer it, whatever the similarity says. A word one typo or an accent away
    from a corpus word ("Celeron" for "Céloron") is known."""
    return tuple(sorted({f for f in facts
                         if any(t not in vocabulary and not near_any(t, vocabulary) for t in tokenize([f])[0])}))


def unknown_share(question: str, vocabulary: set[str]) -> float:
    """Share of the question's content words that occur nowhere in the corpus ("kimchi")."""
    terms = content_terms(question)
    return len(terms - vocabulary) / len(terms) if terms else 0.0
