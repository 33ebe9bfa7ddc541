"""Resolves dotted paths such as "json.decoder.JSONDecoder.decode" to Python objects."""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

from .errors import TargetNotFound

# path -> (top module's name, top module, owner of the last part, last part): a hot call resolves with two dict
# hits and one getattr.
# Checked against sys.modules, so a re-imported top module is walked again; the last attribute is always read
# fresh, so reassigning it (monkeypatching) is seen at once.
_RESOLVED: dict[str, tuple[str, Any, Any, str]] = {}
_RESOLVED_MAX = 4096


def resolve(path: str) -> Any:
    """Imports the top module of ``path`` and walks the rest: attributes first, submodules where needed."""
    cached = _RESOLVED.get(path)
    if cached is not None:
        top_name, top_module, owner, last = cached
        if sys.modules.get(top_name) is top_module:
            try:
                return getattr(owner, last)
            except AttributeError:
                pass
        del _RESOLVED[path]
    return _walk(path)


def _walk(path: str) -> Any:
    # Names only: anything else would be imported as given (and suggested to pip as a package to install).
    if not all(part.isidentifier() for part in path.split(".")):
        raise TargetNotFound(f"{path!r} is not a dotted path of Python names; expected something like 'math.sqrt'")
    parts = path.split(".")
    top = parts[0]
    try:
        obj: Any = sys.modules.get(top) or importlib.import_module(top)
    except ModuleNotFoundError as exc:
        if exc.name != top:
            raise  # the module exists but one of its own imports is missing: that message is the useful one
        error = ModuleNotFoundError(
            f"No module named {top!r}: Python package {top!r} is not installed in this worker's interpreter. "
            f"Install it with: python -m pip install {top}  (or choose another interpreter)"
        )
        error.name = top
        raise error from exc
    # Walking left to right keeps the hot path cheap: a failed import attempt costs a search of sys.path.
    for depth in range(1, len(parts)):
        attribute = parts[depth]
        try:
            obj = getattr(obj, attribute)
            continue
        except AttributeError as exc:
            missing = exc
        if inspect.ismodule(obj):
            name = ".".join(parts[: depth + 1])
            try:
                obj = importlib.import_module(name)
                continue
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
        owner = ".".join(parts[:depth])
        raise AttributeError(f"{owner!r} has no attribute {attribute!r} (resolving {path!r})") from missing
    _remember(path, parts)
    return obj


def _remember(path: str, parts: list[str]) -> None:
    top_module = sys.modules.get(parts[0])
    if top_module is None or len(parts) < 2:
        return
    owner: Any = top_module
    for part in parts[1:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return
    if len(_RESOLVED) >= _RESOLVED_MAX:
        _RESOLVED.clear()
    _RESOLVED[path] = (parts[0], top_module, owner, parts[-1])


def require_callable(obj: Any, path: str) -> Any:
    """Returns ``obj`` if it can be called, else raises a TypeError that says what it is."""
    if not callable(obj):
        raise TypeError(f"{path!r} is not callable: it is a {type(obj).__name__} ({_short_repr(obj)}); "
                        "read it as an attribute instead")
    return obj


def _short_repr(obj: Any) -> str:
    try:
        text = repr(obj)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the error this text is for
        return "<unrepresentable>"
    return text if len(text) < 80 else text[:77] + "..."
