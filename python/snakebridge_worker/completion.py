"""Completions and hover docs for Python cells and the Console, from the session's live namespace.

jedi (python/requirements.txt) completes from both the source and the live objects; without it,
rlcompleter completes names and attributes of live objects only."""

from __future__ import annotations

import inspect
import re
import rlcompleter
from typing import Any

from .sessions import SESSIONS

_MAX_ITEMS = 200
_DOC_LIMIT = 4_000
_IDENTIFIER_TAIL = re.compile(r"[A-Za-z_][\w.]*$")


def _namespace(session_id: str) -> dict[str, Any]:
    session = SESSIONS.find(session_id)
    return session.namespace if session is not None else {"__builtins__": __builtins__}


def _line_column(code: str, cursor: int) -> tuple[int, int]:
    before = code[:cursor]
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1)


def _jedi() -> Any:
    try:
        import jedi
    except ImportError:
        return None
    return jedi


def complete(session_id: str, code: str, cursor: int) -> dict[str, Any]:
    """Completions at ``cursor`` (a character offset): the text they replace starts at ``start``."""
    cursor = max(0, min(cursor, len(code)))
    namespace = _namespace(session_id)
    jedi = _jedi()
    if jedi is not None:
        line, column = _line_column(code, cursor)
        found = jedi.Interpreter(code, [namespace]).complete(line, column)
        typed = _IDENTIFIER_TAIL.search(code[:cursor])
        # Private names only when the user started typing one, as IPython does.
        if not (typed and typed.group(0).rsplit(".", 1)[-1].startswith("_")):
            found = [c for c in found if not c.name.startswith("_")] or found
        items = [{"label": c.name, "kind": c.type, "detail": ""} for c in found[:_MAX_ITEMS]]
        prefix = len(found[0].name) - len(found[0].complete) if found else 0
        return {"start": cursor - prefix, "items": items, "engine": "jedi"}
    match = _IDENTIFIER_TAIL.search(code[:cursor])
    text = match.group(0) if match else ""
    completer = rlcompleter.Completer(namespace)
    labels: list[str] = []
    for state in range(_MAX_ITEMS):
        candidate = completer.complete(text, state)
        if candidate is None:
            break
        labels.append(candidate)
    attribute_start = text.rfind(".") + 1
    if not text[attribute_start:].startswith("_"):
        labels = [label for label in labels if not label[attribute_start:].startswith("_")] or labels
    items = [{"label": label[attribute_start:].rstrip("("), "kind": "", "detail": ""} for label in labels]
    return {"start": cursor - (len(text) - attribute_start), "items": items, "engine": "rlcompleter"}


def hover(session_id: str, code: str, cursor: int) -> dict[str, Any] | None:
    """The signature and docstring of the name under ``cursor``, or None."""
    namespace = _namespace(session_id)
    jedi = _jedi()
    if jedi is not None:
        line, column = _line_column(code, cursor)
        names = jedi.Interpreter(code, [namespace]).help(line, column)
        if not names:
            return None
        name = names[0]
        signatures = [s.to_string() for s in name.get_signatures()]
        doc = name.docstring(raw=True) or ""
        return {
            "name": name.full_name or name.name,
            "signature": signatures[0] if signatures else "",
            "doc": doc[:_DOC_LIMIT],
        }
    match = _IDENTIFIER_TAIL.search(code[:cursor] + re.match(r"\w*", code[cursor:]).group(0))  # type: ignore[union-attr]
    if not match:
        return None
    head, *rest = match.group(0).split(".")
    if head not in namespace:
        return None
    value = namespace[head]
    try:
        for part in rest:
            value = getattr(value, part)
    except AttributeError:
        return None
    try:
        signature = str(inspect.signature(value))
    except (TypeError, ValueError):
        signature = ""
    return {"name": match.group(0), "signature": signature, "doc": (inspect.getdoc(value) or "")[:_DOC_LIMIT]}
