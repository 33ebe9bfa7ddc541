"""An outer call's interrupt meeting a nested frame's jobs (found by an attacker review of run_each).

A call A waiting on a host callback serves, nested on top of it, the frames the host sends meanwhile (lane.py's
_read_nested -> _serve -> service.run_frame -> executor.run_each). These tests make a cancel of A land at the
instants the executor handles specially (a nested job ending, a nested job skipped) and check that every call of
the nested frame is still answered and that A's cancel still ends A.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Callable, Iterator

import pytest

from snakebridge_worker.proto import worker_pb2
from snakebridge_worker.rpc.lane import Answers, LaneChannel, LaneProtocol
from snakebridge_worker.rpc.service import WorkerService
from snakebridge_worker.runtime.executor import Job, MainThreadExecutor
from snakebridge_worker.runtime.handles import HandleTable

_MODULE = "sb_review_attack_targets"


@pytest.fixture
def targets() -> Iterator[types.ModuleType]:
    module = types.ModuleType(_MODULE)
    sys.modules[_MODULE] = module
    try:
        yield module
    finally:
        del sys.modules[_MODULE]


def _request(call_id: str, name: str) -> worker_pb2.CallRequest:
    return worker_pb2.CallRequest(call_id=call_id, target=f"{_MODULE}.{name}",
                                  kind=worker_pb2.CallKind.CALL_KIND_FUNCTION)


def _cancel_from_another_thread(executor: MainThreadExecutor, call_id: str) -> None:
    """As a gRPC Cancel does: executor.cancel on a pool thread; its SIGINT is pending when this returns."""
    canceller = threading.Thread(target=executor.cancel, args=(call_id,))
    canceller.start()
    canceller.join()


class _Channel:
    """A lane's byte stream that keeps each frame written (without its length prefix)."""

    read_fd = write_fd = -1

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def recv_into(self, view: memoryview) -> int:
        raise BlockingIOError  # nothing comes from the host here

    def send(self, data: memoryview) -> int:
        self.frames.append(bytes(data[4:]))
        return len(data)

    def close(self) -> None:
        pass


def _lane(service: WorkerService, channel: LaneChannel, main: MainThreadExecutor | None = None) -> LaneProtocol:
    """The lane a nested frame is served on, writing to ``channel`` (``main``: the executor it holds interrupts by)."""
    protocol = LaneProtocol(b"", service.run_frame, service.cancel_call, main)
    protocol._transport = object()  # type: ignore[assignment]
    protocol._channel = channel
    protocol._owns_channel = False
    return protocol


def _run_outer(service: WorkerService) -> tuple[dict[str, str], float]:
    """Runs the outer call A (``sb_review_attack_targets.outer``) as a frame of its own: its answer, and seconds."""
    sent: list[bytes] = []
    answers = Answers(sent.append)
    started = time.monotonic()
    service.run_frame([_request("A", "outer")], answers)
    answers.send()
    return _answered(sent), time.monotonic() - started


