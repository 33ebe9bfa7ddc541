"""How long a worker polls for the host's next frame after answering: adapted to how soon frames come.

Polling pays when the host calls in a loop (its next call comes within tens of microseconds) and is waste when
calls come now and then. The window follows the gaps the worker sees, as the kernel's haltpoll governor does for a
vCPU's idle polling: a frame that came after the worker stopped polling, but within the longest window, restores
the whole window; one that came later halves it, and a window below an eighth of the longest is none.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

# Between two polls: hands the CPU to anything else runnable here (the host itself, on a busy machine); a no-op
# where the platform has no sched_yield.
_yield_cpu: Callable[[], None] = getattr(os, "sched_yield", lambda: None)


def poll_read(read: Callable[[], int], window_s: float) -> int | None:
    """Calls ``read`` (a non-blocking read) until it returns, for up to ``window_s``; None when nothing came."""
    deadline = time.perf_counter() + window_s
    while True:
        try:
            return read()
        except BlockingIOError:
            if time.perf_counter() >= deadline:
                return None
            _yield_cpu()


class PollWindow:
    """The current poll window, in seconds, between zero and ``longest_s``."""

    def __init__(self, longest_s: float) -> None:
        self.longest_s = max(0.0, longest_s)
        self.current_s = self.longest_s

    def woke(self, gap_s: float) -> None:
        """A frame arrived ``gap_s`` after the last answer, once the worker had stopped polling and slept."""
        if self.longest_s <= 0:
            return
        if gap_s <= self.longest_s:
            self.current_s = self.longest_s
            return
        halved = self.current_s / 2
        self.current_s = halved if halved >= self.longest_s / 8 else 0.0


__all__ = ["PollWindow", "poll_read"]
