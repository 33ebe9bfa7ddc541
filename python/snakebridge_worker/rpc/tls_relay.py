"""TLS in front of the call lane, for workers reached over the network (Ray actors on other nodes).

The lane (lane.py) writes straight to its socket and reads it itself while a call waits on the host; a TLS
session cannot be shared that way between asyncio and direct socket calls. So with certificates the lane keeps
listening on a private Unix socket, and this relay terminates TLS on the public TCP address, on a thread and
event loop of its own (the main loop is busy running calls), and pipes plain bytes to the lane. The token is
still checked by the lane itself: TLS authenticates the worker to the host and hides the traffic, the token
authenticates the host to the worker.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
import threading

_PIPE_CHUNK = 1024 * 1024


def server_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    """A TLS 1.2+ server context for this worker's certificate; raises with the file named when it is unusable."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert_path, key_path)
    except (OSError, ssl.SSLError) as exc:
        raise OSError(f"could not load the worker's TLS certificate {cert_path} with key {key_path}: {exc}") from exc
    return context


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(_PIPE_CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        writer.close()


class TlsRelay:
    """Accepts TLS connections on ``host`` and relays each to the lane's Unix socket at ``lane_path``."""

    def __init__(self, context: ssl.SSLContext, host: str, lane_path: str) -> None:
        self._context = context
        self._host = host
        self._lane_path = lane_path
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self.address = ""

    def start(self) -> str:
        """Binds, starts the relay thread and returns ``host:port``."""
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._relay, self._host, 0, ssl=self._context, limit=_PIPE_CHUNK))
        port = self._server.sockets[0].getsockname()[1]
        self.address = f"{self._host}:{port}"
        threading.Thread(target=self._loop.run_forever, name="lane-tls", daemon=True).start()
        return self.address

    async def _relay(self, tls_reader: asyncio.StreamReader, tls_writer: asyncio.StreamWriter) -> None:
        try:
            lane_reader, lane_writer = await asyncio.open_unix_connection(self._lane_path, limit=_PIPE_CHUNK)
        except OSError as exc:
            print(f"snakebridge: the TLS relay could not reach the call lane: {exc}", file=sys.stderr)
            tls_writer.close()
            return
        await asyncio.gather(_pipe(tls_reader, lane_writer), _pipe(lane_reader, tls_writer))

    def close(self) -> None:
        """Stops accepting; open relays end with the process."""
        server = self._server
        if server is not None:
            self._loop.call_soon_threadsafe(server.close)


__all__ = ["TlsRelay", "server_context"]
