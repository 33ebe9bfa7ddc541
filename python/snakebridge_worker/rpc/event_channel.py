"""A bounded hand-over from the main thread (producer) to a gRPC handler thread (consumer).

Closing wakes both sides at once, so a host that stops reading a stream frees the
worker immediately rather than after a polling interval.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

from ..runtime.errors import CallCancelled

T = TypeVar("T")


class EventChannel(Generic[T]):
    """Items in order; ``put`` blocks while full, ``get`` while empty; ``close`` ends both."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[T] = deque()
        self._capacity = capacity
        self._cond = threading.Condition()
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once closed (by the producer finishing, or the consumer going away)."""
        return self._closed

    def put(self, item: T) -> None:
        """Adds an item, waiting while the channel is full; raises CallCancelled once it is closed."""
        with self._cond:
            while len(self._items) >= self._capacity and not self._closed:
                self._cond.wait()
            if self._closed:
                raise CallCancelled("the host stopped reading the stream")
            self._items.append(item)
            self._cond.notify_all()

    def get(self) -> T | None:
        """The next item; None once the channel is closed and drained."""
        with self._cond:
            while not self._items and not self._closed:
                self._cond.wait()
            if not self._items:
                return None
            item = self._items.popleft()
            self._cond.notify_all()
            return item

    def close(self, discard: bool = False) -> None:
        """Ends the channel: a waiting producer raises CallCancelled, a waiting consumer drains then gets None.

        With ``discard``, items not yet taken are dropped (nobody wants them: the host interrupted the call).
        """
        with self._cond:
            self._closed = True
            if discard:
                self._items.clear()
            self._cond.notify_all()
