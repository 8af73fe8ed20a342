"""Question sets: JSONL or CSV rows, or SQuAD v1.1/v2.0 JSON (each article becomes one document; a v2.0
question with `is_impossible` or no answers is unanswerable)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import InvalidInputError
from qa.types import Document, Turn


@dataclass(frozen=True)
class EvalItem:
    """One question; `answers == ()` means the source does not answer it."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: str | None = None
    history: tuple[Turn, ...] = ()
    doc_id: str | None = None          # SQuAD: the article the question belongs to
    span: tuple[int, int] | None = None  # SQuAD: gold answer offsets in that article's document
    kind: str = ""
    key_sentences: tuple[str, ...] = ()  # exact quotes a complete answer rests on (open questions)
    split: str = ""  # dev (tune here) or test (report only)
    parts: tuple[bool, ...] = ()  # multi-part: which parts the source answers

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass
class EvalSet:
    items: list[EvalItem]
    documents: dict[str, Document] = field(default_factory=dict)  # only for SQuAD
    name: str = ""


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        with path.open(encoding="utf-8") as fh:
            head = fh.read(2048)
        return "squad" if '"data"' in head else "jsonl"
    raise InvalidInputError(f"Cannot tell the format of '{path.name}'; use --format jsonl|csv|squad.")


def load_eval_set(path: Path, fmt: str = "auto", limit: int | None = None) -> EvalSet:
    if not path.is_file():
        raise InvalidInputError(f"No such question file: {path}")
    fmt = detect_format(path) if fmt == "auto" else fmt
    loaders = {"jsonl": _load_jsonl, "csv": _load_csv, "squad": _load_squad}
    if fmt not in loaders:
        raise InvalidInputError(f"Unknown format '{fmt}'; use jsonl, csv or squad.")
    data = loaders[fmt](path, limit)
    data.name = path.name
    return data


def _item(row: dict, line: int) -> EvalItem:
    if not str(row.get("question", "")).strip():
        raise InvalidInputError(f"Row {line}: 'question' is missing or empty.")
    answers = row.get("answers") or []
    if isinstance(answers, str):
        answers = json.loads(answers) if answers.strip().startswith("[") else [answers]
    history = row.get("history") or []
    if isinstance(history, str):
        history = json.loads(history) if history.strip() else []
    return EvalItem(id=str(row.get("id") or f"row{line}"), question=str(row["question"]),
                    answers=tuple(str(a) for a in answers), evidence=row.get("evidence") or None,
                    history=tuple(Turn(t["role"], t["content"]) for t in history), kind=str(row.get("type", "")),
                    key_sentences=tuple(row.get("key_sentences") or ()), split=str(row.get("split", "")),
                    parts=tuple(bool(x) for x in row.get("parts") or ()))


def _load_jsonl(path: Path, limit: int | None) -> EvalSet:
    items = []
    with path.open(encoding="utf-8") as fh:
        for line, text in enumerate(fh, start=1):
            if text.strip():
                try:
                    items.append(_item(json.loads(text), line))
                except json.JSONDecodeError as err:
                    raise InvalidInputError(f"{path.name} line {line}: invalid JSON ({err.msg}).") from None
            if limit and len(items) >= limit:
                break
    return EvalSet(items)


def _load_csv(path: Path, limit: int | None) -> EvalSet:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = [_item(row, i) for i, row in enumerate(rows, start=2)]
    return EvalSet(items[:limit] if limit else items)


def _load_squad(path: Path, limit: int | None) -> EvalSet:
    from qa.index.ingest import slugify

    data = json.loads(path.read_text(encoding="utf-8"))
    items: list[EvalItem] = []
    documents: dict[str, Document] = {}
    for article in data["data"]:
        doc_id = slugify(article["title"])
        offsets, parts, cursor = [], [], 0
        for para in article["paragraphs"]:
            offsets.append(cursor)
            parts.append(para["context"])
            cursor += len(para["context"]) + 2
        text = "\n\n".join(parts)
        documents[doc_id] = Document(doc_id, article["title"].replace("_", " "), text, f"squad:{doc_id}")
        for para, base in zip(article["paragraphs"], offsets, strict=True):
            for qa in para["qas"]:
                answers = [] if qa.get("is_impossible") else qa.get("answers") or []
                span = None
                if answers:
                    start = base + answers[0]["answer_start"]
                    span = (start, start + len(answers[0]["text"]))
                items.append(EvalItem(id=qa["id"], question=qa["question"],
                                      answers=tuple(a["text"] for a in answers), doc_id=doc_id,
                                      span=span, kind="squad" if answers else "squad-unanswerable"))
                if limit and len(items) >= limit:
                    return EvalSet(items, {d: documents[d] for d in {i.doc_id for i in items if i.doc_id}})
    return EvalSet(items, documents)
