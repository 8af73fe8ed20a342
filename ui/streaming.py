"""Server-sent events from the pipeline's synchronous event iterators, closed when the client leaves.

The iterator runs step by step on worker threads; between steps the client's connection is checked, and
whatever ends the response (disconnect, cancellation on shutdown, an error, the end) closes the iterator on
a thread, which stops generation and frees the model lock for the next request.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from itertools import chain
from typing import TypeVar

import anyio
from fastapi import Request
from fastapi.responses import StreamingResponse

E = TypeVar("E")
_END = object()


def _close(*iterators: object) -> None:
    for it in iterators:
        close = getattr(it, "close", None)
        if close is not None:
            close()


async def _shielded_close(*iterators: object) -> None:
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_close, *iterators)


async def event_stream(request: Request, events: Iterator[E],
                       render: Callable[[Iterator[E]], Iterator[str | None]]) -> StreamingResponse:
    """Take the first event before answering, so errors raised up front (bad input, a backend that is not
    configured) become ordinary JSON error responses; then stream `render(events)` as text/event-stream.
    `render` yields strings to send, or None for a step with nothing to send (a check for disconnect)."""
    try:
        first = await anyio.to_thread.run_sync(next, events, _END)
    except BaseException:
        await _shielded_close(events)
        raise
    rest = iter(()) if first is _END else chain([first], events)
    body = render(rest)
    return StreamingResponse(_drain(request, body, events), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


async def _drain(request: Request, body: Iterator[str | None], events: Iterator) -> AsyncIterator[str]:
    try:
        while True:
            item = await anyio.to_thread.run_sync(next, body, _END)
            if item is _END or await request.is_disconnected():
                return
            if item is not None:
                yield item
    finally:
        await _shielded_close(body, events)
