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
        data: dict[str, Any] = json.loads(text)
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
