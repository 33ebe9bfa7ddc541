"""The call lane: length-prefixed LaneFrame messages on a byte stream, served on the main thread's loop.

The stream is a FIFO pair for the local host (fifo_lane.py) and a socket for a remote one (TCP) or behind the TLS
relay; LaneProtocol reads and writes it through a LaneChannel either way.

gRPC costs about 150 µs per small call here (HTTP/2 framing, a thread hop, the
aio machinery); the lane carries the same protobuf messages (worker.proto's
LaneFrame) with a 4-byte length prefix and runs calls inline on the main
thread, so a call costs one read, the call itself and one write. Calls that
arrive in one frame are answered in one frame. gRPC stays for control (Cancel,
Health, Release), streams, cells and introspection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import os
import select
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..proto import worker_pb2
from .poll_window import PollWindow, poll_read

_HEADER = struct.Struct("<I")
# Answers already computed go out once a frame's calls have run this long (a slow call does not hold back fast ones).
_FLUSH_AFTER_S = 0.001
_MAX_FRAME = 1024 * 1024 * 1024 + 1024
_INITIAL_BUFFER = 64 * 1024
# A frame larger than this (a large ndarray, without shared memory when the host is remote) travels as pieces of
# at most this size, each with the length prefix's top bit set except the last; the other side joins them.
# Either side's read buffer then stays within a piece, and the other side never sizes one on a claimed length.
PIECE_BYTES = 4 * 1024 * 1024
_MORE = 0x80000000


class Answers:
    """The answers to one frame's calls, written in place into the LaneFrame that carries them back.

    Each answer is made inside the frame (``add``) rather than on its own and copied in: 0.55 against 0.9 µs per
    small answer. Answers already written leave once the frame's calls have run for _FLUSH_AFTER_S, so a slow call
    does not hold back the fast ones before it.
    """

    __slots__ = ("_frame", "_send", "_since")

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self._send = send
        self._frame: worker_pb2.LaneFrame | None = None  # made with the first answer: most frames get one send
        self._since = time.perf_counter()

    def add(self) -> worker_pb2.CallResponse:
        """A new, empty answer at the end of the frame."""
        if self._frame is None:
            self._frame = worker_pb2.LaneFrame()
        response: worker_pb2.CallResponse = self._frame.responses.add()
        return response

    def restart(self, call_id: str) -> worker_pb2.CallResponse:
        """The answer of ``call_id``, emptied but for its id: the last one when that call had begun it, else a new one.

        For a call interrupted while it wrote its answer. Answers only leave between calls, so the last answer is
        that call's exactly when it carries its id, or no id yet (it was interrupted before writing it).
        """
        responses = self._frame.responses if self._frame is not None else None
        if responses and responses[-1].call_id in ("", call_id):
            response: worker_pb2.CallResponse = responses[-1]
            response.Clear()
        else:
            response = self.add()
        response.call_id = call_id
        return response

    def ran(self) -> None:
        """One call has been answered: sends the answers so far when the frame's calls have run long enough."""
        if time.perf_counter() - self._since > _FLUSH_AFTER_S:
            self.send()
            self._since = time.perf_counter()

    def send(self) -> None:
        """Sends the answers written since the last send, if there are any."""
        frame = self._frame
        if frame is not None:
            self._frame = None
            self._send(frame.SerializeToString())


# Runs a frame's calls, writing an answer for each into Answers (service.py's run_frame).
CallRunner = Callable[[Sequence[worker_pb2.CallRequest], Answers], None]
Canceller = Callable[[str], None]
# How often a thread waiting on the host re-checks whether the main thread has stopped reading the lane.
_THREAD_POLL_S = 0.005
# Ids of this worker's requests to the host: its pid and a counter (a uuid4 per callback cost ~2 µs). The pid is
# read per request, not at import: workers are forked from a template that imported this module.
_REQUEST_IDS = itertools.count()


class MainThreadState(Protocol):
    """What the lane needs to know of the main thread's executor (runtime/executor.py)."""

    @property
    def transitions(self) -> threading.RLock: ...

    @property
    def jobs_running(self) -> int: ...

    def hold_interrupts(self) -> bool: ...

    def release_interrupts(self) -> None: ...


class LaneChannel(Protocol):
    """The byte stream under one lane connection: a socket, or a pair of FIFOs (fifo_lane.py)."""

    @property
    def read_fd(self) -> int: ...

    @property
    def write_fd(self) -> int: ...

    def recv_into(self, view: memoryview) -> int:
        """Reads what is there into ``view`` (0 at the end); raises BlockingIOError when nothing is."""
        ...

    def send(self, data: memoryview) -> int:
        """Writes as much of ``data`` as fits now; raises BlockingIOError when nothing does."""
        ...

    def close(self) -> None: ...


