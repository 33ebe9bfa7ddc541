"""Performs one CallRequest: function, constructor, method, attribute or release."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from ..proto import worker_pb2
from . import allowlist
from .errors import TargetNotFound
from .handles import HandleTable
from .targets import require_callable, resolve
from .values import Decoder

# Enum lookups through the generated wrapper are slow enough to show on the hot path: read them once.
FUNCTION = worker_pb2.CallKind.CALL_KIND_FUNCTION
CONSTRUCTOR = worker_pb2.CallKind.CALL_KIND_CONSTRUCTOR
METHOD = worker_pb2.CallKind.CALL_KIND_METHOD
ATTRIBUTE = worker_pb2.CallKind.CALL_KIND_ATTRIBUTE
RELEASE = worker_pb2.CallKind.CALL_KIND_RELEASE


def _kwargs(request: worker_pb2.CallRequest, decoder: Decoder) -> dict[str, Any]:
    return {kw.name: decoder.decode(kw.value) for kw in request.kwargs}


def perform(request: worker_pb2.CallRequest, handles: HandleTable, decoder: Decoder) -> Any:
    """Runs the call and returns the raw Python result; ``decoder`` decodes its arguments (over ``handles``)."""
    policy = allowlist.POLICY
    if policy is not None:  # enforce mode: refuse what the allowlist does not declare
        policy.check(request, handles)
    kind = request.kind
    if kind == FUNCTION:  # first, with callable() inline: most calls are these, and the smallest take a few µs
        path = request.target
        fn = resolve(path)
        if not callable(fn):
            require_callable(fn, path)
    elif kind == CONSTRUCTOR:
        target = resolve(request.target)
        if not inspect.isclass(target):
            raise TypeError(f"{request.target!r} is not a class (it is a {type(target).__name__}); "
                            "call it as a function instead")
        fn = require_callable(target, request.target)
    elif kind == METHOD:
        owner = handles.get(request.handle_id)
        fn = require_callable(getattr(owner, request.target), f"{type(owner).__name__}.{request.target}")
    elif kind == ATTRIBUTE:
        if request.handle_id:
            return getattr(handles.get(request.handle_id), request.target)
        return resolve(request.target)
    elif kind == RELEASE:
        return handles.release([request.handle_id])
    else:
        raise TargetNotFound(f"unknown call kind {kind}; the host and worker disagree on the contract version")
    # Called here, not in a helper: the traceback of a user's error starts at this frame (to_python_error).
    args = decoder.decode_all(request.args)
    return fn(*args, **_kwargs(request, decoder)) if request.kwargs else fn(*args)


def iterate(result: Any) -> Iterator[Any]:
    """Iterates a call's result for CallStream (a generator, iterator or iterable)."""
    try:
        return iter(result)
    except TypeError as exc:
        raise TypeError(
            f"CallStream needs something iterable, but the call returned a {type(result).__name__}; "
            "use Call for ordinary results"
        ) from exc
