"""Conversations as plain JSON (kept in the browser's localStorage through `gr.BrowserState`): each
turn is a question and its answer in the API's JSON shape. What comes back from the browser is
untrusted, so it is validated and bounded here before use; exports to Markdown and JSON."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from qa.serialize import answer_json
from qa.types import Answer, Citation, Part, ShortAnswer, Statement, Turn

MAX_CONVERSATIONS = 30
MAX_TURNS = 50
MAX_TEXT = 20_000
MAX_ITEMS = 50  # statements or citations in one answer
MAX_SAVED_CHARS = 2_000_000  # all conversations together; the oldest go first
# {"current": id, "conversations": [{"id", "title", "updated", "turns": [...]}]}. Changes replace lists
# instead of editing them in place, so a render in another thread never sees a half-changed list.
Saved = dict[str, Any]


def new_conversation() -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "title": "New chat", "updated": time.time(), "turns": []}


def empty_saved() -> Saved:
    conv = new_conversation()
    return {"current": conv["id"], "conversations": [conv]}


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def answer_from_json(data: Any) -> Answer | None:
    """Rebuild an `Answer` from its JSON shape (as saved); None when it is not one."""
    if not isinstance(data, dict):
        return None
    try:
        citations = tuple(Citation(_int(c["n"]), _text(c["doc_id"], 500), _text(c.get("chunk_id"), 500),
                                   _int(c["start"]), _int(c["end"]), _text(c["quote"]))
                          for c in (data.get("citations") or ())[:MAX_ITEMS])
        statements = tuple(Statement(_text(s["text"]), tuple(_int(n) for n in s.get("citations") or ()),
                                     s.get("kind") if s.get("kind") in ("lead", "claim", "quote") else "claim")
                           for s in (data.get("statements") or ())[:MAX_ITEMS])
        sa = data.get("short_answer")
        short = (ShortAnswer(_text(sa["text"]), _text(sa["doc_id"], 500), _int(sa["start"]), _int(sa["end"]),
                             _int(sa["citation"])) if isinstance(sa, dict) else None)
        parts = tuple(Part(_text(p["question"]), bool(p["answered"])) for p in (data.get("parts") or ())[:MAX_ITEMS])
    except (KeyError, TypeError, AttributeError):
        return None
    return Answer(answer=_text(data.get("answer")), citations=citations, grounded=bool(data.get("grounded")),
                  refused=bool(data.get("refused")), generator=_text(data.get("generator"), 100),
                  model=_text(data.get("model"), 300), statements=statements, short_answer=short, parts=parts,
                  fallback=bool(data.get("fallback")))


def turn(question: str, answer: Answer | None, note: str = "") -> dict[str, Any]:
    """A finished turn; `note` says why there is no answer (stopped, error)."""
    return {"question": question, "answer": answer_json(answer) if answer else None, "note": note}


def _clean_turn(t: Any) -> dict[str, Any] | None:
    if not isinstance(t, dict) or not _text(t.get("question")):
        return None
    answer = answer_from_json(t.get("answer"))
    return {"question": _text(t["question"]), "answer": answer_json(answer) if answer else None,
            "note": _text(t.get("note"), 500)}


def validate(saved: Any) -> Saved:
    """A well-formed, bounded copy of what the browser sent (an empty chat if it is not usable)."""
    if not isinstance(saved, dict) or not isinstance(saved.get("conversations"), list):
        return empty_saved()
    convs = []
    for c in saved["conversations"][:MAX_CONVERSATIONS]:
        if (not isinstance(c, dict) or not isinstance(c.get("id"), str) or not c["id"].isalnum()
                or any(c["id"][:64] == k["id"] for k in convs)):
            continue
        raw = c.get("turns") if isinstance(c.get("turns"), list) else []
        turns = [t for t in (_clean_turn(x) for x in raw[-MAX_TURNS:]) if t]
        updated = c.get("updated")
        convs.append({"id": c["id"][:64], "title": _text(c.get("title"), 80) or "New chat", "turns": turns,
                      "updated": updated if isinstance(updated, int | float) else 0.0})
    sizes = {c["id"]: len(json.dumps(c)) for c in convs}
    while len(convs) > 1 and sum(sizes[c["id"]] for c in convs) > MAX_SAVED_CHARS:
        convs.remove(min(convs, key=lambda c: c["updated"]))
    if not convs:
        return empty_saved()
    current = saved.get("current")
    return {"current": current if any(c["id"] == current for c in convs) else convs[0]["id"],
            "conversations": convs}


def current(saved: Saved) -> dict[str, Any]:
    return next(c for c in saved["conversations"] if c["id"] == saved["current"])


def add_turn_to(saved: Saved, conv_id: str, entry: dict[str, Any]) -> None:
    """Append a finished turn to the conversation `conv_id` (gone if it was deleted meanwhile)."""
    conv = next((c for c in saved["conversations"] if c["id"] == conv_id), None)
    if conv is None:
        return
    if not conv["turns"]:
        conv["title"] = entry["question"][:60]
    conv["turns"] = [*conv["turns"], entry][-MAX_TURNS:]
    conv["updated"] = time.time()
    saved["conversations"] = sorted(saved["conversations"], key=lambda c: -c["updated"])


def start_new(saved: Saved) -> None:
    """Open a new chat (reusing the current one when it is still empty)."""
    if current(saved)["turns"]:
        conv = new_conversation()
        saved["conversations"] = [conv, *saved["conversations"]][:MAX_CONVERSATIONS]
        saved["current"] = conv["id"]


def delete_current(saved: Saved) -> None:
    saved["conversations"] = [c for c in saved["conversations"] if c["id"] != saved["current"]]
    if not saved["conversations"]:
        saved["conversations"] = [new_conversation()]
    saved["current"] = saved["conversations"][0]["id"]


def history(conv: dict[str, Any]) -> list[Turn]:
    """Earlier questions and answers (plain text) for a follow-up question."""
    turns: list[Turn] = []
    for t in conv["turns"]:
        answer = answer_from_json(t["answer"])
        if answer is not None:
            turns += [Turn("user", t["question"]), Turn("assistant", answer.answer)]
    return turns


def message_text(content: Any) -> str:
    """The text of a chat message's content: a string, or (Gradio 6, OpenAI) a list of parts
    such as {"type": "text", "text": ...}; other parts (files, images) carry no text."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if isinstance(content, list):
        return " ".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def turns_from_messages(messages: Any) -> list[Turn]:
    """History from a list of {"role", "content"} messages, whatever the content's shape."""
    turns = []
    for m in messages if isinstance(messages, list) else []:
        if isinstance(m, dict) and m.get("role") in ("user", "assistant"):
            text = message_text(m.get("content"))[:MAX_TEXT]
            if text.strip():
                turns.append(Turn(m["role"], text))
    return turns


def choices(saved: Saved) -> list[tuple[str, str]]:
    return [(c["title"], c["id"]) for c in saved["conversations"]]


def export_markdown(conv: dict[str, Any], titles: dict[str, str]) -> str:
    from qa.ui.render import plain_text

    lines = [f"# {conv['title']}", ""]
    for t in conv["turns"]:
        lines += [f"**Q:** {t['question']}", ""]
        answer = answer_from_json(t["answer"])
        lines += [plain_text(answer, titles) if answer else f"_{t['note']}_", ""]
    return "\n".join(lines)


def export_json(conv: dict[str, Any]) -> str:
    return json.dumps(conv, ensure_ascii=False, indent=2)
