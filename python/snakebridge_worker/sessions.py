"""Session namespaces for REPL and notebook cells, with streamed stdout/stderr."""

from __future__ import annotations

import ast
import sys
import threading
from typing import Any, Callable, TextIO

_MISSING = object()


class _StreamTee:
    """A text stream that forwards writes to a callback (the Eval event stream)."""

    def __init__(self, emit: Callable[[str], None], fallback: TextIO) -> None:
        self._emit = emit
        self._fallback = fallback
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            self._emit(text)
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fallback.fileno()


class Session:
    """One namespace in which cells run in order, like a Jupyter kernel's."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
        self.execution_count = 0

    def run_cell(self, code: str, stdout: Callable[[str], None], stderr: Callable[[str], None]) -> tuple[Any, int]:
        """Runs ``code``; returns the value of a trailing expression (or _MISSING) and the execution count."""
        self.execution_count += 1
        count = self.execution_count
        filename = f"<cell {count}>"
        tree = ast.parse(code, filename=filename, mode="exec")
        trailing: ast.expr | None = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            trailing = tree.body.pop().value  # type: ignore[assignment]
        saved = sys.stdout, sys.stderr
        sys.stdout = _StreamTee(stdout, saved[0])  # type: ignore[assignment]
        sys.stderr = _StreamTee(stderr, saved[1])  # type: ignore[assignment]
        try:
            if tree.body:
                exec(compile(tree, filename, "exec"), self.namespace)
            value: Any = _MISSING
            if trailing is not None:
                value = eval(compile(ast.Expression(trailing), filename, "eval"), self.namespace)
                if value is not None:
                    self.namespace["_"] = value
        finally:
            sys.stdout, sys.stderr = saved
        return value, count


class SessionTable:
    """Sessions by id, created on first use."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str) -> Session:
        """The session ``session_id``, created if new."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                session = self._sessions[session_id] = Session(session_id)
            return session

    def drop(self, session_id: str) -> bool:
        """Forgets a session's namespace."""
        with self._lock:
            return self._sessions.pop(session_id, None) is not None


MISSING = _MISSING

# One table per worker process: the Eval RPC and reset_session (called by the host as a function) share it.
SESSIONS = SessionTable()


def reset_session(session_id: str) -> bool:
    """Forgets a session's namespace (a notebook "restart"); True if it existed."""
    return SESSIONS.drop(session_id)
