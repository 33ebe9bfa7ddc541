"""Session namespaces for REPL and notebook cells, with coalesced stdout/stderr and rich display."""

from __future__ import annotations

import ast
import io
import linecache
import os
import sys
import threading
import types
from collections.abc import Callable
from typing import Any, TextIO

from . import display as _display

_MISSING = object()

# A cell's output reaches the host at most this often per stream: one gRPC message per print() froze the page
# (20,000 events for 10,000 lines); a few dozen chunks a second are enough to look live.
FLUSH_INTERVAL_S = 0.025
# ...or sooner, when this much text is waiting (bounds the size of one message).
FLUSH_BYTES = 256 * 1024

# Frames of the worker's own code are not the user's business: tracebacks start at the user's cell.
_WORKER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class _NoInput:
    """A cell's stdin: there is no keyboard behind a cell, so input() says so at once."""

    encoding = "utf-8"
    closed = False

    def readline(self, size: int = -1) -> str:
        # EOFError, what input() raises on a closed stdin, so code that handles that still does.
        raise EOFError("input() has no keyboard to read in a notebook cell or the console; "
                       "set the value in the code instead (name = 'value')")

    def read(self, size: int = -1) -> str:
        return self.readline(size)

    def readlines(self) -> list[str]:
        return [self.readline()]

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("a cell's stdin has no file descriptor")


class _TeeGroup:
    """A cell's stdout and stderr tees: one lock, and which of them wrote last.

    Text leaves in the order it was written across the two streams: a write to one stream first sends what the
    other holds. Flushed apart, tqdm's closing newline on stderr reached the page after the print that followed it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: _StreamTee | None = None


class _StreamTee:
    """A text stream that buffers writes and hands them to ``emit`` in chunks (see FLUSH_INTERVAL_S)."""

    def __init__(self, emit: Callable[[str], None], fallback: TextIO | None, group: _TeeGroup) -> None:
        self._emit = emit
        self._fallback = fallback
        self._group = group
        self._parts: list[str] = []
        self._size = 0
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            group = self._group
            with group.lock:
                if group.last is not self:
                    if group.last is not None:
                        group.last._flush_locked()
                    group.last = self
                self._parts.append(text)
                self._size += len(text)
                if self._size >= FLUSH_BYTES:
                    self._flush_locked()
        return len(text)

    def flush(self) -> None:
        # Emitting under the group's lock keeps chunks in order when the flusher thread and the cell flush at once.
        with self._group.lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        if not self._parts:
            return
        text = "".join(self._parts)
        self._parts.clear()
        self._size = 0
        self._emit(text)

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        # C code that writes to the process's own descriptor (faulthandler, subprocess) gets the real one.
        if self._fallback is None:  # no console (pythonw): sys.__stdout__ is None
            raise io.UnsupportedOperation("this stream has no file descriptor")
        return self._fallback.fileno()


class _Flusher:
    """Flushes the cell's streams every FLUSH_INTERVAL_S, so a cell that prints then sleeps still shows its text."""

    def __init__(self, streams: tuple[_StreamTee, ...]) -> None:
        self._streams = streams
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="snakebridge-output-flusher", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL_S):
            for stream in self._streams:
                stream.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _user_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback from the user's first cell frame on, without the worker's own frames (library frames stay).

    Frames before the cell's own are the worker's plumbing, and what it called to get there (``ast.parse`` for a
    SyntaxError, whose message already points at the cell's line): none of them is the user's business.
    """
    frames: list[types.TracebackType] = []
    in_cell = False
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        in_cell = in_cell or filename.startswith("<cell ")
        if in_cell and not filename.startswith(_WORKER_DIR):
            frames.append(tb)
        tb = tb.tb_next
    rebuilt: types.TracebackType | None = None
    for frame in reversed(frames):
        rebuilt = types.TracebackType(rebuilt, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    return rebuilt


class Session:
    """One namespace in which cells run in order, like a Jupyter kernel's."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
        self.execution_count = 0
        self._filenames: list[str] = []

    def run_cell(self, code: str, stdout: Callable[[str], None], stderr: Callable[[str], None]) -> tuple[Any, int]:
        """Runs ``code``; returns the value of a trailing expression (or _MISSING) and the execution count.

        Output reaches ``stdout``/``stderr`` in chunks; display() and rich results are written to stdout as
        display markers (see display.py), in order with the text around them.
        """
        self.execution_count += 1
        count = self.execution_count
        filename = f"<cell {count}>"
        # Tracebacks read source lines through linecache; a cell has no file, so its text is registered there.
        linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
        self._filenames.append(filename)
        group = _TeeGroup()
        out = _StreamTee(stdout, sys.__stdout__, group)
        err = _StreamTee(stderr, sys.__stderr__, group)
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout = out
        sys.stderr = err
        sys.stdin = _NoInput()
        flusher = _Flusher((out, err))
        self.namespace.setdefault("display", _display.display)
        try:
            try:
                tree = ast.parse(code, filename=filename, mode="exec")
                trailing: ast.expr | None = None
                last = tree.body[-1] if tree.body else None
                if isinstance(last, ast.Expr):
                    tree.body.pop()
                    trailing = last.value
                if tree.body:
                    exec(compile(tree, filename, "exec"), self.namespace)
                value: Any = _MISSING
                if trailing is not None:
                    value = eval(compile(ast.Expression(trailing), filename, "eval"), self.namespace)
                    if value is not None:
                        self.namespace["_"] = value
                _display.show_open_figures()
                if value is not _MISSING and _display.is_rich(value):
                    # A rich value (HTML, image, figure, DataFrame) is shown as a display, like Jupyter's Out[n].
                    _display.display(value)
                    value = _MISSING
            except BaseException as exc:  # noqa: BLE001 - re-raised below, with the worker's own frames cut from the traceback
                hint = _display.missing_extra_hint(exc)
                if hint is not None:
                    raise _display.MissingDisplayExtra(hint) from None
                raise exc.with_traceback(_user_frames(exc.__traceback__))  # noqa: B904 - the same exception, its own chain kept
        finally:
            flusher.close()
            out.flush()
            err.flush()
            sys.stdout, sys.stderr, sys.stdin = saved
        return value, count

    def forget(self) -> None:
        """Drops the source lines this session registered for tracebacks."""
        for filename in self._filenames:
            linecache.cache.pop(filename, None)
        self._filenames.clear()


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

    def find(self, session_id: str) -> Session | None:
        """The session ``session_id``, or None when it has not run anything."""
        with self._lock:
            return self._sessions.get(session_id)

    def drop(self, session_id: str) -> bool:
        """Forgets a session's namespace."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        session.forget()
        return True


MISSING = _MISSING

# One table per worker process: the Eval RPC and reset_session (called by the host as a function) share it.
SESSIONS = SessionTable()


def reset_session(session_id: str) -> bool:
    """Forgets a session's namespace (a notebook "restart"); True if it existed."""
    return SESSIONS.drop(session_id)
