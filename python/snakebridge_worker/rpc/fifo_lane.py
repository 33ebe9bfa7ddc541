"""The call lane on two FIFOs in the worker's private folder: how a host on the same machine reaches a local worker.

The frames and LaneProtocol are the lane's (lane.py); only the byte stream differs. A round trip through a pair
of pipes costs a fraction of one through a Unix stream socket: on the 2-core reference machine 8 µs against 44 µs
for the same 64-byte echo (docs/ARCHITECTURE.md, "The call lane"), which was most of a small call's time.

``lane.in`` carries frames from the host, ``lane.out`` frames to it. Both live in the worker's 0700 folder, so
only this user can open them, and the first frame must still carry the token. The worker holds ``lane.out``
open for reading and writing, so the host's reader sees the end of the stream exactly when the worker exits,
never before the worker has written. When the host goes away (the end of ``lane.in``) or is refused, both FIFOs
are made anew, so a later host never reads bytes meant for an earlier one.

After answering, the worker keeps polling ``lane.in`` for a short while before it goes back to its loop's blocking
wait. A host calling in a loop sends its next call a few tens of microseconds after the answer; a worker asleep by
then costs that call a wake-up, and on a virtual machine a vCPU that has gone idle wakes in about 50 µs, which was
half of a small call's time (docs/ARCHITECTURE.md, "Where a small call's time goes now"). The window (at most
``spin_s``) adapts to the gaps between calls (poll_window.py), so calls that come now and then cost no polling. A
Python call waiting on the host's answer to its callback polls the same way, with a window of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from .lane import LaneProtocol
from .poll_window import PollWindow, poll_read

IN_NAME = "lane.in"
OUT_NAME = "lane.out"
SPIN_ENV = "SNAKEBRIDGE_LANE_SPIN_US"
# Long enough to cover a host's turnaround between two calls in a loop (25-40 µs here), between two frames to one
# worker with 16 calls in flight on a pool of 2 (80-150 µs), and a caller that does a little other work between
# calls (the bench's cold rotation leaves 150-330 µs; at 200 µs half of those calls paid the wake-up). Short enough
# that polling costs little: the window closes after a few answers that nothing followed soon (poll_window.py).
# Measured against 50-600 µs in docs/ARCHITECTURE.md.
DEFAULT_SPIN_US = 300.0
# However busy the lane, the loop gets a turn this often (gRPC control, timers, the host watch).
_MAX_STAY_S = 0.002


def default_spin_s() -> float:
    """The poll window after an answer: $SNAKEBRIDGE_LANE_SPIN_US, else 300 µs; none on a single CPU.

    On one CPU a polling worker only holds back the host it waits for, so it never polls there.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpus < 2:
        return 0.0
    raw = os.environ.get(SPIN_ENV, "")
    try:
        spin_us = float(raw) if raw else DEFAULT_SPIN_US
        if math.isnan(spin_us):
            raise ValueError(raw)
    except ValueError:
        print(f"snakebridge: ignoring {SPIN_ENV}={raw!r} (not a number of microseconds); using "
              f"{DEFAULT_SPIN_US:g}", file=sys.stderr)
        spin_us = DEFAULT_SPIN_US
    return max(0.0, min(spin_us, 10_000.0)) / 1e6


