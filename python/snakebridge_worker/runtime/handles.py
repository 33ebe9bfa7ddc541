"""Live Python objects held for the host, addressed by handle id, with TTL and a cap."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .errors import TargetNotFound


@dataclass
class _Entry:
    obj: Any
    session: str
    last_used: float


class HandleLimitError(RuntimeError):
    """The worker holds as many live objects as it is allowed to."""


class HandleTable:
    """Thread-safe table of live objects; idle entries expire after ``ttl_s``."""

    def __init__(self, ttl_s: float = 900.0, max_count: int = 10_000) -> None:
        self._ttl_s = ttl_s
        self._max = max_count
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, obj: Any, session: str = "") -> str:
        """Stores ``obj`` and returns its new handle id."""
        with self._lock:
            self._expire_locked()
            if len(self._entries) >= self._max:
                raise HandleLimitError(
                    f"the worker already holds {self._max} live objects; release handles you no longer need "
                    "(handle.release()) or raise SNAKEBRIDGE_MAX_HANDLES"
                )
            handle_id = "h-" + secrets.token_hex(8)
            self._entries[handle_id] = _Entry(obj, session, time.monotonic())
            return handle_id

    def get(self, handle_id: str) -> Any:
        """The object behind ``handle_id`` (refreshing its TTL)."""
        with self._lock:
            self._expire_locked()
            entry = self._entries.get(handle_id)
            if entry is None:
                raise TargetNotFound(
                    f"handle {handle_id} is not alive in this worker: it was released, expired after "
                    f"{int(self._ttl_s)} s idle, or its worker was restarted. Create the object again."
                )
            entry.last_used = time.monotonic()
            self._entries.move_to_end(handle_id)
            return entry.obj

    def release(self, handle_ids: list[str]) -> int:
        """Drops the given handles; returns how many were alive."""
        with self._lock:
            return sum(1 for h in handle_ids if self._entries.pop(h, None) is not None)

    def release_session(self, session: str) -> int:
        """Drops every handle created in ``session``."""
        with self._lock:
            doomed = [h for h, e in self._entries.items() if e.session == session]
            for h in doomed:
                del self._entries[h]
            return len(doomed)

    def expire(self) -> int:
        """Drops handles idle for longer than the TTL; returns how many."""
        with self._lock:
            return self._expire_locked()

    def _expire_locked(self) -> int:
        cutoff = time.monotonic() - self._ttl_s
        expired = 0
        # Entries are kept in least-recently-used order, so expired ones are at the front.
        while self._entries:
            handle_id, entry = next(iter(self._entries.items()))
            if entry.last_used >= cutoff:
                break
            del self._entries[handle_id]
            expired += 1
        return expired

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
