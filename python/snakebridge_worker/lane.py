"""The call lane: length-prefixed LaneFrame messages on a stream socket, served on the main thread's loop.

gRPC costs about 150 µs per small call here (HTTP/2 framing, a thread hop, the
aio machinery); the lane carries the same protobuf messages (worker.proto's
LaneFrame) with a 4-byte length prefix and runs calls inline on the main
thread, so a call costs one read, the call itself and one write. Calls that
arrive in one frame are answered in one frame. gRPC stays for control (Cancel,
Health, Release), streams, cells and introspection.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import socket
import struct
import sys
import time
import uuid
from typing import Any, Callable

from .proto import worker_pb2

_HEADER = struct.Struct("<I")
# Answers already computed go out once a frame's calls have run this long (a slow call does not hold back fast ones).
_FLUSH_AFTER_S = 0.001
_MAX_FRAME = 1024 * 1024 * 1024 + 1024
_INITIAL_BUFFER = 64 * 1024

CallRunner = Callable[[worker_pb2.CallRequest], worker_pb2.CallResponse]
Canceller = Callable[[str], None]


class LaneProtocol(asyncio.BufferedProtocol):
    """One host connection on the lane.

    A BufferedProtocol: reads land in one reused buffer (recv_into). A plain Protocol makes asyncio allocate
    256 KiB per read, which costs about 10 µs, more than a small call itself.
    """

    def __init__(self, token: bytes, run: CallRunner, cancel: Canceller) -> None:
        self._token = token
        self._run = run
        self._cancel = cancel
        self._buffer = bytearray(_INITIAL_BUFFER)
        self._view = memoryview(self._buffer)
        self._filled = 0
        self._authenticated = False
        self._transport: asyncio.Transport | None = None
        # Requests this worker sent to the host (callbacks, issue 17), by call id.
        self._waiting: dict[str, "asyncio.Future[worker_pb2.CallResponse]"] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("the host closed the call lane"))
        self._waiting.clear()

    def get_buffer(self, sizehint: int) -> memoryview:
        if self._filled == len(self._buffer):
            self._grow(len(self._buffer) * 2)
        return self._view[self._filled:]

    def _grow(self, capacity: int) -> None:
        self._view.release()
        grown = bytearray(capacity)
        grown[: self._filled] = self._buffer[: self._filled]
        self._buffer = grown
        self._view = memoryview(grown)

    def buffer_updated(self, nbytes: int) -> None:
        self._filled += nbytes
        start = 0
        while self._filled - start >= 4:
            (size,) = _HEADER.unpack_from(self._buffer, start)
            if size > _MAX_FRAME:
                self._close(f"frame of {size} bytes exceeds the lane's limit")
                return
            end = start + 4 + size
            if end > self._filled:
                if 4 + size > len(self._buffer):
                    self._compact(start)
                    start = 0
                    self._grow(4 + size)  # one read-through for a large frame (an ndarray argument)
                break
            frame = worker_pb2.LaneFrame.FromString(self._view[start + 4 : end])
            start = end
            self._frame(frame)
            if self._transport is None:
                return
        self._compact(start)

    def _compact(self, start: int) -> None:
        if start == 0:
            return
        remaining = self._filled - start
        if remaining:
            self._buffer[:remaining] = self._buffer[start : self._filled]
        self._filled = remaining
        if remaining == 0 and len(self._buffer) > _INITIAL_BUFFER * 16:
            self._view.release()
            self._buffer = bytearray(_INITIAL_BUFFER)  # a large frame passed: give its memory back
            self._view = memoryview(self._buffer)

    def _close(self, why: str) -> None:
        print(f"snakebridge: closing a call lane connection: {why}", file=sys.stderr)
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _frame(self, frame: worker_pb2.LaneFrame) -> None:
        if not self._authenticated:
            if not hmac.compare_digest(frame.token.encode(), self._token):
                self._close("missing or wrong token (this worker only serves the host that started it)")
                return
            self._authenticated = True
        for cancel in frame.cancels:
            self._cancel(cancel.call_id)
        for response in frame.responses:
            future = self._waiting.pop(response.call_id, None)
            if future is not None and not future.done():
                future.set_result(response)
        if frame.requests:
            self._serve(frame.requests)

    def _serve(self, requests: Any) -> None:
        run = self._run
        if len(requests) == 1:
            self._send(worker_pb2.LaneFrame(responses=[run(requests[0])]))
            return
        answers: list[worker_pb2.CallResponse] = []
        started = time.perf_counter()
        for request in requests:
            answers.append(run(request))
            if time.perf_counter() - started > _FLUSH_AFTER_S:
                self._send(worker_pb2.LaneFrame(responses=answers))
                answers = []
                started = time.perf_counter()
        if answers:
            self._send(worker_pb2.LaneFrame(responses=answers))

    def _send(self, frame: worker_pb2.LaneFrame) -> None:
        if self._transport is None:
            return  # the host went away; its calls died with the connection
        data = frame.SerializeToString()
        self._transport.write(_HEADER.pack(len(data)) + data)

    def request(self, request: worker_pb2.CallRequest) -> "asyncio.Future[worker_pb2.CallResponse]":
        """Sends a call to the host (the lane is symmetric); the future resolves with its answer."""
        if not request.call_id:
            request.call_id = uuid.uuid4().hex
        future: "asyncio.Future[worker_pb2.CallResponse]" = asyncio.get_running_loop().create_future()
        self._waiting[request.call_id] = future
        self._send(worker_pb2.LaneFrame(requests=[request]))
        return future


async def start_lane(loop: asyncio.AbstractEventLoop, token: str, run: CallRunner, cancel: Canceller,
                     private_dir: str | None, host: str = "127.0.0.1") -> tuple[asyncio.AbstractServer, str]:
    """Listens for the host: a Unix socket in the worker's private folder, else TCP. Returns the server and address."""
    secret = token.encode()

    def factory() -> LaneProtocol:
        return LaneProtocol(secret, run, cancel)

    if private_dir:
        path = os.path.join(private_dir, "lane.sock")
        server = await loop.create_unix_server(factory, path)
        return server, f"unix:{path}"
    server = await loop.create_server(factory, host, 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"{host}:{port}"


__all__ = ["LaneProtocol", "start_lane"]
