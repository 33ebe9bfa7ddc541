"""The notebook's Python namespace as the host sees it: `py` reads and calls, types of globals, the
variables panel, and the `ts` snapshot of TypeScript values. The host calls these as functions, in the
worker that holds the session (strict affinity), with the session id as first argument."""

from __future__ import annotations

import sys
import types
from typing import Any

from .runtime.values import SUPPORTED_DTYPES
from .sessions import SESSIONS

_PREVIEW_LIMIT = 120
# Names every namespace has that are not the user's variables.
_HIDDEN = {"__name__", "__builtins__", "_", "display", "ts", "exit", "quit", "get_ipython"}
_MAX_SAFE_INTEGER = 2 ** 53 - 1


class TsSnapshot(dict):  # type: ignore[type-arg]
    """A copy of the TypeScript cells' plain-data top-level values, taken before this Python cell ran.

    Changing it does not change the TypeScript values; the next Python cell gets a fresh snapshot."""

    def __repr__(self) -> str:
        return f"ts({dict.__repr__(self)})"


def _namespace(session_id: str) -> dict[str, Any]:
    return SESSIONS.get(session_id).namespace


def _resolve(session_id: str, path: list[str]) -> Any:
    if not path:
        raise ValueError("py: give a name, e.g. py.x")
    namespace = _namespace(session_id)
    head, *rest = path
    if head not in namespace:
        raise NameError(
            f"name {head!r} is not defined in the notebook's Python namespace (run the cell that defines it)"
        )
    value = namespace[head]
    for name in rest:
        value = getattr(value, name)
    return value


def get(session_id: str, path: list[str]) -> Any:
    """The value at ``py.a.b.c``: plain data comes back as values, the rest as handles."""
    return _resolve(session_id, path)


def call(session_id: str, path: list[str], args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
    """Calls ``py.a.b(*args, **kwargs)``."""
    target = _resolve(session_id, path)
    if not callable(target):
        raise TypeError(f"py.{'.'.join(path)} is a {type(target).__name__}, which cannot be called")
    return target(*args, **(kwargs or {}))


def execution_count(session_id: str) -> int:
    """The number the session gave its last cell (a failed cell takes one too, as in Jupyter); 0 before any."""
    session = SESSIONS.find(session_id)
    return session.execution_count if session is not None else 0


def set_ts(session_id: str, values: dict[str, Any]) -> int:
    """Puts the TypeScript snapshot into the namespace as ``ts``; returns how many values it holds."""
    _namespace(session_id)["ts"] = TsSnapshot(values)
    return len(values)


def _union(values: Any, depth: int) -> str:
    items = sorted({_ts_type(item, depth + 1) for item in list(values)[:100]})
    if not items:
        return "unknown"
    return items[0] if len(items) == 1 else f"({' | '.join(items)})"


def _ts_type(value: Any, depth: int = 0) -> str:
    """The TypeScript type `await py.<name>` resolves to.

    It follows the value encoder (runtime/values.py) case by case."""
    if depth > 4:
        return "unknown"
    if value is None:
        return "null"
    kind = type(value)
    if kind is bool:
        return "boolean"
    if kind is int:
        # The host decodes ints beyond Number.MAX_SAFE_INTEGER as bigint.
        return "number" if abs(value) <= _MAX_SAFE_INTEGER else "bigint"
    if kind is float:
        return "number"
    if kind is str:
        return "string"
    if kind in (bytes, bytearray, memoryview):
        return "Uint8Array"
    if kind is complex:
        return "PyComplex"
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        return "NDArray" if value.dtype.name in SUPPORTED_DTYPES else "PyHandle"
    if numpy is not None and isinstance(value, numpy.generic):
        return _ts_type(value.item(), depth)
    if kind in (list, tuple) or isinstance(value, tuple):
        return f"{_union(value, depth)}[]"
    if kind in (set, frozenset):
        return f"Set<{_union(value, depth)}>"
    if isinstance(value, dict):
        if all(type(key) is str for key in value):
            return f"Record<string, {_union(value.values(), depth)}>"
        return f"Map<{_union(value.keys(), depth)}, {_union(value.values(), depth)}>"
    return "PyHandle"


def types_of(session_id: str, names: list[str]) -> dict[str, Any]:
    """For each name that is a global: its TypeScript type, and for callables/modules None (handled as references)."""
    session = SESSIONS.find(session_id)
    namespace = session.namespace if session is not None else {}
    found: dict[str, Any] = {}
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        kind = "module" if isinstance(value, types.ModuleType) else "callable" if callable(value) else "value"
        found[name] = {"type": _ts_type(value), "kind": kind, "pythonType": _qualified(type(value))}
    return found


def _qualified(cls: type) -> str:
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _shape(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        return "×".join(str(n) for n in shape) or "scalar"
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return str(len(value))
    return ""


def _size(value: Any) -> int:
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    memory = getattr(value, "memory_usage", None)
    if callable(memory) and "pandas" in sys.modules:
        try:
            total = memory(deep=False)
            return int(total.sum() if hasattr(total, "sum") else total)
        except Exception:  # noqa: BLE001 - a size is a nicety; fall back to getsizeof
            pass
    try:
        return sys.getsizeof(value)
    except Exception:  # noqa: BLE001
        return 0


def _preview(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken repr is shown, not raised
        text = f"<repr failed: {type(exc).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= _PREVIEW_LIMIT else text[:_PREVIEW_LIMIT - 1] + "…"


def variables(session_id: str) -> list[dict[str, Any]]:
    """The session's user variables (modules, classes, functions and private names left out), by name."""
    session = SESSIONS.find(session_id)
    if session is None:
        return []
    rows: list[dict[str, Any]] = []
    for name, value in sorted(session.namespace.items()):
        if name in _HIDDEN or name.startswith("_"):
            continue
        if isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
            continue
        rows.append({"name": name, "type": _qualified(type(value)), "shape": _shape(value), "size": _size(value),
                     "preview": _preview(value)})
    return rows
