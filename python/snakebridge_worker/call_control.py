"""Cooperative control of the call running on the current thread.

The host can ask a running call to stop gracefully (Cancel with graceful=True):
long jobs such as training check ``current_control().stop_requested`` at safe
points (end of a step) and wind down cleanly. A hard cancel interrupts instead.
"""

from __future__ import annotations

import threading

_local = threading.local()


class CallControl:
    """Stop flag and identity of one running call."""

    # Slots, not a dataclass: the executor's job for every call is one of these (runtime/executor.py).
    __slots__ = ("_stop", "call_id")

    def __init__(self, call_id: str = "") -> None:
        self.call_id = call_id
        # A plain flag: set once from another thread and polled; assignment is atomic under the GIL,
        # and a threading.Event per call would cost more than the smallest calls themselves.
        self._stop = False

    @property
    def stop_requested(self) -> bool:
        """True once the host asked this call to finish at its next safe point."""
        return self._stop

    def request_stop(self) -> None:
        """Asks the call to finish at its next safe point."""
        self._stop = True


_IDLE = CallControl()


def current_control() -> CallControl:
    """The control of the call running on this thread (a never-stopped one outside calls)."""
    return getattr(_local, "control", None) or _IDLE


def bind_control(control: CallControl | None) -> None:
    """Makes ``control`` the current thread's call control (None clears it)."""
    _local.control = control
