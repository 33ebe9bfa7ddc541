"""Calls from the worker into the host: TypeScript callbacks, host tools and host session state (issue 17).

A TypeScript function passed as an argument arrives as a ``HostFunction``: calling it sends a CALL_KIND_CALLBACK
request on the call lane and waits for the answer (lane.py reads the socket itself meanwhile, so the host may call
back into this worker while it waits). The host keeps the function until every proxy the worker received for it
is dropped; dropping one queues a release that leaves with the next frame.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from ..call_control import current_control
from ..proto import worker_pb2
from ..runtime.handles import HandleTable

_handles: HandleTable | None = None
# Weak: a proxy lives exactly as long as Python code holds it; its __del__ tells the host.
_proxies: weakref.WeakValueDictionary[str, HostFunction] = weakref.WeakValueDictionary()
_lock = threading.Lock()


class HostError(Exception):
    """An error raised by the host while serving a call from Python (a TypeScript callback threw, say).

    ``host_type`` is the JavaScript error's name and ``host_traceback`` its stack, which is also in the message so
    that it shows in a Python traceback.
    """

    def __init__(self, message: str, host_type: str = "Error", host_traceback: str = "",
                 classification: int = 0) -> None:
        super().__init__(message + (f"\n\nHost (TypeScript) stack:\n{host_traceback}" if host_traceback else ""))
        self.host_type = host_type
        self.host_message = message
        self.host_traceback = host_traceback
        self.classification = classification


_session = threading.local()


def enter_session(session: str) -> str:
    """Makes ``session`` the current thread's session (state's default); returns the previous one to restore."""
    previous: str = getattr(_session, "name", "")
    _session.name = session
    return previous


def current_session() -> str:
    """The session of the call or cell running on this thread ("" outside sessions)."""
    return getattr(_session, "name", "")


def bind_handles(handles: HandleTable) -> None:
    """Tells this module the worker's handle table (arguments that are not plain data go to the host as handles)."""
    global _handles
    _handles = handles


class HostFunction:
    """A callable proxy for a function that lives in the host."""

    __slots__ = ("__weakref__", "_id", "_name", "_received")

    def __init__(self, function_id: str, name: str) -> None:
        self._id = function_id
        self._name = name or "anonymous"
        self._received = 0

    @property
    def host_id(self) -> str:
        """The host's id for the function."""
        return self._id

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_host(worker_pb2.CallKind.CALL_KIND_CALLBACK, self._id, args, kwargs, label=self._name)

    def __repr__(self) -> str:
        return f"<host function {self._name}>"

    def __del__(self) -> None:
        try:
            from .lane import _ACTIVE

            if _ACTIVE is not None and self._received:
                _ACTIVE.release_function(self._id, self._received)
        except Exception:  # noqa: BLE001 - interpreter shutdown: the host forgets everything anyway
            pass


def proxy_for(message: Any) -> HostFunction:
    """The proxy for a HostFunction message: one per id while Python holds it, counting how often it arrived."""
    with _lock:
        proxy = _proxies.get(message.id)
        if proxy is None:
            proxy = HostFunction(message.id, message.name)
            _proxies[message.id] = proxy
        proxy._received += 1
    return proxy


def live_proxies() -> int:
    """How many host function proxies Python holds now."""
    return len(_proxies)


def call_host(kind: worker_pb2.CallKind, target: str, args: Any = (), kwargs: Any = None, *, session: str = "",
              label: str = "") -> Any:
    """Calls the host and returns its answer as Python values; raises HostError when the host fails."""
    from ..runtime.values import Decoder, Encoder
    from .lane import active_lane

    if _handles is None:
        raise RuntimeError("the worker's handle table is not set up, so it cannot call the host")
    encoder = Encoder(_handles, session)
    request = worker_pb2.CallRequest(kind=kind, target=target, session_id=session,
                                     parent_call_id=current_control().call_id)
    request.args.extend(encoder.encode(a) for a in args)
    for name, value in (kwargs or {}).items():
        request.kwargs.add(name=name, value=encoder.encode(value))
    response = active_lane().request(request)
    if response.HasField("error"):
        error = response.error
        raise HostError(error.message or f"the host failed to run {label or target}", error.type, error.traceback,
                        error.classification)
    return Decoder(_handles).decode(response.result)


__all__ = ["HostError", "HostFunction", "bind_handles", "call_host", "live_proxies", "proxy_for"]