class FifoChannel:
    """The two FIFO ends a worker holds for one host connection."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._read_fd = read_fd
        self._write_fd = write_fd
        self._closed = False

    @property
    def read_fd(self) -> int:
        return self._read_fd

    @property
    def write_fd(self) -> int:
        return self._write_fd

    def recv_into(self, view: memoryview) -> int:
        return os.readv(self._read_fd, [view])

    def send(self, data: memoryview) -> int:
        return os.write(self._write_fd, data)

    def close(self) -> None:
        # Once only: a second close could hit a descriptor number another thread has opened since.
        if self._closed:
            return
        self._closed = True
        for fd in (self._read_fd, self._write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class _FifoTransport(asyncio.Transport):
    """What LaneProtocol sees of a FIFO connection: its channel, and a way to close it."""

    def __init__(self, server: FifoLaneServer, channel: FifoChannel) -> None:
        super().__init__()
        self._server = server
        self.channel = channel
        self._closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.channel if name == "lane_channel" else default

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        # Later, as asyncio's transports do: close() may come from inside the protocol's own frame handling.
        if not self._closing:
            self._closing = True
            self._server.loop.call_soon(self._server.disconnect, self)


class FifoLaneServer:
    """Serves the lane on a FIFO pair in ``folder``, one host connection at a time, each on a fresh pair."""

    def __init__(self, loop: asyncio.AbstractEventLoop, folder: str, factory: Callable[[], LaneProtocol],
                 spin_s: float | None = None) -> None:
        self.loop = loop
        self._folder = folder
        self._factory = factory
        self._spin_s = default_spin_s() if spin_s is None else spin_s
        self._window = PollWindow(self._spin_s)
        # When this worker last finished answering and stopped polling (None: it has not, or it was a while ago).
        self._answered_at: float | None = None
        self._closed = False
        self._transport: _FifoTransport | None = None
        self._protocol: LaneProtocol | None = None

    @property
    def address(self) -> str:
        """The handshake's fast_address for this lane."""
        return f"fifo:{self._folder}"

    def start(self) -> str:
        """Makes the FIFOs and waits for a host on them; returns the address."""
        self._arm()
        return self.address

    def _path(self, name: str) -> str:
        return os.path.join(self._folder, name)

    def _arm(self) -> None:
        for name in (IN_NAME, OUT_NAME):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(name))
            os.mkfifo(self._path(name), 0o600)
        read_fd = os.open(self._path(IN_NAME), os.O_RDONLY | os.O_NONBLOCK)
        # Read and write: the worker is the writer from now on, so the host's reader never sees an end early.
        write_fd = os.open(self._path(OUT_NAME), os.O_RDWR | os.O_NONBLOCK)
        channel = FifoChannel(read_fd, write_fd)
        self._transport = _FifoTransport(self, channel)
        self._protocol = self._factory()
        self._protocol.answer_poll = PollWindow(self._spin_s) if self._spin_s > 0 else None
        self._protocol.connection_made(self._transport)
        self.loop.add_reader(read_fd, self._readable, self._transport)

    def _readable(self, transport: _FifoTransport) -> None:
        # The loop woke this worker: it had stopped polling, so the host took longer than the window (or there was
        # none); the gap since the last answer tells whether a longer window would have caught this frame.
        if self._answered_at is not None:
            self._window.woke(time.perf_counter() - self._answered_at)
        self._answered_at = None
        if not self._read(transport, 0.0):  # what woke the loop is there already
            return
        # Poll for the host's next frame before going back to sleep (see the module's doc), returning to the loop
        # at least every _MAX_STAY_S however busy the lane.
        entered = time.perf_counter()
        while True:
            idle_since = time.perf_counter()
            wait = min(self._window.current_s, _MAX_STAY_S - (idle_since - entered))
            handled = self._read(transport, wait) if wait > 0 else None
            if handled is None:
                self._answered_at = idle_since
                return
            if not handled:
                return

    def _read(self, transport: _FifoTransport, wait_s: float) -> bool | None:
        """Reads what ``lane.in`` holds, polling up to ``wait_s`` for it, and hands it to the protocol.

        True when a read was handled, None when nothing came, False when the connection ended.
        """
        protocol = self._protocol
        if transport is not self._transport or protocol is None:
            return False
        try:
            n = poll_read(lambda: transport.channel.recv_into(protocol.get_buffer(-1)), wait_s)
        except OSError as exc:
            self.disconnect(transport, exc)
            return False
        return None if n is None else self._handle(transport, n)

    def _handle(self, transport: _FifoTransport, n: int) -> bool:
        """Hands ``n`` bytes just read to the protocol; False when the connection ended."""
        protocol = self._protocol
        if n == 0 or protocol is None:  # the host closed lane.in (it exited, or closed its lane)
            self.disconnect(transport)
            return False
        try:
            protocol.buffer_updated(n)
        except Exception as exc:  # noqa: BLE001 - as asyncio's own transports do: report, and drop the connection
            if not isinstance(exc, ConnectionError):  # the host went away while this worker answered: expected
                print(f"snakebridge: the call lane failed and was closed: {exc!r}", file=sys.stderr)
            self.disconnect(transport, exc)
            return False
        return transport is self._transport and not transport.is_closing()

    def disconnect(self, transport: _FifoTransport, exc: Exception | None = None) -> None:
        """Ends ``transport``'s connection (if it is still the current one) and waits for the next host."""
        if transport is not self._transport:
            return
        protocol = self._protocol
        self._transport = None
        self._protocol = None
        channel = transport.channel
        self.loop.remove_reader(channel.read_fd)
        # Unlinked before closing: a host that sees the end of lane.out finds the next pair, or none yet, never
        # this one again.
        for name in (IN_NAME, OUT_NAME):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(name))
        if protocol is not None:
            protocol.connection_lost(exc)
        channel.close()
        if self._closed:
            return
        try:
            self._arm()
        except OSError as error:  # the folder went away (the worker is exiting): no lane any more
            print(f"snakebridge: the call lane's FIFOs could not be made again: {error}", file=sys.stderr)

    def close(self) -> None:
        """Stops serving; a connected host sees the end of lane.out once the worker has exited."""
        self._closed = True
        if self._transport is not None:
            self.disconnect(self._transport)


__all__ = ["DEFAULT_SPIN_US", "IN_NAME", "OUT_NAME", "SPIN_ENV", "FifoChannel", "FifoLaneServer", "default_spin_s"]
