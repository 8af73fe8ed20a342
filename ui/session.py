"""Server-side state of one browser tab (its conversations, the answer being streamed, questions
waiting their turn, the Stop flag) and the documents added for one conversation only."""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from qa.index.store import IndexStore
from qa.ui import conversations as conv

from qa.pipeline import Pipeline
from qa.types import Document, Hit

MAX_SESSIONS = 1000
MAX_PENDING = 5
MAX_PRIVATE_DOCS = 5


@dataclass
class Live:
    """One tab: `saved` mirrors its browser storage; `lock` is held while answers stream."""

    saved: conv.Saved = field(default_factory=conv.empty_saved)
    pending: deque[tuple[str, str]] = field(default_factory=deque)  # (conversation id, question)
    inflight: tuple[str, str] | None = None
    draft: str = ""
    hits: tuple[Hit, ...] = ()
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    indexing: threading.Lock = field(default_factory=threading.Lock)  # held while an upload is indexed
    loaded: bool = False

    def snapshot(self) -> conv.Saved:
        """A copy for the browser (never the live object, which a running answer may change)."""
        return copy.deepcopy(self.saved)


class Sessions:
    """Live state per Gradio session id, least recently used dropped beyond `MAX_SESSIONS`."""

    def __init__(self) -> None:
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: str, saved: Any = None) -> Live:
        with self._lock:
            live = self._live.get(session)
            if live is None:
                live = self._live[session] = Live(saved=conv.validate(saved))
                while len(self._live) > MAX_SESSIONS:
                    self._live.popitem(last=False)
            self._live.move_to_end(session)
            return live


@dataclass
class Private:
    docs: dict[str, Document] = field(default_factory=dict)
    added: dict[str, float] = field(default_factory=dict)
    store: IndexStore | None = None
    base: IndexStore | None = None  # the shared snapshot `store` was built on


class PrivateDocs:
    """Documents added for one conversation only: searched together with the shared index, never
    written to it. Keyed by the conversation's random id; kept in memory (lost on restart)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._by_conv: OrderedDict[str, Private] = OrderedDict()
        self._lock = threading.Lock()

    def _get(self, conv_id: str) -> Private:
        entry = self._by_conv.setdefault(conv_id, Private())
        self._by_conv.move_to_end(conv_id)
        while len(self._by_conv) > MAX_SESSIONS:
            self._by_conv.popitem(last=False)
        return entry

    def documents(self, conv_id: str) -> list[Document]:
        with self._lock:
            return list(self._get(conv_id).docs.values())

    def added(self, conv_id: str, doc_id: str) -> float | None:
        with self._lock:
            return self._get(conv_id).added.get(doc_id)

    def add(self, conv_id: str, docs: list[Document]) -> None:
        with self._lock:
            entry = self._get(conv_id)
            entry.docs.update({d.doc_id: d for d in docs})
            entry.added.update({d.doc_id: time.time() for d in docs})
            del_over = list(entry.docs)[:-MAX_PRIVATE_DOCS]
            for doc_id in del_over:
                entry.docs.pop(doc_id)
            entry.store = None
            self._store_locked(entry)  # index now, so the document is searchable when this returns

    def remove(self, conv_id: str, doc_id: str) -> bool:
        with self._lock:
            entry = self._get(conv_id)
            found = entry.docs.pop(doc_id, None) is not None
            entry.store = None
            return found

    def store(self, conv_id: str) -> IndexStore | None:
        """The shared index plus this conversation's documents (None when it has none)."""
        with self._lock:
            return self._store_locked(self._get(conv_id))

    def _store_locked(self, entry: Private) -> IndexStore | None:
        if not entry.docs:
            return None
        shared = self.pipeline.store
        if entry.store is None or entry.base is not shared:
            entry.store = shared.add(list(entry.docs.values()), self.pipeline.embedder)
            entry.base = shared
        return entry.store
