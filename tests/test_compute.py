"""The process-wide compute thread: results, errors, re-entrancy and short tasks run between steps."""

from __future__ import annotations

import threading

import pytest

from qa.compute import ComputeThread


@pytest.fixture
def worker() -> ComputeThread:
    return ComputeThread(name="test-compute")


def test_run_returns_the_result_computed_on_the_compute_thread(worker):
    assert worker.run(lambda: threading.current_thread().name) == "test-compute"
    assert worker.run(lambda: threading.current_thread().name) == "test-compute"  # the same long-lived thread


def test_exceptions_reach_the_caller(worker):
    def fail():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        worker.run(fail)
    assert worker.run(lambda: 2 + 2) == 4  # the thread survives


def test_nested_run_executes_inline_and_submit_from_the_thread_refuses(worker):
    assert worker.run(lambda: worker.run(lambda: "inner")) == "inner"
    with pytest.raises(RuntimeError, match="wait on itself"):
        worker.run(lambda: worker.submit(lambda: None))


def test_a_long_task_lets_queued_tasks_run_between_its_steps(worker):
    queued = threading.Event()
    order: list[str] = []

    def long_task() -> None:
        for step in range(3):
            if step == 1:
                assert queued.wait(5)
                worker.run_pending()
            order.append(f"step {step}")

    long = worker.submit(long_task)
    short = worker.submit(order.append, "short task")
    queued.set()
    long.result(timeout=10)
    assert short.done()
    assert order == ["step 0", "short task", "step 1", "step 2"]


def test_stream_yields_what_the_producer_emits_on_the_compute_thread(worker):
    def produce(emit, stop):
        for i in range(3):
            emit((i, threading.current_thread().name))

    assert list(worker.stream(produce)) == [(0, "test-compute"), (1, "test-compute"), (2, "test-compute")]


def test_closing_a_stream_stops_the_producer_and_waits_for_it(worker):
    emitted: list[int] = []
    finished = threading.Event()

    def produce(emit, stop):
        for i in range(1000):
            if stop.is_set():
                break
            emitted.append(i)
            emit(i)
            stop.wait(0.01)
        finished.set()

    stream = worker.stream(produce)
    assert next(stream) == 0
    stream.close()
    assert finished.is_set()  # close() returned only after the producer did
    assert len(emitted) < 1000
    assert worker.run(lambda: "free") == "free"


def test_a_producer_error_reaches_the_consumer(worker):
    def produce(emit, stop):
        emit("first")
        raise ValueError("model failed")

    stream = worker.stream(produce)
    assert next(stream) == "first"
    with pytest.raises(ValueError, match="model failed"):
        next(stream)
