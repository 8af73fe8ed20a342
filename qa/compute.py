"""One long-lived thread runs every torch computation in the process: model loading, embedding, decoding.

torch's OpenMP runtime keeps one team of worker threads per calling thread. Once a second thread has
its own team, OpenMP counts more threads than CPUs and stops spin-waiting between the many small
parallel regions of token-by-token decoding; on a 2-core machine that cost a fifth to a third
of decode speed (README, "Speed").
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_Task = tuple[Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]
Producer = Callable[[Callable[[T], None], threading.Event], None]
_END = object()


class ComputeThread:
    """A daemon thread that runs submitted calls one at a time, in order. A long task (generation) may
    call `run_pending()` between steps so short ones (embedding a question) need not wait for it."""

    def __init__(self, name: str = "qa-compute") -> None:
        self._name = name
        self._tasks: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def on_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue `fn(*args, **kwargs)`; its result or exception arrives through the returned future."""
        if self.on_thread():
            raise RuntimeError("submit() from the compute thread would wait on itself; call the function directly")
        self._ensure_started()
        future: Future[T] = Future()
        self._tasks.put((future, fn, args, kwargs))
        return future

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `fn` on the compute thread and wait for its result (directly when already on it)."""
        if self.on_thread():
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result()

    def stream(self, produce: Producer[T]) -> Iterator[T]:
        """Run `produce(emit, stop)` on the compute thread and yield each item it emits, as it comes.
        Closing the iterator early sets `stop` (the producer checks it between items) and waits for
        the producer to return; an exception in the producer reaches the consumer."""
        items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        stop = threading.Event()

        def run() -> None:
            try:
                produce(items.put, stop)
            finally:
                items.put(_END)

        done = self.submit(run)
        try:
            while (item := items.get()) is not _END:
                yield item
        finally:
            stop.set()
            done.result()

    def run_pending(self) -> None:
        """Run the tasks queued so far; only for code already on the compute thread."""
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                return
            _execute(task)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            _execute(self._tasks.get())


def _execute(task: _Task) -> None:
    future, fn, args, kwargs = task
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as err:  # handed to whoever waits on the future
        future.set_exception(err)


compute = ComputeThread()
"""The process-wide instance every torch user goes through."""
