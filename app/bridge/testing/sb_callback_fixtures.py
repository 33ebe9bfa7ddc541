"""Python helpers for the callback tests (issue 17): they call TypeScript functions handed to them."""

from __future__ import annotations

import concurrent.futures
import functools
import gc
from collections.abc import Callable
from typing import Any

_kept: list[Any] = []


def sort_by(items: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    """sorted() with a host key function."""
    return sorted(items, key=key)


def reduce_with(reducer: Callable[[Any, Any], Any], items: list[Any], initial: Any) -> Any:
    """functools.reduce with a host reducer."""
    return functools.reduce(reducer, items, initial)


def call_and_catch(fn: Callable[[], Any]) -> dict[str, str]:
    """Calls a host function that throws; returns what Python saw."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return {"type": type(exc).__name__, "message": str(exc), "host_type": getattr(exc, "host_type", "")}
    return {"type": "", "message": "no error", "host_type": ""}


def call_uncaught(fn: Callable[[], Any]) -> Any:
    """Calls a host function and lets its error escape."""
    return fn()


def depth_probe(level: int, fn: Callable[[int], Any]) -> list[Any]:
    """Calls back into the host, which calls this again one level deeper (re-entrancy)."""
    import os

    inner = fn(level)
    return [(level, os.getpid()), *(inner or [])]


def call_each(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls a host function with arguments (positional and keyword)."""
    return fn(*args, **kwargs)


def call_nested(payload: dict[str, Any]) -> Any:
    """Calls a host function found inside containers."""
    return [payload["fns"][0](1), payload["fns"][1](2), payload["by_name"]["f"](3)]


def keep(fn: Callable[..., Any]) -> int:
    """Keeps a host function (a retained proxy)."""
    _kept.append(fn)
    return len(_kept)


def call_kept(x: Any) -> list[Any]:
    """Calls every kept host function."""
    return [fn(x) for fn in _kept]


def drop_kept() -> int:
    """Drops the kept host functions; returns how many of their proxies are still alive (0: released)."""
    import weakref

    refs = [weakref.ref(fn) for fn in _kept]
    _kept.clear()
    gc.collect()
    return sum(1 for ref in refs if ref() is not None)


def loop_calls(fn: Callable[[int], Any], n: int) -> int:
    """Calls a host function n times from a Python loop (the bench)."""
    total = 0
    for i in range(n):
        total += fn(i)
    return total


def sleep_then_call(fn: Callable[[], Any]) -> Any:
    """Calls a host function (that is slow) and returns its value."""
    return fn()


def call_from_thread(fn: Callable[[Any], Any], x: Any) -> Any:
    """Calls a host function on another thread while the main thread blocks waiting for that thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, x).result(timeout=30)