def _answered(sent: list[bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    for data in sent:
        for response in worker_pb2.LaneFrame.FromString(data).responses:
            out[response.call_id] = response.WhichOneof("outcome") or "empty"
    return out


@pytest.mark.parametrize("frame", [["inner1", "inner2"], ["inner1"]])
def test_an_outer_cancel_landing_as_a_nested_call_ends_answers_the_frame_and_ends_the_outer_call(
    executor: MainThreadExecutor, targets: types.ModuleType, monkeypatch: pytest.MonkeyPatch, frame: list[str]
) -> None:
    # Outer call A waits on a host callback; the host sends a nested frame [inner1, inner2] meanwhile. A's cancel
    # arrives while inner1 is ending (its body returned): _on_sigint defers it, _leave re-sends it, and it is raised
    # inside run_each, between the two jobs. It used to escape before done(inner1) and before inner2, so the nested
    # frame got no answer at all; now inner1 keeps its result, inner2 is answered with the interruption, and the
    # interruption goes on up to A.
    service = WorkerService(executor, HandleTable())
    nested = _Channel()
    lane = _lane(service, nested)
    real_leave = executor._leave

    def leave(job: Job, previous: Job | None) -> None:
        if job.call_id == "inner1":
            _cancel_from_another_thread(executor, "A")  # handled at the next call: _leave's entry (deferred)
        real_leave(job, previous)

    monkeypatch.setattr(executor, "_leave", leave)
    targets.__dict__["inner"] = lambda: 1

    def outer() -> str:
        lane._serve([_request(call_id, "inner") for call_id in frame])  # a frame read while A waits
        time.sleep(2)
        return "not cancelled"

    targets.__dict__["outer"] = outer
    answered, _ = _run_outer(service)

    assert answered == {"A": "error"}  # A was cancelled, as it should be
    # Every call the host sent must get an answer, or the host waits for it. The call that had returned keeps its
    # result; one after it never runs, and is answered with the interruption.
    expected = {"inner1": "result", "inner2": "error"} if len(frame) == 2 else {"inner1": "result"}
    assert _answered(nested.frames) == expected


class _HookedStack(list):  # type: ignore[type-arg]
    """The executor's job stack, calling ``on_push(job)`` right after a job is pushed."""

    on_push = staticmethod(lambda job: None)

    def append(self, job: Job) -> None:
        super().append(job)
        type(self).on_push(job)


def _noop() -> None:
    """A Python call: the interpreter runs pending signal handlers at its entry."""


def test_an_outer_cancel_held_back_while_a_cancelled_nested_job_is_skipped_is_sent_again(
    executor: MainThreadExecutor, targets: types.ModuleType
) -> None:
    # The nested frame's one call was cancelled before it started (its cancel overtook it). run_each pushes it,
    # sees the cancel and pops it. A cancel of the outer call A that lands while it is pushed is held back by
    # _on_sigint (the innermost job is not in its body). The skip path used to drop it, so A ran to its end (and the
    # host's grace timer killed the worker); it now sends it again, as _leave does.
    service = WorkerService(executor, HandleTable())
    stack = _HookedStack()
    executor._stack = stack
    deferred_seen: list[bool] = []

    def on_push(job: Job) -> None:
        if job.call_id == "inner":
            _cancel_from_another_thread(executor, "A")
            _noop()  # the pending SIGINT is handled here, with "inner" on the stack and not in its body
            deferred_seen.append(executor._deferred)

    _HookedStack.on_push = staticmethod(on_push)
    targets.__dict__["inner"] = lambda: 1
    assert executor.cancel("inner") is False  # overtook its call: applied when the frame arrives

    nested = _Channel()
    lane = _lane(service, nested)

    def outer() -> str:
        lane._serve([_request("inner", "inner")])
        time.sleep(1.5)  # A's cancel must interrupt this
        return "not cancelled"

    targets.__dict__["outer"] = outer
    answered, elapsed = _run_outer(service)

    assert deferred_seen == [True]  # the race happened as described
    assert answered == {"A": "error"}, "A's cancel was lost: A ran to its end"
    assert elapsed < 1.0
    assert _answered(nested.frames) == {"inner": "error"}  # cancelled before it started, and answered so


class _TrickleChannel:
    """A lane's byte stream that takes 3 bytes per write, and calls ``on_write()`` before the first."""

    read_fd = write_fd = -1

    def __init__(self, on_write: Callable[[], None]) -> None:
        self.bytes = bytearray()
        self._on_write: Callable[[], None] | None = on_write

    def recv_into(self, view: memoryview) -> int:
        raise BlockingIOError  # nothing comes from the host here

    def send(self, data: memoryview) -> int:
        if self._on_write is not None:
            on_write, self._on_write = self._on_write, None
            on_write()
        self.bytes += data[:3]
        _noop()  # a pending interrupt is handled here, halfway through the frame
        return min(3, len(data))

    def close(self) -> None:
        pass

    def frames(self) -> list[worker_pb2.LaneFrame]:
        out, at = [], 0
        while at < len(self.bytes):
            size = int.from_bytes(self.bytes[at : at + 4], "little")
            out.append(worker_pb2.LaneFrame.FromString(bytes(self.bytes[at + 4 : at + 4 + size])))
            at += 4 + size
        assert at == len(self.bytes), "a frame was left half written"
        return out


def test_an_outer_cancel_landing_while_a_nested_frame_is_written_waits_for_the_whole_frame(
    executor: MainThreadExecutor, targets: types.ModuleType
) -> None:
    # Half a frame on the lane and the host can read nothing after it: the write holds interrupts back.
    service = WorkerService(executor, HandleTable())
    channel = _TrickleChannel(lambda: _cancel_from_another_thread(executor, "A"))
    protocol = _lane(service, channel, executor)
    targets.__dict__["inner"] = lambda: "x" * 200

    def outer() -> str:
        protocol._serve([_request("inner", "inner")])
        time.sleep(1.5)  # A's cancel must interrupt this, once the frame is out
        return "not cancelled"

    targets.__dict__["outer"] = outer
    answered, elapsed = _run_outer(service)
    assert elapsed < 1.0
    assert [[r.call_id for r in frame.responses] for frame in channel.frames()] == [["inner"]]
    assert answered == {"A": "error"}
