"""Runs user code on the main thread, one job at a time, interruptibly.

gRPC handlers run on pool threads; they hand jobs to the main thread because
only the main thread receives signals, and a signal is what interrupts a
blocking call such as ``time.sleep(60)`` when the host cancels it.
"""

from __future__ import annotations

import queue
import signal
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable

from .call_control import CallControl, bind_control
from .errors import CallCancelled, CallTimedOut


@dataclass
class Job:
    """One unit of work for the main thread."""

    call_id: str
    fn: Callable[[], Any]
    control: CallControl
    future: "Future[Any]" = field(default_factory=Future)
    # Set before interrupting, so the signal handler knows what to raise.
    interrupt_reason: type[BaseException] | None = None


class MainThreadExecutor:
    """A queue of jobs drained by the main thread, with cancellation by call id."""

    def __init__(self) -> None:
        self._jobs: "queue.SimpleQueue[Job | None]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending: dict[str, Job] = {}
        self._running: Job | None = None
        self._main_ident = threading.main_thread().ident
        self.calls_total = 0

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self._running is not None

    def submit(self, call_id: str, fn: Callable[[], Any]) -> Job:
        """Queues ``fn`` and returns its job (whose future resolves with the result)."""
        job = Job(call_id=call_id, fn=fn, control=CallControl(call_id))
        with self._lock:
            if call_id:
                self._pending[call_id] = job
        self._jobs.put(job)
        return job

    def cancel(self, call_id: str, graceful: bool = False, reason: type[BaseException] = CallCancelled) -> bool:
        """Cancels a queued or running job; graceful only asks it to stop at a safe point."""
        with self._lock:
            job = self._pending.get(call_id)
            if job is None:
                return False
            if graceful:
                job.control.request_stop()
                return True
            if job is not self._running:
                # Not started yet: it will be skipped when dequeued.
                job.interrupt_reason = reason
                return True
            job.interrupt_reason = reason
        signal.pthread_kill(self._main_ident, signal.SIGINT)  # type: ignore[arg-type]
        return True

    def stop(self) -> None:
        """Makes run_forever return after the current job."""
        self._jobs.put(None)

    def run_forever(self) -> None:
        """Drains jobs on the calling (main) thread until stop()."""
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                self._run(job)
        finally:
            signal.signal(signal.SIGINT, previous)

    def _run(self, job: Job) -> None:
        with self._lock:
            if job.interrupt_reason is not None:
                self._pending.pop(job.call_id, None)
                job.future.set_exception(job.interrupt_reason(f"call {job.call_id} was cancelled before it started"))
                return
            self._running = job
        bind_control(job.control)
        try:
            result = job.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            outcome: tuple[bool, Any] = (False, self._normalise(job, exc))
        else:
            outcome = (True, result)
        finally:
            bind_control(None)
            with self._lock:
                self._running = None
                self._pending.pop(job.call_id, None)
                self.calls_total += 1
        ok, value = outcome
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)

    @staticmethod
    def _normalise(job: Job, exc: BaseException) -> BaseException:
        if isinstance(exc, KeyboardInterrupt) and job.interrupt_reason is not None:
            replacement = job.interrupt_reason(
                "the call was cancelled by the host" if job.interrupt_reason is CallCancelled
                else "the call's deadline passed"
            )
            replacement.__traceback__ = exc.__traceback__
            return replacement
        return exc

    def _on_sigint(self, signum: int, frame: Any) -> None:
        job = self._running
        if job is not None and job.interrupt_reason is not None:
            raise job.interrupt_reason(
                "the call was cancelled by the host" if job.interrupt_reason is CallCancelled
                else "the call's deadline passed"
            )
        # A stray SIGINT (e.g. Ctrl+C in the host's terminal reaching our process group) is ignored:
        # the host owns this worker's lifetime.


__all__ = ["MainThreadExecutor", "Job", "CallCancelled", "CallTimedOut"]
