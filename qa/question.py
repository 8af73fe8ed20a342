"""Question analysis: what kind of answer a question wants (factoid, open, summary, list, yes/no),
the expected answer type, the constraint terms an answer must match, and the parts of a multi-part one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.text import content_terms, has_negation, key_facts

Kind = Literal["factoid", "open", "summary", "list", "yesno"]

_SUMMARY = re.compile(
    r"\b(summari[sz]e|summary|overview|main (point|idea|argument|message|takeaway|theme|topic)s?|gist|key points|"
    r"tl;?dr)\b|\bwhat is (the|this) (article|text|document|piece) about\W*$"
    r"|\bwhat does (the|this) (article|text) (say|argue)\W*$",
    re.IGNORECASE)
_YES_NO = re.compile(r"^(is|are|was|were|do|does|did|can|could|will|would|has|have|had|should|shall|may|might)\b",
                     re.IGNORECASE)
_OPEN = re.compile(r"^(why|how)\b(?!\s+(many|much|long|old|far|big|large|tall|high|often|few|soon|deep|wide)\b)"
                   r"|\b(explain|describe|what happened|in what way|for what reason|what (are|were|is|was) the "
                   r"(reasons?|causes?|effects?|consequences?|significance|implications?|purpose))\b",
                   re.IGNORECASE)
_LIST = re.compile(r"^(list|name)\b|\bwhat (are|were) (the|some) (\w+ )?(ways|steps|reasons|points|things|issues|"
                   r"outcomes|examples|areas|goals)\b", re.IGNORECASE)
_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", re.compile(r"^\W*(?:\w+,\s*)?when\b|\b(what|which|in which|in what) (year|date|month|day|century|decade|"
                        r"time|season)\b|\bhow long ago\b|\bsince when\b", re.IGNORECASE)),
    ("number", re.compile(r"\bhow (many|much|long|old|far|big|large|tall|high|often|few|fast|deep|wide)\b|"
                          r"\bwhat (number|percentage|percent|proportion|amount|share|size|age|fraction)\b",
                          re.IGNORECASE)),
    ("person", re.compile(r"\b(who|whom|whose)\b", re.IGNORECASE)),
    ("place", re.compile(r"\bwhere\b|\b(what|which|in which|in what) (city|country|state|place|region|location|"
                         r"area|continent|town|island|sea|river|province|county|nation|venue)\b", re.IGNORECASE)),
)
_WH = re.compile(r"\b(who|whom|whose|what|when|where|why|which|how)\b", re.IGNORECASE)
# ", and where was it held?" / " and when did" / "; why": the start of another part
_PART_BREAK = re.compile(r"\s*(?:[,;]\s*(?:and\s+|but\s+)?|\s+and\s+|\s+but\s+)"
                         r"(?=(?:(?:in|on|at|for|by|from|to|with)\s+)?(?:who|whom|whose|what|when|where|"
                         r"why|which|how|did|does|do|is|are|was|were|has|have|had|can|could|will|would)\b)",
                         re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[?])\s+(?=\S)")
MIN_PART_WORDS = 3
_ATTRIBUTE = re.compile(r"\bwhat (?:is|was|are|were) the ([a-z]+) of\b", re.IGNORECASE)
_GENERIC = {"name", "names", "title", "term", "word", "type", "kind", "sort", "form", "purpose", "goal", "role",
            "result", "effect", "meaning", "main", "first", "last", "other", "one", "part", "use", "subject"}


@dataclass(frozen=True)
class Question:
    """What a question asks: see the module docstring. `names`/`numbers` are its constraint terms."""

    text: str
    kind: Kind
    answer_type: str  # person, date, number, place, thing, reason, manner, summary, yesno
    wh: str
    names: tuple[str, ...]
    numbers: tuple[str, ...]
    negated: bool
    terms: frozenset[str]
    subject_asked: bool = False  # "Who hosted ...?", "What caused ...?": the answer is the verb's subject
    attribute: str = ""  # "What is the population of Seoul?" -> "population": the source must name it


def answer_type(text: str, kind: Kind) -> str:
    if kind in ("summary", "yesno"):
        return kind
    if kind == "open":
        return "reason" if re.match(r"\s*why\b", text, re.IGNORECASE) else "manner"
    for name, pattern in _TYPES:
        if pattern.search(text):
            return name
    return "thing"


def question_kind(text: str) -> Kind:
    if _SUMMARY.search(text):
        return "summary"
    if _OPEN.search(text):
        return "open"
    if _LIST.search(text):
        return "list"
    if _YES_NO.match(text.strip()) and not _WH.search(text.split(",")[0]):
        return "yesno"
    return "factoid"


def analyze(text: str) -> Question:
    text = text.strip()
    kind = question_kind(text)
    first = text.split()[0] if text.split() else ""
    facts = [f for f in key_facts(text) if f != first.strip("?,.")]  # "Summarize ..." is no name
    numbers = tuple(f for f in facts if f[:1].isdigit())
    names = tuple(f for f in facts if not f[:1].isdigit() and f.lower() not in ("u.s", "u.s."))
    wh = (_WH.search(text).group(1).lower() if _WH.search(text) else "")
    subject = re.match(r"\s*(who|what|which \w+)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b|has\b|have\b)"
                       r"\w+(ed|s)\b", text, re.IGNORECASE) is not None
    found = _ATTRIBUTE.search(text)
    attribute = found.group(1).lower() if found and found.group(1).lower() not in _GENERIC else ""
    return Question(text, kind, answer_type(text, kind), wh, names, numbers, has_negation(text),
                    frozenset(content_terms(text)), subject, attribute)


def split_parts(text: str) -> list[str]:
    """The parts of a multi-part question ("Who hosted it, and where was it held?" -> two), each a
    question of at least a few words; a single question is its own one part."""
    parts: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text.strip()):
        pending = ""
        for piece in _PART_BREAK.split(sentence):
            piece = piece.strip(" ,;")
            if not piece:
                continue
            if pending:
                piece, pending = f"{pending} and {piece}", ""
            if len(piece.split()) < MIN_PART_WORDS and not piece.endswith("?"):  # "When and where did ...?"
                pending = piece
                continue
            if parts and len(piece.split()) < MIN_PART_WORDS:
                parts[-1] = f"{parts[-1].rstrip('?')} and {piece}"
                continue
            parts.append(piece[0].upper() + piece[1:] if piece[0].islower() else piece)
        if pending:
            parts.append(pending)
    if len(parts) < 2:
        return [text.strip()]
    return [p if p.endswith("?") or p.endswith(".") else p + "?" for p in parts]
