"""Host tools (issue 17): functions the TypeScript host registered with ``bridge.tools.register``.

    from snakebridge_worker import tools
    tools.call("search", "query", limit=3)   # or tools.search("query", limit=3)
    tools.list()                             # [{"name", "description", "inputSchema"}], the MCP tool shape

Positional arguments take the tool's parameter names in schema order. The host validates the arguments against the
tool's JSON Schema; a mismatch raises HostError naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .proto import worker_pb2
from .rpc.callbacks import HostError, call_host

_TOOL = worker_pb2.CallKind.CALL_KIND_HOST_TOOL


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Calls the host tool ``name`` and returns its result."""
    if not name:
        raise ValueError("tools.call needs a tool name")
    return call_host(_TOOL, name, args, kwargs, label=f"tool {name}")


def list() -> Any:
    """The host's tools as dicts with name, description and inputSchema."""
    return call_host(_TOOL, "", (), None, label="tools.list")


def __getattr__(name: str) -> Callable[..., Any]:
    if name.startswith("__"):
        raise AttributeError(name)

    def tool(*args: Any, **kwargs: Any) -> Any:
        return call(name, *args, **kwargs)

    tool.__name__ = name
    return tool


__all__ = ["HostError", "call", "list"]
