"""The main-thread executor: a job's life from tracking to its end, inline and queued, and its interruptions."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from snakebridge_worker.call_control import current_control
from snakebridge_worker.runtime.errors import CallCancelled, CallTimedOut
from snakebridge_worker.runtime.executor import MainThreadExecutor

T = TypeVar("T")


class _Outcomes:
    """What run_each told its ``done`` callback: (index, error or None) for each job, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, BaseException | None]] = []

    def __call__(self, i: int, error: BaseException | None) -> None:
        self.seen.append((i, error))

    def errors(self) -> list[tuple[int, type[BaseException]]]:
        return [(i, type(error)) for i, error in self.seen if error is not None]


def _run(executor: MainThreadExecutor, call_id: str, fn: Callable[[], T]) -> T:
    """Runs ``fn`` as the job of ``call_id`` through run_each; raises what interrupted it."""
    results: list[T] = []
    outcomes = _Outcomes()
    executor.run_each([call_id], lambda _: results.append(fn()), outcomes)
    assert len(outcomes.seen) == 1
    error = outcomes.seen[0][1]
    if error is not None:
        raise error
    return results[0]


def _idle(executor: MainThreadExecutor) -> None:
    assert executor.jobs_running == 0
    assert not executor.busy
    assert executor._pending == {}
    assert current_control().call_id == ""


def test_an_inline_job_returns_its_value_under_its_own_control(executor: MainThreadExecutor) -> None:
    assert _run(executor, "c1", lambda: (current_control().call_id, executor.jobs_running)) == ("c1", 1)
    _idle(executor)
    assert executor.calls_total == 1


def test_an_inline_job_raises_what_it_raised_and_ends(executor: MainThreadExecutor) -> None:
    def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        _run(executor, "c1", fail)
    _idle(executor)


def test_a_cancel_that_overtook_its_call_fails_the_call_before_it_starts(executor: MainThreadExecutor) -> None:
    ran: list[str] = []
    assert executor.cancel("c1", reason=CallTimedOut) is False  # not there yet: remembered
    with pytest.raises(CallTimedOut, match="call c1 was cancelled before it started"):
        _run(executor, "c1", lambda: ran.append("c1"))
    assert ran == []
    _idle(executor)
    assert executor._early == {}
    assert _run(executor, "c1", lambda: "again") == "again"  # the remembered cancel was used up


def test_a_cancel_interrupts_a_running_inline_job_with_its_reason(executor: MainThreadExecutor) -> None:
    def cancel_soon() -> None:
        time.sleep(0.05)
        executor.cancel("c1")

    threading.Thread(target=cancel_soon).start()
    started = time.monotonic()
    with pytest.raises(CallCancelled, match="cancelled by the host") as raised:
        _run(executor, "c1", lambda: time.sleep(5))
    assert time.monotonic() - started < 2
    assert raised.value.__context__ is None  # the KeyboardInterrupt it replaced is not chained in
    _idle(executor)


def test_a_stray_interrupt_is_not_turned_into_a_cancel(executor: MainThreadExecutor) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(executor, "c1", interrupted)
    _idle(executor)


def test_a_nested_job_runs_on_top_and_hands_the_control_back(executor: MainThreadExecutor) -> None:
    def outer() -> tuple[str, str, int]:
        inner = _run(executor, "inner", lambda: (current_control().call_id, executor.jobs_running))
        return inner[0], current_control().call_id, inner[1]

    assert _run(executor, "outer", outer) == ("inner", "outer", 2)
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
    assert _run(executor, "c1", lambda: "done") == "done"  # it had finished: the late cancel is moot
    monkeypatch.undo()
    _idle(executor)
    assert executor.calls_total == 1

    def stray_interrupt() -> str:
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        time.sleep(0.01)
        return "untouched"

    assert _run(executor, "c2", stray_interrupt) == "untouched"
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
        _run(executor, "inner", lambda: "inner done")
        time.sleep(5)  # not reached: the cancel is sent again once the nested job has ended
        return "outer done"

    started = time.monotonic()
    with pytest.raises(CallCancelled):
        _run(executor, "outer", outer)
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


