"""Runs user code on the main thread, one job at a time, interruptibly.

The main thread runs an asyncio loop. gRPC handlers on pool threads hand it
jobs (``submit``); the fast-path pipeline server, which already runs on that
loop, executes calls inline (``run_each``) without any thread hop. Only the
main thread receives signals, and a signal is what interrupts a blocking call
such as ``time.sleep(60)`` when the host cancels it.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from ..call_control import CallControl, bind_control
from .errors import CallCancelled, CallTimedOut

_EARLY_CANCELS = 1024
_INTERRUPTIONS = (CallCancelled, CallTimedOut)
T = TypeVar("T")


class Job(CallControl):
    """One unit of work for the main thread: the control of its call (what current_control() gives it) and more.

    One object, with slots, not a control and a dataclass around it: one is made for every call, and the smallest
    calls take a few microseconds.
    """

    __slots__ = ("in_body", "interrupt_reason")

    def __init__(self, call_id: str) -> None:
        CallControl.__init__(self, call_id)  # not super(): its lookup costs, once per call
        # Set before interrupting, so the signal handler knows what to raise.
        self.interrupt_reason: type[BaseException] | None = None
        # True while its function runs: the only time the signal handler may raise into it (see _on_sigint).
        self.in_body = False


class QueuedJob(Job, Generic[T]):
    """A job handed over from another thread, which waits on its future."""

    __slots__ = ("fn", "future")

    def __init__(self, call_id: str, fn: Callable[[], T]) -> None:
        super().__init__(call_id)
        self.fn = fn
        self.future: Future[T] = Future()


def _interruption(reason: type[BaseException]) -> BaseException:
    return reason("the call was cancelled by the host" if reason is CallCancelled else "the call's deadline passed")


class MainThreadExecutor:
    """Jobs executed by the main thread's event loop, with cancellation by call id."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._lock = threading.Lock()
        self._pending: dict[str, Job] = {}
        # Cancels that arrived before their call (the control channel overtook the call lane): applied on arrival.
        self._early: OrderedDict[str, type[BaseException]] = OrderedDict()
        self._running: Job | None = None
        # Jobs running on the main thread, outermost first: more than one while a call waits on a host callback
        # that called back into this worker (the nested call runs inline, on top of the waiting one).
        self._stack: list[Job] = []
        # Held while a job ends (the main thread may go back to reading the call lane) and by a thread that reads
        # the lane for a main thread busy in a job (rpc/lane.py); reentrant, as a job may run on that thread.
        self.transitions = threading.RLock()
        main_ident = threading.main_thread().ident
        if main_ident is None:  # only a thread that has not started lacks one; the main thread always has
            raise RuntimeError("the main thread has no identifier")
        self._main_ident = main_ident
        self.calls_total = 0
        # An interrupt _on_sigint held back, to be sent again by _redeliver.
        self._deferred = False
        # How many writes of a lane frame the main thread is in (hold_interrupts): interrupts wait for their end.
        self._held = 0

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self._running is not None

    @property
    def jobs_running(self) -> int:
        """How many jobs are on the stack (more than one while a waiting call serves a nested one)."""
        return len(self._stack)

    def submit(self, call_id: str, fn: Callable[[], T]) -> QueuedJob[T]:
        """Queues ``fn`` for the main thread and returns its job (whose future resolves with the result)."""
        job = QueuedJob(call_id, fn)
        self._track(job)
        self.loop.call_soon_threadsafe(self._run, job)
        return job

    def run_each(self, call_ids: Sequence[str], fn: Callable[[int], object],
                 done: Callable[[int, BaseException | None], None]) -> None:
        """Runs ``fn(0)``, ``fn(1)``, ... now, on the loop's own thread, each as the job of one call id.

        Each is cancellable by its id from the moment this begins; one cancelled before its turn never starts.
        ``done(i, error)`` follows each job, outside it: ``error`` is what the job raised (its interruption: the
        service makes every other failure an answer), None when it returned. Then the next job runs. One call for a
        frame of calls: its jobs are tracked under one lock, and none pays a method call of its own here (the
        smallest calls on the lane take a few microseconds).

        Nested (a frame served while an outer job waits on the host), an interruption of that outer job ends the
        frame: every job not answered yet gets ``done(i, interruption)``, and the interruption is raised on to the
        outer job, whether it landed in a job's body or between two jobs.
        """
        jobs: list[Job] = []
        lock = self._lock
        stack = self._stack
        with lock:
            for call_id in call_ids:
                job = Job(call_id)
                jobs.append(job)
                if call_id:
                    self._track_locked(job)
            previous = self._running
        started = 0  # jobs taken off the queue (run or skipped)
        answered = 0  # jobs done() was called for
        ended = False  # whether the last job started has run its body, whose outcome is `outcome`
        outcome: BaseException | None = None
        # Nested on the main thread, the outer job's interrupts wait while this frame's bookkeeping runs (a job's
        # start and end, its answer being written): they land in a nested job's body, or once the frame has been
        # answered. (A thread serving for a main thread blocked in the outer job leaves it alone: that job's body
        # goes on on the main thread, and may end meanwhile.)
        shielded = previous if previous is not None and threading.get_ident() == self._main_ident else None
        outer_in_body = shielded is not None and shielded.in_body
        if shielded is not None:
            shielded.in_body = False
        try:
            for i, job in enumerate(jobs):
                started = i + 1
                ended = False
                # Started without the lock, and checked after: cancel() sets the reason, then looks for the job on
                # the stack. Under the GIL one of the two sees the other's step: either this check sees the reason
                # (the job is taken off again and never runs), or cancel() finds the job on the stack and sends
                # the interrupt, which _on_sigint holds back until the body begins. The lock per job cost 0.12 µs,
                # on calls that take 4.
                stack.append(job)
                self._running = job
                reason = job.interrupt_reason
                if reason is not None:
                    stack.pop()
                    self._running = previous
                    with lock:
                        self._forget(job)
                    answered = i + 1
                    done(i, reason(f"call {job.call_id} was cancelled before it started"))
                    if self._deferred:  # an outer job's interrupt, held back while this one was on the stack
                        self._redeliver()
                    continue
                bind_control(job)
                error: BaseException | None = None
                try:
                    job.in_body = True
                    if self._deferred:
                        self._redeliver()
                    fn(i)
                except BaseException as exc:  # noqa: BLE001 - this job's interruption (or a stray one): its answer
                    error = self._normalise(job, exc)
                finally:
                    job.in_body = False  # first, before any call: a signal handled from here on waits for _leave
                    ended = True
                    outcome = error
                    self._leave(job, previous)
                answered = started
                done(i, error)
                if error is not None and job.interrupt_reason is None and isinstance(error, _INTERRUPTIONS):
                    raise error  # raised in this job's body for an outer job: it goes on up to that job
        except BaseException as escaping:
            if previous is not None and isinstance(escaping, (*_INTERRUPTIONS, KeyboardInterrupt)):
                # The outer job's interruption: answer what this frame owes, then let it go on up.
                if answered < started:
                    answered = started
                    done(started - 1, outcome if ended else escaping)
                for j in range(started, len(jobs)):
                    answered = started = j + 1
                    with lock:
                        self._forget(jobs[j])
                    done(j, escaping)
            raise
        finally:
            if started < len(jobs):  # left early (done() raised): the rest never start
                with lock:
                    for job in jobs[started:]:
                        self._forget(job)
            if shielded is not None:
                shielded.in_body = outer_in_body
        if self._deferred and outer_in_body:  # an interrupt of the outer job, held back between two nested jobs
            self._redeliver()

    def _track(self, job: Job) -> None:
        if job.call_id:
            with self._lock:
                self._track_locked(job)

    def _track_locked(self, job: Job) -> None:
        self._pending[job.call_id] = job
        if self._early:
            early = self._early.pop(job.call_id, None)
            if early is not None:
                job.interrupt_reason = early

    def _enter(self, job: QueuedJob[Any]) -> Job | None:
        """Makes ``job`` (tracked when it was queued) the running one and returns the one it runs on top of.

        None when it runs alone. Raises the job's interruption, untracked, when it was cancelled before it started.
        """
        with self._lock:
            if job.interrupt_reason is not None:
                self._forget(job)
                raise job.interrupt_reason(f"call {job.call_id} was cancelled before it started")
            previous = self._running
            self._running = job
            self._stack.append(job)
        bind_control(job)
        return previous

    def _leave(self, job: Job, previous: Job | None) -> None:
        """Ends ``job``: the one it ran on top of is the running one again."""
        bind_control(previous)
        with self.transitions, self._lock:
            self._running = previous
            self._stack.pop()
            self._forget(job)
            self.calls_total += 1
        if self._deferred:
            self._redeliver()

    def _forget(self, job: Job) -> None:
        """Untracks ``job`` (under the lock), unless its id now names a newer job: a host may reuse the id of a
        call it gave up on before this worker got to it, and the newer call must stay cancellable."""
        if self._pending.get(job.call_id) is job:
            del self._pending[job.call_id]

    def _redeliver(self) -> None:
        """Sends again an interrupt the handler held back (see _on_sigint), now that the stack is consistent."""
        self._deferred = False
        if any(job.interrupt_reason is not None for job in self._stack):
            signal.pthread_kill(self._main_ident, signal.SIGINT)

    def cancel(self, call_id: str, graceful: bool = False, reason: type[BaseException] = CallCancelled) -> bool:
        """Cancels a queued or running job; graceful only asks it to stop at a safe point."""
        with self._lock:
            job = self._pending.get(call_id)
            if job is None:
                if not graceful:
                    self._early[call_id] = reason
                    while len(self._early) > _EARLY_CANCELS:
                        self._early.popitem(last=False)
                return False
            if graceful:
                job.request_stop()
                return True
            job.interrupt_reason = reason
            if job not in self._stack:
                return True  # not started yet: skipped when its turn comes
        signal.pthread_kill(self._main_ident, signal.SIGINT)
        return True

    def stop(self) -> None:
        """Makes run_forever return after the current job."""
        self.loop.call_soon_threadsafe(self.loop.stop)

    def run_forever(self) -> None:
        """Runs the loop on the calling (main) thread until stop()."""
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            self.loop.run_forever()
        finally:
            signal.signal(signal.SIGINT, previous)

    def _run(self, job: QueuedJob[T]) -> None:
        try:
            previous = self._enter(job)
        except BaseException as exc:  # noqa: BLE001 - cancelled while queued: its caller waits on the future
            job.future.set_exception(exc)
            return
        failure: BaseException | None = None
        value: list[T] = []  # empty unless the function returned
        try:
            job.in_body = True
            if self._deferred:
                self._redeliver()
            value.append(job.fn())
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            failure = self._normalise(job, exc)
        finally:
            job.in_body = False  # as in run_each
            try:
                self._leave(job, previous)
            finally:  # the caller waits on the future whatever happens here
                if value:
                    job.future.set_result(value[0])
                else:
                    job.future.set_exception(failure or RuntimeError(f"job {job.call_id} ended without an outcome"))

    @staticmethod
    def _normalise(job: Job, exc: BaseException) -> BaseException:
        if isinstance(exc, KeyboardInterrupt) and job.interrupt_reason is not None:
            replacement = _interruption(job.interrupt_reason)
            replacement.__traceback__ = exc.__traceback__
            return replacement
        return exc

    def hold_interrupts(self) -> bool:
        """Holds interrupts back until release_interrupts, on the main thread (False elsewhere: none land there).

        For a lane frame's write: an interruption raised halfway would leave half a frame on the lane, and the host
        could read nothing after it.
        """
        # Only a job in its body is ever interrupted: with none on the stack (a frame answered at the top level, the
        # usual case) there is nothing to hold.
        if not self._stack or threading.get_ident() != self._main_ident:
            return False
        self._held += 1
        return True

    def release_interrupts(self) -> None:
        """Ends a hold_interrupts; an interrupt held back meanwhile is sent again now."""
        self._held -= 1
        if self._held == 0 and self._deferred:
            self._redeliver()

    def _on_sigint(self, signum: int, frame: Any) -> None:
        # The interrupted call may be one waiting under a nested call: raising here ends the nested one first,
        # which hands the interruption back up through the callback that the waiting call is in.
        for job in reversed(self._stack):
            if job.interrupt_reason is not None:
                if self._held or not self._stack[-1].in_body:
                    # The innermost job is starting or ending (between its body and the bookkeeping around it):
                    # raised there, the interruption would leave it on the stack for good, its caller unanswered
                    # and every later interrupt aimed at it. _redeliver sends it again once that is done.
                    self._deferred = True
                    return
                raise _interruption(job.interrupt_reason)
        # A stray SIGINT (nothing to interrupt) is ignored: the host owns this worker's lifetime.


__all__ = ["CallCancelled", "CallTimedOut", "Job", "MainThreadExecutor", "QueuedJob"]