class SocketChannel:
    """A lane connection's socket, duplicated so that writes bypass the asyncio transport's buffer."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    @property
    def read_fd(self) -> int:
        return self._sock.fileno()

    @property
    def write_fd(self) -> int:
        return self._sock.fileno()

    def recv_into(self, view: memoryview) -> int:
        return self._sock.recv_into(view)

    def send(self, data: memoryview) -> int:
        return self._sock.send(data)

    def close(self) -> None:
        self._sock.close()


# The connection that calls to the host (callbacks, tools, state) go out on: the latest authenticated one.
_ACTIVE: LaneProtocol | None = None


def active_lane() -> LaneProtocol:
    """The host's lane connection; raises when no host is connected (the worker runs outside a bridge)."""
    if _ACTIVE is None or _ACTIVE._transport is None:
        raise ConnectionError("no host is connected on the call lane, so the worker cannot call back into it")
    return _ACTIVE


class _Waiter:
    """A request this worker sent to the host, waiting for its answer."""

    __slots__ = ("answer", "event")

    def __init__(self, threaded: bool) -> None:
        self.answer: worker_pb2.CallResponse | None = None
        self.event = threading.Event() if threaded else None


class LaneProtocol(asyncio.BufferedProtocol):
    """One host connection on the lane.

    A BufferedProtocol: reads land in one reused buffer (recv_into). A plain Protocol makes asyncio allocate
    256 KiB per read, which costs about 10 µs, more than a small call itself.
    """

    def __init__(self, token: bytes, run: CallRunner, cancel: Canceller, main: MainThreadState | None = None) -> None:
        self._token = token
        self._main = main
        self._run = run
        self._cancel = cancel
        self._buffer = bytearray(_INITIAL_BUFFER)
        self._view = memoryview(self._buffer)
        self._filled = 0
        self._authenticated = False
        self._transport: asyncio.Transport | None = None
        # Where the next unparsed frame starts in _buffer (an attribute: a nested read parses on from here).
        self._start = 0
        # How many calls to the host are waiting on this thread's nested reads (re-entrancy, issue 17).
        self._depth = 0
        # Requests this worker sent to the host (callbacks, tools, state), by call id.
        self._waiting: dict[str, _Waiter] = {}
        # Writes go straight to the channel (a duplicate of the socket, or the FIFO), never through the transport's
        # buffer: a call waiting on the host blocks the loop, so anything left in that buffer would never leave.
        self._channel: LaneChannel | None = None
        self._owns_channel = True
        self._write_lock = threading.Lock()
        self._released: dict[str, int] = {}
        # Pieces of a frame still being received (see PIECE_BYTES).
        self._pieces: list[bytes] = []
        self._pieces_size = 0
        # How long a call waiting on the host's answer polls the channel before it sleeps in select: fifo_lane.py
        # gives a local host's connection one, adapted to how soon answers come; over a network, none.
        self.answer_poll: PollWindow | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        channel = transport.get_extra_info("lane_channel")  # a FIFO pair (fifo_lane.py) brings its own
        if channel is not None:
            self._channel = channel
            self._owns_channel = False  # its server closes it, after taking it off the loop
            return
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if sock is not None:
            self._channel = SocketChannel(socket.socket(fileno=os.dup(sock.fileno())))

    def connection_lost(self, exc: Exception | None) -> None:
        global _ACTIVE
        self._transport = None
        if _ACTIVE is self:
            _ACTIVE = None
        for waiter in self._waiting.values():
            if waiter.event is not None:
                waiter.event.set()
        self._waiting.clear()
        if self._channel is not None and self._owns_channel:
            self._channel.close()
        self._channel = None

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
        self._drain()
        if self._transport is not None and self._depth == 0:
            self._compact(self._start)
            self._start = 0

    def _drain(self) -> None:
        """Handles every complete frame from _start on (also called by a nested read, see request)."""
        while self._filled - self._start >= 4:
            start = self._start
            (size,) = _HEADER.unpack_from(self._buffer, start)
            more = bool(size & _MORE)
            size &= ~_MORE
            if size > _MAX_FRAME or (more and size > PIECE_BYTES) or self._pieces_size + size > _MAX_FRAME:
                self._close(f"frame of {size} bytes exceeds the lane's limit")
                return
            end = start + 4 + size
            if end > self._filled:
                if end > len(self._buffer):
                    if self._depth == 0:
                        self._compact(start)
                        self._start = 0
                    self._grow(self._start + 4 + size)  # one read-through for a large frame (an ndarray argument)
                break
            if more:
                self._pieces.append(bytes(self._view[start + 4 : end]))
                self._pieces_size += size
                self._start = end
                continue
            if self._pieces:
                self._pieces.append(bytes(self._view[start + 4 : end]))
                frame = worker_pb2.LaneFrame.FromString(b"".join(self._pieces))
                self._pieces = []
                self._pieces_size = 0
            else:
                # Parsed straight from the read buffer: the parser takes any buffer, the stubs only name bytes.
                frame = worker_pb2.LaneFrame.FromString(self._view[start + 4 : end])  # type: ignore[arg-type]
            self._start = end
            self._frame(frame)
            if self._transport is None:
                return

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
        global _ACTIVE
        if not self._authenticated:
            if not hmac.compare_digest(frame.token.encode(), self._token):
                self._close("missing or wrong token (this worker only serves the host that started it)")
                return
            self._authenticated = True
            _ACTIVE = self
        # Tested before iterating: most frames carry calls only, and iterating an empty repeated field costs more.
        if frame.cancels:
            for cancel in frame.cancels:
                self._cancel(cancel.call_id)
        if frame.responses:
            for response in frame.responses:
                waiter = self._waiting.pop(response.call_id, None)
                if waiter is not None:  # else: the call that asked was interrupted meanwhile; the answer is dropped
                    waiter.answer = response
                    if waiter.event is not None:
                        waiter.event.set()
        if frame.requests:
            self._serve(frame.requests)

    def _serve(self, requests: Sequence[worker_pb2.CallRequest]) -> None:
        answers = Answers(self._send_encoded)
        try:
            self._run(requests, answers)
        finally:
            # Also when an interruption of the call this frame was served inside (nested) ends it: the host waits
            # for every answer the frame owes.
            answers.send()

    def _send(self, frame: worker_pb2.LaneFrame) -> None:
        self._send_encoded(frame.SerializeToString())

    def _send_encoded(self, data: bytes) -> None:
        """Writes one serialised LaneFrame, with the releases queued so far merged into it."""
        if self._transport is None or self._channel is None:
            return  # the host went away; its calls died with the connection
        # A frame goes whole or not at all: an interrupt (an outer call's, while a nested frame is answered) waits.
        main = self._main
        held = main is not None and main.hold_interrupts()
        try:
            self._write_frame(data)
        finally:
            if held and main is not None:
                main.release_interrupts()

    def _write_frame(self, data: bytes) -> None:
        with self._write_lock:
            if self._released:
                released = self._released
                self._released = {}
                # Two serialised messages of one type, concatenated, parse as their merge: the releases join the frame.
                data += worker_pb2.LaneFrame(released_functions=[
                    worker_pb2.ReleasedHostFunction(id=key, count=count) for key, count in released.items()
                ]).SerializeToString()
            if len(data) <= PIECE_BYTES:
                self._write_all(_HEADER.pack(len(data)) + data)
                return
            view = memoryview(data)
            for offset in range(0, len(data), PIECE_BYTES):
                piece = view[offset : offset + PIECE_BYTES]
                last = offset + PIECE_BYTES >= len(data)
                self._write_all(_HEADER.pack(len(piece) | (0 if last else _MORE)))
                self._write_all(piece)

    def _write_all(self, data: bytes | memoryview) -> None:
        """Writes a whole frame now (the channel is non-blocking: wait for room as needed; the host always reads)."""
        channel = self._channel
        assert channel is not None
        view = memoryview(data)
        while view:
            try:
                sent = channel.send(view)
            except BlockingIOError:
                select.select([], [channel.write_fd], [])
                continue
            view = view[sent:]

    def release_function(self, function_id: str, count: int) -> None:
        """Queues the release of a host function proxy; it leaves with the next frame (see flush_releases)."""
        self._released[function_id] = self._released.get(function_id, 0) + count

    def flush_releases(self) -> None:
        """Sends queued releases now when there are any."""
        if self._released:
            self._send(worker_pb2.LaneFrame())

    def request(self, request: worker_pb2.CallRequest) -> worker_pb2.CallResponse:
        """Calls the host (the lane is symmetric) and waits for its answer.

        On the main thread the loop is blocked by the running call, so this reads the socket itself and handles
        what arrives meanwhile: the answer, and calls the host makes back into this worker while it waits
        (a callback calling Python), which run here, nested. Other threads wait for whoever reads.
        """
        if not request.call_id:
            request.call_id = f"w{os.getpid():x}.{next(_REQUEST_IDS):x}"
        threaded = threading.current_thread() is not threading.main_thread()
        waiter = _Waiter(threaded)
        self._waiting[request.call_id] = waiter
        try:
            self._send(worker_pb2.LaneFrame(requests=[request]))
            if threaded:
                self._wait_on_thread(waiter)
            else:
                self._enter_read()
                try:
                    while waiter.answer is None and self._transport is not None:
                        self._read_nested()
                finally:
                    self._leave_read()
        except BaseException:
            # Interrupted (the outer call was cancelled or timed out): tell the host its work is no longer wanted.
            if self._waiting.pop(request.call_id, None) is not None and self._transport is not None:
                self._send(worker_pb2.LaneFrame(cancels=[worker_pb2.CancelRequest(call_id=request.call_id)]))
            raise
        if waiter.answer is None:
            self._waiting.pop(request.call_id, None)
            raise ConnectionError(f"the host closed the call lane before answering {request.target or 'a callback'}")
        return waiter.answer

    def _enter_read(self) -> None:
        # Under the executor's transition lock: a thread reading for the main thread finishes its chunk first.
        with self._transitions():
            self._depth += 1

    def _leave_read(self) -> None:
        with self._transitions():
            self._depth -= 1

    def _transitions(self) -> contextlib.AbstractContextManager[Any]:
        return self._main.transitions if self._main is not None else contextlib.nullcontext()

    def _wait_on_thread(self, waiter: _Waiter) -> None:
        """Waits for the host's answer on a thread other than the main one.

        Whoever reads the lane wakes it: the loop when the main thread is idle, the main thread while it waits on
        the host itself. When the main thread is busy in a job and not reading (user code blocked on this thread,
        e.g. ``pool.submit(callback).result()``), nobody would: this thread then reads the lane for it, and serves
        what arrives (its answer, and calls the host makes into this worker meanwhile) until the main thread
        reads again.
        """
        event = waiter.event
        assert event is not None
        main = self._main
        while not event.is_set() and self._transport is not None:
            if main is not None and main.transitions.acquire(timeout=_THREAD_POLL_S):
                try:
                    if main.jobs_running > self._depth and not event.is_set():
                        self._read_nested(_THREAD_POLL_S)
                        continue
                finally:
                    main.transitions.release()
            event.wait(_THREAD_POLL_S)

    def _read_nested(self, timeout: float | None = None) -> None:
        """Reads what is available on the channel into the frame buffer and handles complete frames."""
        channel = self._channel
        if channel is None:
            return
        window = self.answer_poll if timeout is None else None
        n = (poll_read(lambda: channel.recv_into(self.get_buffer(-1)), window.current_s)
             if window is not None and window.current_s > 0 else None)
        if n is None:
            slept_at = time.perf_counter()
            readable, _, _ = select.select([channel.read_fd], [], [], timeout)
            if window is not None:
                window.woke(window.current_s + time.perf_counter() - slept_at)
            if not readable:
                return
            try:
                n = channel.recv_into(self.get_buffer(-1))
            except BlockingIOError:
                return
        if n == 0:
            transport = self._transport
            if transport is not None:
                transport.close()
            self.connection_lost(None)
            return
        self._filled += n
        self._drain()


