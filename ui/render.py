"""HTML for the chat UI, rendered from the structured `Answer` (never from its text): answers with
citation chips, badge, generator and source cards; the source panel with every cited sentence of the
conversation marked; the retrieved-passages list. All text is escaped so that neither HTML nor
Markdown inside a document or question can add links, images or citation markers."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Sequence

from qa.ui.theme import CSS, HEAD  # noqa: F401  (where qa.ui.server has always taken them from)

from qa.types import Answer, Citation, Document, Hit, Statement

BADGES = {  # status -> (css class, icon, words)
    "grounded": ("grounded", "✔", "Grounded"),
    "partial": ("partial", "◐", "Partly answered"),
    "refused": ("refused", "⚠", "Not in the article"),
}
GENERATOR_WORDS = {"transformers": "Local model", "llamacpp": "Local model (llama.cpp)",
                   "extractive": "Extractive (no model)", "openai": "Remote server"}
# Characters that Markdown (or LaTeX/HTML) would read as syntax, and line breaks (a blank line would end
# the HTML block): written as numeric entities, which every Markdown renderer shows literally.
_MD_SYNTAX = set("[]()!*_`~#$|\\{}<>&\"'=+-.:\n\r")


def safe_text(text: str) -> str:
    """Text shown exactly as written inside HTML that a Markdown renderer may also see."""
    return "".join(f"&#{ord(c)};" if c in _MD_SYNTAX else c for c in text)


def generator_words(name: str) -> str:
    return GENERATOR_WORDS.get(name, name)


def doc_key(doc_id: str) -> str:
    """A short id-safe key for a document (ids may hold any characters)."""
    return hashlib.sha1(doc_id.encode()).hexdigest()[:10]


def mark_id(doc_id: str, start: int, end: int) -> str:
    """The element id of a cited sentence in the source panel: one per sentence, whichever answer
    cites it, so citations of older answers keep working."""
    return f"src-{doc_key(doc_id)}-{start}-{end}"


def _chip(c: Citation) -> str:
    return (f'<a href="#{mark_id(c.doc_id, c.start, c.end)}" class="cite-link" '
            f'title="Source {c.n}: {safe_text(c.quote)}">{c.n}</a>')


def _statement(statement: Statement, by_n: dict[int, Citation]) -> str:
    chips = "".join(_chip(by_n[n]) for n in statement.citations if n in by_n)
    text = safe_text(statement.text)
    return f"{text} {chips}" if chips else text


def plain_text(answer: Answer, titles: dict[str, str] | None = None) -> str:
    """The answer as Markdown for the clipboard: text with [n] markers, then the cited sentences."""
    lines = [answer.answer.strip()]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            where = (titles or {}).get(c.doc_id, c.doc_id)
            lines.append(f"[{c.n}] {where}: “{c.quote.strip()}”")
    return "\n".join(lines)


def badge_html(answer: Answer) -> str:
    css, icon, words = BADGES[answer.status]
    return f'<span class="qa-badge {css}">{icon} {words}</span>'


def _sources_row(answer: Answer, titles: dict[str, str]) -> str:
    cards = []
    for c in answer.citations:
        quote = c.quote if len(c.quote) <= 180 else c.quote[:177] + "…"
        cards.append(f'<a class="qa-card cite-link" href="#{mark_id(c.doc_id, c.start, c.end)}">'
                     f'<span class="qa-card-n">{c.n}</span> <b>{safe_text(titles.get(c.doc_id, c.doc_id))}</b>'
                     f'<span class="qa-card-quote">{safe_text(quote)}</span></a>')
    return f'<div class="qa-sources" aria-label="Sources">{"".join(cards)}</div>' if cards else ""


def answer_html(answer: Answer, titles: dict[str, str] | None = None) -> str:
    """One answer: short answer (bold) when present, statements with citation chips, verbatim quotes
    in a blockquote, then the badge, the generator in plain words, a copy button and source cards."""
    titles = titles or {}
    by_n = {c.n: c for c in answer.citations}
    shown_short = answer.short_answer.text.casefold() if answer.short_answer else None
    # the pipeline's lead statement for a factoid is the short answer as a sentence: shown once, in bold
    said = [s for s in answer.statements if s.kind != "quote"
            and not (s.kind == "lead" and s.text.rstrip(".").casefold() == shown_short)]
    quotes = [s for s in answer.statements if s.kind == "quote"]
    parts = []
    if answer.short_answer is not None:
        sa = answer.short_answer
        chip = _chip(by_n[sa.citation]) if sa.citation in by_n else ""
        parts.append(f'<p class="qa-short"><b>{safe_text(sa.text)}</b> {chip}</p>')
    if not answer.statements:
        parts.append(f"<p>{safe_text(answer.answer)}</p>")
    elif said:
        parts.append("<p>" + " ".join(_statement(s, by_n) for s in said) + "</p>")
    if quotes:
        inner = " ".join(f"“{_statement(s, by_n)}”" for s in quotes)
        parts.append(f'<blockquote class="qa-quote">{inner}</blockquote>' if said else f"<p>{inner}</p>")
    missing = [p.question for p in answer.parts if not p.answered]
    if missing and not answer.refused:
        parts.append('<p class="qa-missing">Not found in the article: '
                     + "; ".join(safe_text(q) for q in missing) + "</p>")
    how = generator_words(answer.generator)
    if answer.fallback:
        how += " · its draft did not hold up, so the source is quoted"
    copy = safe_text(plain_text(answer, titles))
    # The clipboard text sits in a hidden <pre> (the chat's sanitizer drops data-* attributes).
    parts.append(f'<div class="qa-meta">{badge_html(answer)} <span class="qa-gen">{safe_text(how)}</span> '
                 f'<button type="button" class="qa-copy" title="Copy the answer and its sources">Copy</button>'
                 f'<pre class="qa-copy-text">{copy}</pre></div>')
    parts.append(_sources_row(answer, titles))
    return f'<div class="qa-answer">{"".join(parts)}</div>'


def note_html(text: str, css: str) -> str:
    """A short status line in the chat (streaming, queued, stopped, error)."""
    return f'<div class="qa-note {css}">{safe_text(text)}</div>'


def _marked_text(doc: Document, spans: Iterable[tuple[int, int]]) -> str:
    parts, cursor = [], 0
    for start, end in sorted(set(spans)):
        if start < cursor or end > len(doc.text) or start >= end:
            continue  # overlapping or out of range (a forged or stale citation): leave as text
        parts.append(html.escape(doc.text[cursor:start]))
        parts.append(f'<mark id="{mark_id(doc.doc_id, start, end)}" class="cite">'
                     f"{html.escape(doc.text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(doc.text[cursor:]))
    return "".join(parts).replace("\r\n", "\n").replace("\n\n", "</p><p>").replace("\n", "<br>")


def source_html(docs: Sequence[Document], citations: Iterable[Citation] = (), shown: str | None = None) -> str:
    """Every document in `docs`, one section each, with every cited sentence marked; only `shown`
    (default: the first) is visible until a citation of another document is clicked."""
    if not docs:
        return "<div class='qa-source'><em>No document.</em></div>"
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in citations:
        spans.setdefault(c.doc_id, []).append((c.start, c.end))
    shown = shown if shown in {d.doc_id for d in docs} else docs[0].doc_id
    sections = []
    for doc in docs:
        hidden = "" if doc.doc_id == shown else " hidden"
        sections.append(f'<section class="qa-doc" data-doc="{doc_key(doc.doc_id)}"{hidden}>'
                        f"<h3>{html.escape(doc.title)}</h3><p>{_marked_text(doc, spans.get(doc.doc_id, ()))}</p>"
                        "</section>")
    close = '<button type="button" class="qa-drawer-close" aria-label="Close source">✕ Close</button>'
    return f"<div class='qa-source' id='qa-source'>{close}{''.join(sections)}</div>"


def passages_html(hits: Sequence[Hit]) -> str:
    if not hits:
        return "<div class='qa-passages'><em>No passages retrieved yet.</em></div>"
    rows = []
    for n, h in enumerate(hits, start=1):
        dense = f"{h.dense_score:.2f}" if h.dense_score is not None else "–"
        rows.append(f"<li><b>Passage {n}</b> <code>{html.escape(h.chunk.chunk_id)}</code> score {h.score:.4f} · "
                    f"cosine {dense} · found by {html.escape(' + '.join(h.retrievers))}"
                    f"<br><span class='qa-passage'>{html.escape(h.chunk.text)}</span></li>")
    return f"<ol class='qa-passages'>{''.join(rows)}</ol>"
