"""Paragraph and sentence boundaries with exact character offsets (pysbd does the sentence rules)."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.types import Span

_PARAGRAPH_BREAK = re.compile(r"\r?\n\s*\n")


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def paragraphs(text: str) -> list[Span]:
    """Non-blank paragraphs, split at blank lines (LF or CRLF)."""
    spans: list[Span] = []
    cursor = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if (span := _strip(text, cursor, match.start())) is not None:
            spans.append(span)
        cursor = match.end()
    if (span := _strip(text, cursor, len(text))) is not None:
        spans.append(span)
    return spans


def sentences(text: str, paragraph: Span, max_chars: int = 1500) -> list[Span]:
    """Sentences of one paragraph as absolute spans; none is longer than `max_chars`."""
    body = text[paragraph.start:paragraph.end]
    spans: list[Span] = []
    cursor = 0
    for piece in _segmenter().segment(body):
        piece = piece.strip()
        if not piece:
            continue
        found = body.find(piece, cursor)
        if found < 0:  # the segmenter altered the text; keep the rest as one sentence
            break
        span = _strip(text, paragraph.start + found, paragraph.start + found + len(piece))
        cursor = found + len(piece)
        if span is not None:
            spans.extend(_split_long(text, span, max_chars))
    rest = _strip(text, paragraph.start + cursor, paragraph.end)
    if rest is not None:
        spans.extend(_split_long(text, rest, max_chars))
    return spans


def _split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Break an over-long run without sentence punctuation at whitespace (or hard, if none)."""
    out: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars + 1)
        if cut <= start:
            cut = start + max_chars
        if (piece := _strip(text, start, cut)) is not None:
            out.append(piece)
        start = cut
    if (piece := _strip(text, start, span.end)) is not None:
        out.append(piece)
    return out


def split_sentences(text: str, max_chars: int = 1500) -> list[Span]:
    """All sentences of a text, in order, never crossing a paragraph break."""
    return [s for p in paragraphs(text) for s in sentences(text, p, max_chars)]
