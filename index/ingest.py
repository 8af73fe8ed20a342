"""Turn files or uploaded bytes (txt, md, html, pdf) into `Document`s with stable ids and titles."""

from __future__ import annotations

import hashlib
import io
import re
import time
import unicodedata
from pathlib import Path

from qa.config import Settings
from qa.errors import DocumentError
from qa.types import Document

MAX_PDF_PAGES: int = Settings.model_fields["max_pdf_pages"].default
MAX_EXTRACT_SECONDS: float = Settings.model_fields["max_extract_seconds"].default

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html", ".pdf": "pdf"}


def slugify(name: str) -> str:
    """A lowercase id made of letters (any script), digits and dashes; a name with none of those gets a
    short hash of itself, so different names never share an id by accident."""
    name = unicodedata.normalize("NFC", name)
    slug = re.sub(r"[\W_]+", "-", name.lower()).strip("-")
    return slug[:80] or "document-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def load_path(path: Path) -> Document:
    """Read one file from disk."""
    if not path.is_file():
        raise DocumentError(f"No such file: {path}")
    return load_bytes(path.name, path.read_bytes(), source=str(path))


def load_bytes(filename: str, data: bytes, source: str = "", max_pdf_pages: int = MAX_PDF_PAGES,
               max_seconds: float = MAX_EXTRACT_SECONDS) -> Document:
    """Parse an uploaded or read file by its extension; the id comes from the file name.

    PDFs over `max_pdf_pages` pages, or whose text takes over `max_seconds` to extract, are refused."""
    suffix = Path(filename).suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(f"{filename}: unsupported file type '{suffix or '(none)'}'; use {allowed}.")
    if kind == "pdf":
        text = _pdf_text(filename, data, max_pdf_pages, max_seconds)
    else:
        text = _decode(filename, data)
        if kind == "html":
            text = _html_text(text)
    if not text.strip():
        raise DocumentError(f"{filename}: the document contains no text.")
    return Document(
        doc_id=slugify(Path(filename).stem),
        title=_title(text, kind) or Path(filename).stem,
        text=text,
        source=source or filename,
        checksum=hashlib.sha256(data).hexdigest(),
    )


def _decode(filename: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{filename}: looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(
            f"{filename}: not valid UTF-8 text (byte {err.start}); convert it to UTF-8 first."
        ) from None


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    blocks = [b.get_text(" ", strip=True) for b in soup.find_all(
        ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "th"])]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = [line.strip() for line in soup.get_text("\n").splitlines() if line.strip()]
    return "\n\n".join(([title] if title else []) + blocks)


def _pdf_text(filename: str, data: bytes, max_pages: int, max_seconds: float) -> str:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    deadline = time.monotonic() + max_seconds
    pages = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > max_pages:
            raise DocumentError(f"{filename}: {len(reader.pages)} pages; the limit is {max_pages}.")
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if time.monotonic() > deadline:
                raise DocumentError(f"{filename}: extracting its text takes over {max_seconds:g} s; "
                                    "split the PDF or convert it to text first.")
    except DocumentError:
        raise
    except LimitReachedError:
        raise DocumentError(f"{filename}: this PDF expands past the decompression limit.") from None
    except Exception as err:  # pypdf raises many kinds on damaged files; all mean the same to a user
        raise DocumentError(f"{filename}: cannot read this PDF ({type(err).__name__}).") from None
    return "\n\n".join(p.strip() for p in pages if p.strip())


def _title(text: str, kind: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if kind == "markdown":
            line = line.lstrip("#").strip()
        if line:
            return line[:200]
    return ""
