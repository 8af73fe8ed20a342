"""Read a file the browser uploaded through Gradio. The path in Gradio's file data comes from the
client and can be forged, so only files inside Gradio's upload folder are read, and at most `limit`
bytes of them."""

from __future__ import annotations

from pathlib import Path

from gradio.utils import get_upload_folder

from qa.errors import InvalidInputError


def read_upload(path: str | Path, limit: int) -> tuple[str, bytes]:
    """(file name, bytes) of an uploaded file; InvalidInputError when it is not an upload or too big."""
    root = Path(get_upload_folder()).resolve()
    p = Path(path).resolve()
    if not p.is_relative_to(root) or not p.is_file():
        raise InvalidInputError("That is not a file uploaded through this page.")
    with p.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InvalidInputError(f"{p.name} is larger than the upload limit of {limit:,} bytes.")
    return p.name, data
