"""Token authentication for the gRPC server: every RPC must carry the token the host gave this worker."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import grpc

TOKEN_METADATA_KEY = "x-snakebridge-token"


class TokenInterceptor(grpc.ServerInterceptor):
    """Refuses every RPC that does not carry this worker's token (UNAUTHENTICATED)."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

        def refuse(request: Any, context: grpc.ServicerContext) -> None:
            context.abort(grpc.StatusCode.UNAUTHENTICATED,
                          f"missing or wrong {TOKEN_METADATA_KEY}: this worker only serves the host that started it")

        self._refusal: grpc.RpcMethodHandler[Any, Any] = grpc.unary_unary_rpc_method_handler(refuse)
        self._stream_refusal: grpc.RpcMethodHandler[Any, Any] = grpc.unary_stream_rpc_method_handler(refuse)
        self._bidi_refusal: grpc.RpcMethodHandler[Any, Any] = grpc.stream_stream_rpc_method_handler(refuse)

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        for key, value in handler_call_details.invocation_metadata or ():
            if key == TOKEN_METADATA_KEY:
                given = value.encode() if isinstance(value, str) else value
                if hmac.compare_digest(given, self._token):
                    return continuation(handler_call_details)
                break
        method = handler_call_details.method or ""
        if method.endswith(("/CallStream", "/Telemetry", "/Eval")):
            return self._stream_refusal
        if method.endswith("/CallPipeline"):
            return self._bidi_refusal
        return self._refusal


__all__ = ["TOKEN_METADATA_KEY", "TokenInterceptor"]
