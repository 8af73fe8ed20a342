"""HTML for the chat UI: answers with clickable `[n]` links, the source panel with highlighted
cited sentences, the retrieved-passages list and the grounded/unverified/refused badge."""

from __future__ import annotations

import html

from qa.types import Answer, Citation, Document, Hit, Statement


def anchor(c: Citation) -> str:
    return f"cite-{c.n}-{c.start}"


def _sentence_html(statement: Statement, by_n: dict[int, Citation]) -> str:
    """One statement, escaped, with its citation links (markers come from the structure, never from
    text, so a literal "[1]" inside a document stays text)."""
    links = "".join(f'<a href="#{anchor(by_n[n])}" class="cite-link">[{n}]</a>'
                    for n in statement.citations if n in by_n)
    text = html.escape(statement.text, quote=False)
    return f"{text} {links}" if links else text


def answer_html(answer: Answer) -> str:
    """The answer's statements with clickable citations; verbatim quotes after generated text go in
    a blockquote."""
    if not answer.statements:
        return f"<p>{html.escape(answer.answer, quote=False)}</p>"
    by_n = {c.n: c for c in answer.citations}
    said = [s for s in answer.statements if s.kind != "quote"]
    quotes = [s for s in answer.statements if s.kind == "quote"]
    if not said:
        return "<p>" + " ".join(_sentence_html(s, by_n) for s in quotes) + "</p>"
    body = "<p>" + " ".join(_sentence_html(s, by_n) for s in said) + "</p>"
    if quotes:
        body += ('<blockquote class="qa-quote">' + " ".join(f"“{_sentence_html(s, by_n)}”" for s in quotes)
                 + "</blockquote>")
    return body


def badge_html(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.refused:
        return '<span class="qa-badge refused">⚠ The article does not say</span>'
    if answer.grounded:
        return '<span class="qa-badge grounded">✔ Grounded: every sentence checked against its source</span>'
    return '<span class="qa-badge unverified">◐ Partly verified: unsupported sentences were removed</span>'


def source_html(doc: Document | None, citations: tuple[Citation, ...] = ()) -> str:
    """The document with every cited sentence wrapped in <mark id=...>, paragraphs kept."""
    if doc is None:
        return "<div class='qa-source'><em>No document.</em></div>"
    spans = sorted({(c.start, c.end, anchor(c), c.n) for c in citations if c.doc_id == doc.doc_id})
    parts, cursor = [], 0
    for start, end, ident, n in spans:
        if start < cursor:
            continue
        parts.append(html.escape(doc.text[cursor:start]))
        parts.append(f'<mark id="{ident}" class="cite" data-n="{n}">{html.escape(doc.text[start:end])}'
                     f'<sup>[{n}]</sup></mark>')
        cursor = end
    parts.append(html.escape(doc.text[cursor:]))
    body = "".join(parts).replace("\r\n", "\n").replace("\n\n", "</p><p>").replace("\n", "<br>")
    return (f"<div class='qa-source' id='qa-source'><h3>{html.escape(doc.title)}</h3>"
            f"<p>{body}</p></div>")


def passages_html(hits: tuple[Hit, ...]) -> str:
    if not hits:
        return "<div class='qa-passages'><em>No passages retrieved yet.</em></div>"
    rows = []
    for n, h in enumerate(hits, start=1):
        dense = f"{h.dense_score:.2f}" if h.dense_score is not None else "–"
        rows.append(f"<li><b>[{n}]</b> <code>{html.escape(h.chunk.chunk_id)}</code> score {h.score:.4f} · "
                    f"cosine {dense} · found by {html.escape(' + '.join(h.retrievers))}"
                    f"<br><span class='qa-passage'>{html.escape(h.chunk.text)}</span></li>")
    return f"<ol class='qa-passages'>{''.join(rows)}</ol>"


CSS = """
.qa-source { max-height: 560px; overflow-y: auto; line-height: 1.55; padding: 0 .5rem; }
.qa-source mark.cite { background: #fff3a3; color: inherit; border-radius: 3px; padding: 0 2px; }
.qa-source mark.cite.active, .qa-source mark.cite:target { background: #ffb347; outline: 2px solid #e07b00; }
.qa-source sup { color: #9a6700; font-weight: 600; }
.qa-badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; }
.qa-badge.grounded { background: #dcfce7; color: #166534; }
.qa-badge.unverified { background: #fef9c3; color: #854d0e; }
.qa-badge.refused { background: #fee2e2; color: #991b1b; }
.qa-passages { max-height: 360px; overflow-y: auto; font-size: .9em; }
a.cite-link { font-weight: 700; text-decoration: none; }
blockquote.qa-quote { margin: 8px 0 0; padding: 2px 10px; border-left: 3px solid #94a3b8; color: #334155; }
@media (max-width: 700px) { .qa-source { max-height: 320px; } }
"""

# A click on an [n] link scrolls the source panel to the cited sentence and marks it active.
HEAD = """
<script>
document.addEventListener('click', function (event) {
  const link = event.target.closest('a[href^="#cite-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const id = link.getAttribute('href').slice(1);
  const mark = document.getElementById(id);
  if (!mark) return;
  document.querySelectorAll('mark.cite.active').forEach(m => m.classList.remove('active'));
  mark.classList.add('active');
  mark.scrollIntoView({behavior: 'smooth', block: 'center'});
}, true);
</script>
"""
