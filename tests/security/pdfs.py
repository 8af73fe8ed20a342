"""Hostile PDFs built in memory: many pages, and a content stream that inflates past pypdf's limit."""

from __future__ import annotations

import io
import zlib


def many_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def decompression_bomb(inflated: int = 100_000_000) -> bytes:
    """A PDF whose page tree sits in an object stream that inflates past pypdf's 75 MB zlib limit
    (~100 KB on the wire)."""
    payload = zlib.compress(b"2 0 << /Type /Pages /Kids [] /Count 0 >>" + b" " * inflated, 9)
    out = bytearray(b"%PDF-1.5\n")
    offsets = {1: len(out)}
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets[3] = len(out)
    out += (b"3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(payload) + payload + b"\nendstream\nendobj\n")
    offsets[4] = len(out)
    rows = [(0, 0, 65535), (1, offsets[1], 0), (2, 3, 0), (1, offsets[3], 0), (1, offsets[4], 0)]
    table = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for t, a, b in rows)
    out += (b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
            + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[4]
    return bytes(out)
