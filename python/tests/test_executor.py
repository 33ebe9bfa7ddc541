"""The main-thread executor: a job's life from tracking to its end, inline and queued, and its interruptions."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import pytest

from snakebridge_worker.call_control import current_control
from snakebridge_worker.runtime.errors import CallCancelled, CallTimedOut
from snakebridge_worker.runtime.executor import MainThreadExecutor


@pytest.fixture
def executor() -> Iterator[MainThreadExecutor]:
    executor = MainThreadExecutor()
    previous = signal.signal(signal.SIGINT, executor._on_sigint)  # as run_forever installs it
    try:
        yield executor
    finally:
        signal.signal(signal.SIGINT, previous)
        executor.loop.close()


def _idle(executor: MainThreadExecutor) -> None:
    assert executor.jobs_running == 0
    assert not executor.busy
    assert executor._pending == {}
    assert current_control().call_id == ""


def test_an_inline_job_returns_its_value_under_its_own_control(executor: MainThreadExecutor) -> None:
    assert executor.run_inline("c1", lambda: (current_control().call_id, executor.jobs_running)) == ("c1", 1)
    _idle(executor)
    assert executor.calls_total == 1


def test_an_inline_job_raises_what_it_raised_and_ends(executor: MainThreadExecutor) -> None:
    def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        executor.run_inline("c1", fail)
    _idle(executor)


def test_a_cancel_that_overtook_its_call_fails_the_call_before_it_starts(executor: MainThreadExecutor) -> None:
    ran: list[str] = []
    assert executor.cancel("c1", reason=CallTimedOut) is False  # not there yet: remembered
    with pytest.raises(CallTimedOut, match="call c1 was cancelled before it started"):
        executor.run_inline("c1", lambda: ran.append("c1"))
    assert ran == []
    _idle(executor)
    assert executor._early == {}
    assert executor.run_inline("c1", lambda: "again") == "again"  # the remembered cancel was used up


def test_a_cancel_interrupts_a_running_inline_job_with_its_reason(executor: MainThreadExecutor) -> None:
    def cancel_soon() -> None:
        time.sleep(0.05)
        executor.cancel("c1")

    threading.Thread(target=cancel_soon).start()
    started = time.monotonic()
    with pytest.raises(CallCancelled, match="cancelled by the host") as raised:
        executor.run_inline("c1", lambda: time.sleep(5))
    assert time.monotonic() - started < 2
    assert raised.value.__context__ is None  # the KeyboardInterrupt it replaced is not chained in
    _idle(executor)


def test_a_stray_interrupt_is_not_turned_into_a_cancel(executor: MainThreadExecutor) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        executor.run_inline("c1", interrupted)
    _idle(executor)


def test_a_nested_job_runs_on_top_and_hands_the_control_back(executor: MainThreadExecutor) -> None:
    def outer() -> tuple[str, str, int]:
        inner = executor.run_inline("inner", lambda: (current_control().call_id, executor.jobs_running))
        return inner[0], current_control().call_id, inner[1]

    assert executor.run_inline("outer", outer) == ("inner", "outer", 2)
    _idle(executor)


def test_a_queued_job_settles_its_future_with_the_value_or_the_error(executor: MainThreadExecutor) -> None:
    done = executor.submit("q1", lambda: 42)
    failed = executor.submit("q2", lambda: 1 / 0)
    cancelled = executor.submit("q3", lambda: "never")
    assert executor.cancel("q3") is True  # queued: skipped when its turn comes
    executor.loop.call_soon(executor.loop.stop)
    executor.loop.run_forever()
    assert done.future.result(timeout=1) == 42
    with pytest.raises(ZeroDivisionError):
        failed.future.result(timeout=1)
    with pytest.raises(CallCancelled, match="call q3 was cancelled before it started"):
        cancelled.future.result(timeout=1)
    _idle(executor)


def _cancel_as_it_leaves(executor: MainThreadExecutor, monkeypatch: pytest.MonkeyPatch, call_id: str) -> None:
    """Makes a cancel of ``call_id`` land as the next job to end calls _leave: its function has already returned."""
    real_leave = executor._leave
    fired: list[bool] = []

    def leave(job: object, previous: object) -> None:
        if not fired:
            fired.append(True)
            canceller = threading.Thread(target=executor.cancel, args=(call_id,))
            canceller.start()
            canceller.join()  # the SIGINT is pending now: handled at the next call, _leave's own entry
        real_leave(job, previous)  # type: ignore[arg-type]

    monkeypatch.setattr(executor, "_leave", leave)


def test_a_cancel_that_lands_as_a_job_ends_leaves_no_job_behind(
    executor: MainThreadExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler used to raise at _leave's entry: the job stayed on the stack, busy for good, and every later
    # stray interrupt was raised into whatever ran next.
    _cancel_as_it_leaves(executor, monkeypatch, "c1")
    assert executor.run_inline("c1", lambda: "done") == "done"  # it had finished: the late cancel is moot
    monkeypatch.undo()
    _idle(executor)
    assert executor.calls_total == 1

    def stray_interrupt() -> str:
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        time.sleep(0.01)
        return "untouched"

    assert executor.run_inline("c2", stray_interrupt) == "untouched"
    _idle(executor)


def test_a_queued_job_cancelled_as_it_ends_still_answers_its_caller(
    executor: MainThreadExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cancel_as_it_leaves(executor, monkeypatch, "q1")
    queued = executor.submit("q1", lambda: 7)
    executor.loop.call_soon(executor.loop.stop)
    executor.loop.run_forever()
    assert queued.future.result(timeout=1) == 7
    _idle(executor)


def test_an_outer_cancel_held_back_while_a_nested_job_ends_still_reaches_the_outer(
    executor: MainThreadExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outer() -> str:
        _cancel_as_it_leaves(executor, monkeypatch, "outer")
        executor.run_inline("inner", lambda: "inner done")
        time.sleep(5)  # not reached: the cancel is sent again once the nested job has ended
        return "outer done"

    started = time.monotonic()
    with pytest.raises(CallCancelled):
        executor.run_inline("outer", outer)
    assert time.monotonic() - started < 2
    monkeypatch.undo()
    _idle(executor)


def test_a_job_that_ends_leaves_a_newer_job_with_its_id_cancellable(executor: MainThreadExecutor) -> None:
    # The host gave up on a queued call and reused its id for a new one: the old job's end must not untrack the new.
    cancelled: list[bool] = []

    def sleep_until_cancelled() -> str:
        def cancel_soon() -> None:
            time.sleep(0.05)
            cancelled.append(executor.cancel("same"))

        threading.Thread(target=cancel_soon).start()
        time.sleep(5)
        return "slept"

    stale = executor.submit("same", lambda: "stale")
    newer = executor.submit("same", sleep_until_cancelled)  # tracked under "same" now, in place of the stale one
    executor.loop.call_soon(executor.loop.stop)
    started = time.monotonic()
    executor.loop.run_forever()
    assert stale.future.result(timeout=1) == "stale"
    with pytest.raises(CallCancelled):
        newer.future.result(timeout=1)
    assert cancelled == [True]
    assert time.monotonic() - started < 2
    _idle(executor)
