"""The index manifest: what an index was built from and with, so a mismatch is caught on load."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    """Written as manifest.json inside each saved index version."""

    embed_model: str
    dimension: int
    chunking: dict[str, int]
    ann: str
    documents: dict[str, str]  # doc_id -> sha256 of the source bytes
    num_chunks: int
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256, filled on save
    created_at: str = ""
    format_version: int = FORMAT_VERSION
    product_version: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse and check the shape; any damage raises ValueError (the loader names the fix)."""
        data: Any = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the manifest is not a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        manifest = cls(**{k: v for k, v in data.items() if k in known})
        for name, kind in _SHAPE.items():
            value = getattr(manifest, name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"manifest field '{name}' is {type(value).__name__}, not {kind.__name__}")
        for name in ("documents", "files", "chunking"):
            if not all(isinstance(k, str) and isinstance(v, str | int) for k, v in getattr(manifest, name).items()):
                raise ValueError(f"manifest field '{name}' holds wrong entries")
        return manifest


_SHAPE: dict[str, type] = {"embed_model": str, "dimension": int, "chunking": dict, "ann": str, "documents": dict,
                           "num_chunks": int, "files": dict, "format_version": int}
