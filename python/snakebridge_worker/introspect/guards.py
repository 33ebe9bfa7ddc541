"""Defensive access to arbitrary library objects: attributes, reprs and docs that may raise."""

from __future__ import annotations

import inspect
from typing import Any

MAX_DOC_CHARS = 20_000
MAX_REPR_CHARS = 200
_TRUNCATED = "… [truncated]"


def safe_getattr(obj: Any, name: str, default: Any = None) -> Any:
    """Return ``getattr(obj, name)``, or ``default`` when the lookup raises anything."""
    try:
        return getattr(obj, name, default)
    except Exception:  # noqa: BLE001 - descriptors and __getattr__ hooks may raise anything
        return default


def safe_repr(value: Any, limit: int = MAX_REPR_CHARS) -> str:
    """Return ``repr(value)`` cut to ``limit`` chars, or a placeholder naming why repr failed."""
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a broken __repr__ must not break a describe
        return f"<unrepresentable {type(value).__name__}: {type(error).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_doc(obj: Any) -> str:
    """Return the object's own docstring, dedented and truncated at MAX_DOC_CHARS."""
    raw = safe_getattr(obj, "__doc__")
    if not isinstance(raw, str) or not raw.strip():
        return ""
    # Truncate before cleandoc so a pathological docstring costs little to dedent.
    if len(raw) > MAX_DOC_CHARS * 2:
        raw = raw[: MAX_DOC_CHARS * 2]
    text = inspect.cleandoc(raw)
    if len(text) > MAX_DOC_CHARS:
        text = text[: MAX_DOC_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return text


def qualified_name(obj: Any) -> str:
    """Return ``module.QualName`` for a class or callable, without the ``builtins.`` prefix."""
    module = safe_getattr(obj, "__module__")
    qualname = safe_getattr(obj, "__qualname__") or safe_getattr(obj, "__name__")
    if not isinstance(qualname, str):
        return type(obj).__name__
    if not isinstance(module, str) or module == "builtins":
        return qualname
    return f"{module}.{qualname}"
