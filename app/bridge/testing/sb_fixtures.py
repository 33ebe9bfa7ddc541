"""Python helpers the bridge's integration tests call through real workers."""

from __future__ import annotations

import collections
import os
import time
from typing import Any, Iterator, NamedTuple


def echo(value: Any) -> Any:
    """Returns its argument unchanged (for round trips)."""
    return value


def describe(value: Any) -> dict[str, Any]:
    """What Python received: type name, and for arrays dtype and shape."""
    info: dict[str, Any] = {"type": type(value).__name__}
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        info["dtype"] = str(value.dtype)
        info["shape"] = list(value.shape)
    if isinstance(value, dict):
        info["key_types"] = sorted({type(k).__name__ for k in value})
    return info


def count(n: int, delay: float = 0.0) -> Iterator[int]:
    """Yields 0..n-1, optionally slowly; records how far it got in a file when closed early."""
    try:
        for i in range(n):
            if delay:
                time.sleep(delay)
            yield i
    finally:
        marker = os.environ.get("SB_FIXTURE_MARKER")
        if marker:
            with open(marker, "w") as f:
                f.write("closed")


def pid() -> int:
    """The worker's process id."""
    return os.getpid()


def spawn_grandchild() -> int:
    """Starts a long-lived child process of the worker (same process group); returns its pid."""
    import subprocess

    return subprocess.Popen(["sleep", "300"]).pid


class Accumulator:
    """A small stateful class for handle tests."""

    def __init__(self, start: float = 0.0, *, step: float = 1.0) -> None:
        self.total = start
        self.step = step

    def add(self, amount: float | None = None) -> float:
        self.total += self.step if amount is None else amount
        return self.total

    @property
    def label(self) -> str:
        return f"total={self.total}"


class Unserializable:
    """An object with no plain-data form."""


def unserializable() -> Unserializable:
    return Unserializable()


def crash_after(n: int) -> Iterator[int]:
    """Yields n items, then kills its own process (a C extension dying mid-stream)."""
    for i in range(n):
        yield i
    os._exit(3)


def crash_now() -> None:
    """Kills its own process mid-call."""
    os._exit(3)


class Point(NamedTuple):
    """A user-defined named tuple."""

    x: int
    y: int


def point(x: int, y: int) -> Point:
    """A named tuple result."""
    return Point(x, y)


class _Shadowing(NamedTuple):
    length: int
    size: int


def shadowing() -> _Shadowing:
    """A named tuple whose field names collide with JavaScript array members."""
    return _Shadowing(10, 20)


def counter() -> "collections.Counter[str]":
    """A Counter (a dict subclass)."""
    return collections.Counter("abracadabra")


def ordered() -> "collections.OrderedDict[str, int]":
    """An OrderedDict."""
    return collections.OrderedDict([("z", 1), ("a", 2)])


def default_dict() -> "collections.defaultdict[str, list[int]]":
    """A defaultdict (its factory stays behind)."""
    d: collections.defaultdict[str, list[int]] = collections.defaultdict(list)
    d["k"].append(1)
    return d


def close_lane() -> None:
    """Closes this worker's call lane from its side and lives on (as after a frame it could not read)."""
    from snakebridge_worker.rpc.lane import active_lane

    active_lane()._close("closed by sb_fixtures.close_lane")


def produce_counted(path: str, item_bytes: int) -> Iterator[bytes]:
    """Yields items of ``item_bytes`` bytes for ever, writing how many it has produced to ``path`` as it goes."""
    produced = 0
    while True:
        yield b"x" * item_bytes
        produced += 1
        if produced % 16 == 0:
            with open(path, "w") as f:
                f.write(str(produced))
