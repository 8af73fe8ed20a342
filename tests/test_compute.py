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
