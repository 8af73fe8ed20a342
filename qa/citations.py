"""The one home of the `[n]` citation format: writing markers, parsing them out of generated text,
renumbering an answer's citations and rendering its statements as plain text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.index.sentences import split_sentences
from qa.types import Citation, Statement, StatementKind

# "[1]" or "[1, 2]" as a generator writes them
MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
_MARKER_WITH_SPACE = re.compile(r"\s*" + MARKER.pattern)
_LEADING_MARKERS = re.compile(r"^(\s*" + MARKER.pattern + r")+")
QUOTE_OPEN, QUOTE_CLOSE = "“", "”"


def marker(numbers: Sequence[int]) -> str:
    """`[1][3]` for citations 1 and 3."""
    return "".join(f"[{n}]" for n in numbers)


def markers(text: str) -> list[int]:
    """Numbers cited in a text, in order, without repeats."""
    found: list[int] = []
    for group in MARKER.findall(text):
        for part in group.split(","):
            if int(part) not in found:
                found.append(int(part))
    return found


def strip_markers(text: str) -> str:
    """Text without citation markers."""
    return _MARKER_WITH_SPACE.sub("", text).strip()


def with_markers(sentence: str, numbers: Sequence[int]) -> str:
    """The sentence with its markers before its final punctuation: "It opened in 1876 [2]." """
    sentence = sentence.strip()
    if not numbers:
        return sentence
    if sentence[-1:] in ".!?":
        return f"{sentence[:-1]} {marker(numbers)}{sentence[-1]}"
    return f"{sentence} {marker(numbers)}"


def answer_sentences(text: str) -> list[str]:
    """Sentences of a generated answer; markers that open a sentence ("... claim. [1] Next") belong
    to the sentence before it."""
    out: list[str] = []
    for span in split_sentences(text):
        piece = text[span.start:span.end]
        lead = _LEADING_MARKERS.match(piece)
        if out and lead:
            out[-1] = f"{out[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end():].strip()
        if piece:
            out.append(piece)
    return out


def passage_block(n: int, text: str) -> str:
    """How passage `n` is shown to the generator, so that it cites it as `[n]`."""
    return f"[{n}] {text.strip()}"


def renumber(drafts: Sequence[tuple[str, StatementKind, Sequence[Citation]]]
             ) -> tuple[tuple[Statement, ...], tuple[Citation, ...]]:
    """Number the distinct cited sentences 1, 2, ... in order of first use, so each `[n]` of the
    finished answer points at exactly one sentence. `drafts` are (text, kind, citations) with
    passage-numbered citations; returns the statements and the renumbered citations."""
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    statements = []
    for text, kind, cited in drafts:
        own: list[int] = []
        for c in cited:
            key = (c.doc_id, c.start, c.end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation(numbers[key], c.doc_id, c.chunk_id, c.start, c.end, c.quote,
                                          c.support, c.passage or c.n))
            if numbers[key] not in own:
                own.append(numbers[key])
        statements.append(Statement(strip_markers(text), tuple(own), kind))
    return tuple(statements), tuple(citations)


def render_text(statements: Sequence[Statement]) -> str:
    """Statements as plain text with markers: lead and claims in one paragraph; verbatim quotes that
    follow generated text in a second one, in quotation marks."""
    said = [s for s in statements if s.kind != "quote"]
    quotes = [s for s in statements if s.kind == "quote"]
    if not said:
        return " ".join(with_markers(s.text, s.citations) for s in quotes)
    text = " ".join(with_markers(s.text, s.citations) for s in said)
    if quotes:
        text += "\n\n" + " ".join(f"{QUOTE_OPEN}{s.text}{QUOTE_CLOSE} {marker(s.citations)}" for s in quotes)
    return text