def lane_factory(token: str, run: CallRunner, cancel: Canceller,
                 main: MainThreadState | None = None) -> Callable[[], LaneProtocol]:
    """Makes one LaneProtocol per host connection; each checks ``token`` on its first frame.

    ``main`` (the main thread's executor) lets a thread waiting on the host read the lane while the main thread is
    busy in a job; without it such a thread waits for the main thread.
    """
    secret = token.encode()

    def factory() -> LaneProtocol:
        return LaneProtocol(secret, run, cancel, main)

    return factory


async def start_lane(loop: asyncio.AbstractEventLoop, factory: Callable[[], LaneProtocol], private_dir: str | None,
                     host: str = "127.0.0.1") -> tuple[asyncio.AbstractServer, str]:
    """Listens for the host on a socket: a Unix one in the worker's private folder, else TCP.

    Returns the server and address. A local worker serves its host on FIFOs instead (fifo_lane.py); the socket is
    for TCP (remote and Ray workers) and behind the TLS relay.
    """
    if private_dir:
        path = os.path.join(private_dir, "lane.sock")
        server = await loop.create_unix_server(factory, path)
        return server, f"unix:{path}"
    server = await loop.create_server(factory, host, 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"{host}:{port}"


__all__ = ["Answers", "LaneChannel", "LaneProtocol", "SocketChannel", "active_lane", "lane_factory", "start_lane"]
