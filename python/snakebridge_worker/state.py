"""Host-side session state (issue 17): typed variables the TypeScript host keeps, so a worker crash loses nothing.

    from snakebridge_worker import state
    state.set("threshold", 0.5)       # validated against the schema the host gave the variable, if any
    state.get("threshold")            # a copy of the value; KeyError when unset (or state.get(name, default))
    state.delete("threshold"); state.names()

The session is the running cell's or call's (``session=`` picks another). Values are plain data only.
"""

from __future__ import annotations

from typing import Any

from .proto import worker_pb2
from .rpc.callbacks import HostError, call_host, current_session

_STATE = worker_pb2.CallKind.CALL_KIND_HOST_STATE
_MISSING: Any = object()


class StateConstraintError(HostError, ValueError):
    """The value breaks the variable's JSON Schema (or is not plain data); the message says which rule."""


def _call(op: str, args: tuple[Any, ...], session: str | None) -> Any:
    try:
        return call_host(_STATE, op, args, None, session=current_session() if session is None else session,
                         label=f"state.{op}")
    except HostError as exc:
        if exc.host_type == "StateConstraintError":
            raise StateConstraintError(
                exc.host_message, exc.host_type, exc.host_traceback, exc.classification
            ) from None
        raise


def get(name: str, default: Any = _MISSING, *, session: str | None = None) -> Any:
    """The variable's value; ``default`` (or KeyError) when it is not set."""
    found, value = _call("get", (name,), session)
    if found:
        return value
    if default is _MISSING:
        raise KeyError(f"no state variable {name!r} in this session; set it with state.set({name!r}, value)")
    return default


def set(name: str, value: Any, *, session: str | None = None) -> None:
    """Sets the variable in the host; raises StateConstraintError when the value breaks its schema."""
    _call("set", (name, value), session)


def delete(name: str, *, session: str | None = None) -> bool:
    """Removes the variable; False when it was not set."""
    return bool(_call("delete", (name,), session))


def names(*, session: str | None = None) -> list[str]:
    """The session's variable names."""
    return list(_call("list", (), session))


__all__ = ["StateConstraintError", "delete", "get", "names", "set"]