def test_a_frame_of_jobs_runs_in_order_each_under_its_own_control(executor: MainThreadExecutor) -> None:
    seen: list[tuple[int, str, int]] = []
    outcomes = _Outcomes()
    executor.run_each(["a", "b", "c"], lambda i: seen.append((i, current_control().call_id, executor.jobs_running)),
                      outcomes)
    assert seen == [(0, "a", 1), (1, "b", 1), (2, "c", 1)]
    assert outcomes.seen == [(0, None), (1, None), (2, None)]
    _idle(executor)
    assert executor.calls_total == 3


def test_a_later_job_of_a_frame_cancelled_meanwhile_never_starts_and_the_rest_run(
    executor: MainThreadExecutor,
) -> None:
    ran: list[int] = []

    def job(i: int) -> None:
        ran.append(i)
        if i == 0:  # every job of the frame is cancellable from the start: "b" is pending, not yet running
            assert executor.cancel("b") is True

    outcomes = _Outcomes()
    executor.run_each(["a", "b", "c"], job, outcomes)
    assert ran == [0, 2]
    assert outcomes.errors() == [(1, CallCancelled)]
    assert "call b was cancelled before it started" in str(outcomes.seen[1][1])
    _idle(executor)


def test_an_interrupted_job_of_a_frame_answers_and_the_next_one_runs(executor: MainThreadExecutor) -> None:
    def cancel_soon() -> None:
        time.sleep(0.05)
        executor.cancel("slow")

    ran: list[int] = []

    def job(i: int) -> None:
        if i == 0:
            threading.Thread(target=cancel_soon).start()
            time.sleep(5)
        ran.append(i)

    outcomes = _Outcomes()
    started = time.monotonic()
    executor.run_each(["slow", "next"], job, outcomes)
    assert time.monotonic() - started < 2
    assert ran == [1]
    assert outcomes.errors() == [(0, CallCancelled)]
    assert outcomes.seen[1] == (1, None)
    _idle(executor)
    assert executor.calls_total == 2


def test_a_frame_left_early_untracks_the_jobs_it_did_not_start(executor: MainThreadExecutor) -> None:
    def give_up(i: int, error: BaseException | None) -> None:
        raise RuntimeError("the lane went away")

    with pytest.raises(RuntimeError, match="the lane went away"):
        executor.run_each(["a", "b", "c"], lambda i: None, give_up)
    _idle(executor)
    assert executor.cancel("b") is False  # not tracked any more: remembered as an early cancel instead


def test_cancels_racing_a_frame_are_never_lost_and_never_hit_another_job(executor: MainThreadExecutor) -> None:
    # Jobs start without the cancel lock (run_each): a cancel that has returned before a job's body begins must end
    # that job, and no interrupt may land in a job nobody cancelled.
    count = 3000
    ids = [f"r{i}" for i in range(count)]
    started_at: dict[int, int] = {}
    cancelled_at: dict[int, int] = {}
    outcomes = _Outcomes()

    def job(i: int) -> None:
        started_at[i] = time.perf_counter_ns()
        deadline = started_at[i] + 20_000
        while time.perf_counter_ns() < deadline:  # 20 µs of work: cancels land before, during and after it
            pass

    def canceller() -> None:
        for i in range(0, count, 3):
            while i - 5 > len(started_at):  # stay a few jobs ahead of the frame, not far ahead
                time.sleep(0)
            executor.cancel(ids[i])
            cancelled_at[i] = time.perf_counter_ns()

    thread = threading.Thread(target=canceller)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # hand the GIL over every 10 µs, so the canceller runs at every step of a job
    try:
        thread.start()
        executor.run_each(ids, job, outcomes)
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    errors = {i: error for i, error in outcomes.seen if error is not None}
    assert [i for i, _ in outcomes.seen] == list(range(count))
    assert all(isinstance(error, CallCancelled) for error in errors.values())
    assert set(errors) <= set(cancelled_at)  # no interrupt hit a job nobody cancelled
    lost = [i for i, at in cancelled_at.items() if i not in errors and (i not in started_at or at < started_at[i])]
    assert lost == []  # a cancel that returned before the body began ended the job
    assert len(errors) >= 10  # the race was run: cancels landed in time (about 80-300 of 1,000; fewer under load)
    _idle(executor)
    assert not executor._deferred
    executor.run_each(["after"], lambda i: None, outcomes)  # nothing held back reaches the next frame
    assert outcomes.seen[-1] == (0, None)
