"""Ingestion of txt, md, html and pdf, and clear errors for what cannot be read."""

from __future__ import annotations

import io

import pytest
from qa.index.ingest import load_bytes, load_path, slugify

from qa.errors import DocumentError


def test_txt_keeps_text_verbatim_and_gets_id_and_title():
    doc = load_bytes("My Notes.txt", b"Title line\r\n\r\nBody. More body.")
    assert doc.doc_id == "my-notes"
    assert doc.title == "Title line"
    assert doc.text == "Title line\r\n\r\nBody. More body."
    assert len(doc.checksum) == 64


def test_markdown_title_drops_hashes():
    assert load_bytes("a.md", b"# Heading\n\nText.").title == "Heading"


def test_html_extracts_visible_text_only():
    html = b"<html><head><title>T</title><style>x{}</style><script>evil()</script></head>" \
           b"<body><h1>Head</h1><p>First para.</p><p>Second para.</p></body></html>"
    doc = load_bytes("page.html", html)
    assert "evil" not in doc.text and "x{}" not in doc.text
    assert doc.text == "T\n\nHead\n\nFirst para.\n\nSecond para."


def test_pdf_text_is_extracted():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "The treaty was signed in Busan in 1965.")
    pdf.save()
    doc = load_bytes("treaty.pdf", buf.getvalue())
    assert "signed in Busan in 1965" in doc.text


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.exe", b"MZ", "unsupported file type"),
    ("noext", b"text", "unsupported file type"),
    ("bin.txt", b"abc\x00\x01\x02", "binary"),
    ("latin.txt", "caf\xe9".encode("latin-1"), "not valid UTF-8"),
    ("empty.md", b"   \n\n ", "no text"),
    ("broken.pdf", b"%PDF-1.4 not really", "cannot read this PDF"),
])
def test_bad_inputs_give_clear_errors(name, data, message):
    with pytest.raises(DocumentError, match=message):
        load_bytes(name, data)


def test_missing_path(tmp_path):
    with pytest.raises(DocumentError, match="No such file"):
        load_path(tmp_path / "nope.txt")


def test_slugify():
    assert slugify("South Korea & Japan!") == "south-korea-japan"
    assert slugify("***").startswith("document-") and slugify("***") != slugify("???")
    assert slugify("日本語") == "日本語" and slugify("Ελληνικά") == "ελληνικά"


def test_pdf_limits_pages_and_extraction_time():
    from tests.security.pdfs import decompression_bomb, many_pages

    with pytest.raises(DocumentError, match="12 pages; the limit is 10"):
        load_bytes("long.pdf", many_pages(12), max_pdf_pages=10)
    with pytest.raises(DocumentError, match="takes over"):
        load_bytes("slow.pdf", many_pages(3), max_seconds=1e-9)
    with pytest.raises(DocumentError, match="decompression limit"):
        load_bytes("bomb.pdf", decompression_bomb())
