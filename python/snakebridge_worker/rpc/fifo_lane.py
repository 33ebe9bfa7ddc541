"""The call lane on two FIFOs in the worker's private folder: how a host on the same machine reaches a local worker.

The frames and LaneProtocol are the lane's (lane.py); only the byte stream differs. A round trip through a pair
of pipes costs a fraction of one through a Unix stream socket: on the 2-core reference machine 8 µs against 44 µs
for the same 64-byte echo (docs/ARCHITECTURE.md, "The call lane"), which was most of a small call's time.

``lane.in`` carries frames from the host, ``lane.out`` frames to it. Both live in the worker's 0700 folder, so
only this user can open them, and the first frame must still carry the token. The worker holds ``lane.out``
open for reading and writing, so the host's reader sees the end of the stream exactly when the worker exits,
never before the worker has written. When the host goes away (the end of ``lane.in``) or is refused, both FIFOs
are made anew, so a later host never reads bytes meant for an earlier one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

from .lane import LaneProtocol

IN_NAME = "lane.in"
OUT_NAME = "lane.out"


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

    def __init__(self, loop: asyncio.AbstractEventLoop, folder: str, factory: Callable[[], LaneProtocol]) -> None:
        self.loop = loop
        self._folder = folder
        self._factory = factory
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
        self._protocol.connection_made(self._transport)
        self.loop.add_reader(read_fd, self._readable, self._transport)

    def _readable(self, transport: _FifoTransport) -> None:
        protocol = self._protocol
        if transport is not self._transport or protocol is None:
            return
        try:
            n = transport.channel.recv_into(protocol.get_buffer(-1))
        except BlockingIOError:
            return
        except OSError as exc:
            self.disconnect(transport, exc)
            return
        if n == 0:  # the host closed lane.in (it exited, or closed its lane)
            self.disconnect(transport)
            return
        try:
            protocol.buffer_updated(n)
        except Exception as exc:  # noqa: BLE001 - as asyncio's own transports do: report, and drop the connection
            if not isinstance(exc, ConnectionError):  # the host went away while this worker answered: expected
                print(f"snakebridge: the call lane failed and was closed: {exc!r}", file=sys.stderr)
            self.disconnect(transport, exc)

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


__all__ = ["IN_NAME", "OUT_NAME", "FifoChannel", "FifoLaneServer"]
