"""Values derived from an index snapshot (a paragraph map, a sentence lookup), computed on first use,
kept while the snapshot lives and dropped with it; one cache for every kind."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from qa.index.store import IndexStore

T = TypeVar("T")
_CACHE: dict[tuple[int, Callable[..., Any]], Any] = {}
_LOCK = threading.Lock()


def derived(store: IndexStore, build: Callable[[IndexStore], T]) -> T:
    """`build(store)`, computed once per store (outside the lock; the first result stored wins)."""
    key = (id(store), build)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    built = build(store)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = built
            weakref.finalize(store, _CACHE.pop, key, None)
        return _CACHE[key]
