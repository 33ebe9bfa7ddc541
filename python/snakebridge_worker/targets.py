"""Resolves dotted paths such as "json.decoder.JSONDecoder.decode" to Python objects."""

from __future__ import annotations

import importlib
from typing import Any

from .errors import TargetNotFound


def resolve(path: str) -> Any:
    """Imports the longest module prefix of ``path`` and walks the remaining attributes."""
    if not path or path.startswith(".") or path.endswith(".") or ".." in path:
        raise TargetNotFound(f"{path!r} is not a dotted path; expected something like 'math.sqrt'")
    parts = path.split(".")
    module = None
    consumed = 0
    first_error: ImportError | None = None
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            module = importlib.import_module(name)
            consumed = i
            break
        except ModuleNotFoundError as exc:
            # Only "this very module does not exist" means: try a shorter prefix.
            if exc.name is not None and name != exc.name and not name.startswith(exc.name + "."):
                raise
            first_error = first_error or exc
    if module is None:
        top = parts[0]
        error = ModuleNotFoundError(
            f"No module named {top!r}: Python package {top!r} is not installed in this worker's interpreter. "
            f"Install it with: python -m pip install {top}  (or choose another interpreter)"
        )
        error.name = top
        raise error from first_error
    obj: Any = module
    for depth in range(consumed, len(parts)):
        attribute = parts[depth]
        try:
            obj = getattr(obj, attribute)
        except AttributeError as exc:
            owner = ".".join(parts[:depth])
            raise AttributeError(f"{owner!r} has no attribute {attribute!r} (resolving {path!r})") from exc
    return obj


def require_callable(obj: Any, path: str) -> Any:
    """Returns ``obj`` if it can be called, else raises a TypeError that says what it is."""
    if not callable(obj):
        raise TypeError(f"{path!r} is not callable: it is a {type(obj).__name__} ({_short_repr(obj)}); "
                        "read it as an attribute instead")
    return obj


def _short_repr(obj: Any) -> str:
    try:
        text = repr(obj)
    except Exception:
        return "<unrepresentable>"
    return text if len(text) < 80 else text[:77] + "..."
