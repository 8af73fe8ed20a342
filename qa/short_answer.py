"""Short answers for factoid questions: typed candidate spans of an evidence sentence, scored by the
expected answer type and their closeness to the words the question shares with the sentence.

A span is always copied from the sentence, so its document offsets are exact."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.question import Question
from qa.text import _COMMON, content_terms

_TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)*%?|[\w][\w'’.&-]*[\w]|\w|[^\w\s]")
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?(?:,?\s+\d{{4}})?\b"
                   rf"|\b\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
                   rf"|\b{_MONTH}(?:\s+(?:of\s+)?\d{{4}})?\b|\b(?:1\d|20)\d\d(?:s|\s*[–-]\s*\d{{2,4}})?\b"
                   r"|\b\d{1,2}(?:st|nd|rd|th) century\b|\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)\b")
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                 "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half|several|few")
_NUMBER = re.compile(rf"(?:\$|£|€)?\b(?:\d[\d,.]*|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)\b"
                     r"(?:\s*(?:%|percent|per cent))?(?:\s+(?:million|billion|trillion|thousand|hundred))?"
                     r"(?:\s+[a-z]+(?:\s+[a-z]+)?)?", re.IGNORECASE)
# Words that end a phrase: the answer span lies between them (prepositions, conjunctions, verbs "to be").
_BREAK = frozenset("""and or but nor which that who whom whose where when while because although though as if than
is are was were be been being am has have had will would can could shall should may might must do does did
in on at by for from to with of into onto during after before since until over under between among through
about against within without like near via per upon across around toward towards including not also then so
it they he she we i you there here said says say""".split())  # noqa: SIM905
_NAME_GLUE = {"of", "the", "for", "and", "de", "du", "von", "van", "la", "le", "&", "-", "at", "on"}
_PRECEDES_PLACE = {"in", "at", "from", "near", "to"}
_PRECEDES_DATE = {"in", "on", "since", "until", "by", "during", "from", "after", "before"}
MAX_SPAN_TOKENS = 10
TYPE_MATCH = 1.0
TYPE_MISMATCH = -0.6
NAME_BONUS = 0.6
CONTEXT_BONUS = 0.25
ANCHOR_WEIGHT = 0.25
DISTANCE_WEIGHT = 0.04
LENGTH_WEIGHT = 0.06
TYPICAL_LENGTH = 4
SUBJECT_BONUS = 0.3


@dataclass(frozen=True)
class Span:
    """A candidate answer: `sentence[start:end] == text`."""

    text: str
    start: int
    end: int
    score: float
    typed: bool = False  # of the question's expected answer type (a date for "when", ...)


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _chunks(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Runs of tokens between punctuation and break words, as token index ranges [i, j)."""
    out, start = [], None
    for i, (tok, _, _) in enumerate([*tokens, (".", 0, 0)]):
        stop = tok.lower() in _BREAK or (not tok[0].isalnum() and tok[0] not in "$£€")
        if stop:
            if start is not None:
                out.append((start, i))
            start = None
        elif start is None:
            start = i
    return out


def _names(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Capitalised name spans ("Republic of Korea Navy"), glue words allowed between capitals."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i][0][:1].isupper() and tokens[i][0] not in _COMMON:
            j = i + 1
            while j < len(tokens):
                if tokens[j][0][:1].isupper():
                    j += 1
                elif tokens[j][0].lower() in _NAME_GLUE and j + 1 < len(tokens) and tokens[j + 1][0][:1].isupper():
                    j += 2
                else:
                    break
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _regex_spans(pattern: re.Pattern[str], sentence: str, tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    starts = {s: i for i, (_, s, _) in enumerate(tokens)}
    ends = {e: i + 1 for i, (_, _, e) in enumerate(tokens)}
    out = []
    for m in pattern.finditer(sentence):
        text = m.group(0).rstrip()
        end = m.start() + len(text)
        while end not in ends and end > m.start():
            end -= 1
        if m.start() in starts and end in ends and ends[end] > starts[m.start()]:
            out.append((starts[m.start()], ends[end]))
    return out


def candidates(question: Question, sentence: str) -> list[Span]:
    """Scored candidate spans of `sentence`, best first (empty when none is plausible)."""
    tokens = _tokens(sentence)
    if not tokens:
        return []
    qterms = set(question.terms)
    anchored = [bool(content_terms(t) & qterms) for t, _, _ in tokens]
    # stop words and the question's own words do not begin or end an answer
    edge = [a or (not content_terms(t) and not t[0].isdigit() and t[0] not in "$£€") for a, (t, _, _) in
            zip(anchored, tokens, strict=True)]
    anchors = [i for i, a in enumerate(anchored) if a]

    def trim(r: tuple[int, int], cut: bool = False) -> tuple[int, int]:
        i, j = r
        while i < j and edge[i]:
            i += 1
        if cut:  # a number's unit ends at the first stop word: "1712 the atmospheric" -> "1712"
            j = next((k for k in range(i + 1, j) if edge[k]), j)
        while j > i and edge[j - 1]:
            j -= 1
        return i, j

    dates = {trim(r) for r in _regex_spans(_DATE, sentence, tokens)}
    numbers = {trim(r, cut=True) for r in _regex_spans(_NUMBER, sentence, tokens)} - dates
    names = {trim(r) for r in _names(tokens)} - dates  # "May" is a month, not a name
    ranges = {trim(r) for r in _chunks(tokens)} | dates | numbers | names
    typed = {"date": dates, "number": numbers, "person": names, "place": names}
    out = []
    for i, j in ranges:
        if not i < j or j - i > MAX_SPAN_TOKENS or any(anchored[i:j]):
            continue
        text = sentence[tokens[i][1]:tokens[j - 1][2]]
        if not content_terms(text) and not any(ch.isdigit() for ch in text):
            continue
        score = _score(question, (i, j), tokens, anchors, typed, names)
        is_typed = (i, j) in typed.get(question.answer_type, ())
        out.append(Span(text, tokens[i][1], tokens[j - 1][2], score, is_typed))
    return sorted(out, key=lambda s: (-s.score, s.start))


def _score(question: Question, span: tuple[int, int], tokens: list[tuple[str, int, int]], anchors: list[int],
           typed: dict[str, set[tuple[int, int]]], names: set[tuple[int, int]]) -> float:
    i, j = span
    wanted = question.answer_type
    score = 0.0
    if wanted in typed:
        score += TYPE_MATCH if span in typed[wanted] else TYPE_MISMATCH
        before = tokens[i - 1][0].lower() if i else ""
        if (wanted == "place" and before in _PRECEDES_PLACE) or (wanted == "date" and before in _PRECEDES_DATE):
            score += CONTEXT_BONUS
    elif span in names:
        score += NAME_BONUS * 0.5
    if wanted in ("person", "place") and span in names:
        score += NAME_BONUS
    if question.subject_asked and anchors and any(0 <= a - j <= 1 for a in anchors):
        score += SUBJECT_BONUS  # "Who hosted ...?": the name just before "hosted"
    if anchors:
        distance = min(min(abs(a - i), abs(a - (j - 1))) for a in anchors)
        near = len({tokens[a][0].lower() for a in anchors if i - 8 <= a < j + 8})
        score += ANCHOR_WEIGHT * near / len(anchors) - DISTANCE_WEIGHT * distance
    score -= LENGTH_WEIGHT * max(0, (j - i) - TYPICAL_LENGTH)
    return score


def best_span(question: Question, sentence: str) -> Span | None:
    found = candidates(question, sentence)
    return found[0] if found else None
