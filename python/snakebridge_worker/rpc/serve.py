"""Starts a worker (``python -m snakebridge_worker`` runs ``main``).

Binds a Unix socket in a private 0700 directory (TCP 127.0.0.1:0 where Unix
sockets are unavailable), prints one handshake line, serves until the host
goes away, and cleans up its socket on the way out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent import futures
from typing import Protocol

import grpc

from .. import PROTOCOL_VERSION, WORKER_VERSION
from ..process import lifeline, scratch
from ..proto import worker_pb2_grpc
from ..runtime.allowlist import install_from_environment as install_allowlist
from ..runtime.executor import MainThreadExecutor
from ..runtime.handles import HandleTable
from .auth import TokenInterceptor
from .fifo_lane import FifoLaneServer
from .lane import lane_factory, start_lane
from .service import WorkerService
from .tls_relay import TlsRelay, server_context

HANDSHAKE_PREFIX = "SNAKEBRIDGE_WORKER_READY "
TOKEN_ENV = "SNAKEBRIDGE_WORKER_TOKEN"
_MAX_MESSAGE = 1024 * 1024 * 1024


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m snakebridge_worker", description=__doc__)
    parser.add_argument("--transport", choices=["auto", "unix", "tcp"], default="auto")
    parser.add_argument("--tcp-host", default="127.0.0.1",
                        help="address TCP servers bind and announce (a Ray actor on a remote node gives its node IP)")
    parser.add_argument("--threads", type=int, default=32, help="gRPC handler threads")
    parser.add_argument("--handle-ttl", type=float, default=float(os.environ.get("SNAKEBRIDGE_HANDLE_TTL_S", 900)))
    parser.add_argument("--max-handles", type=int, default=int(os.environ.get("SNAKEBRIDGE_MAX_HANDLES", 10_000)))
    parser.add_argument("--parent-pid", type=int, default=os.getppid(),
                        help="exit when this process is gone (defaults to the spawning process)")
    parser.add_argument("--no-stdin-watch", action="store_true",
                        help="stdin is not a pipe from the host (forked by the template); rely on --parent-pid")
    parser.add_argument("--token-fd", type=int, default=None,
                        help=f"read the session token from this file descriptor (the host's way); else ${TOKEN_ENV}")
    parser.add_argument("--tls-cert", default=None,
                        help="PEM certificate (chain) for TCP servers: gRPC and the call lane then speak TLS only")
    parser.add_argument("--tls-key", default=None, help="PEM private key of --tls-cert")
    return parser.parse_args(argv)


def _read_token_fd(fd: int) -> str:
    """Reads the token the host wrote into a private pipe, then closes it.

    A pipe keeps the token out of /proc/<pid>/environ, which outlives os.environ.pop: the kernel
    shows the environment the process started with, whatever Python does to it later.
    """
    chunks: list[bytes] = []
    try:
        while sum(len(chunk) for chunk in chunks) < 4096:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\n" in chunk:
                break
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", errors="replace").strip()


def _bind(server: grpc.Server, transport: str, tcp_host: str = "127.0.0.1",
          tls: grpc.ServerCredentials | None = None) -> tuple[str, str | None]:
    """Binds the server; returns its address and the private directory to remove on exit."""
    if tls is not None:
        # Certificates mean a remote host: TCP only, and nothing plain on the network.
        port = server.add_secure_port(f"{tcp_host}:0", tls)
        if not port:
            raise OSError(f"could not bind {tcp_host}:0 for the worker's gRPC server (TLS)")
        return f"{tcp_host}:{port}", None
    if transport in ("auto", "unix") and hasattr(os, "fchmod") and sys.platform != "win32":
        directory = scratch.make_private_dir()  # 0700 (only this user can connect), with its owner record
        os.chmod(directory, 0o700)
        address = f"unix:{os.path.join(directory, 'worker.sock')}"
        if server.add_insecure_port(address):
            return address, directory
        shutil.rmtree(directory, ignore_errors=True)
        if transport == "unix":
            raise OSError(f"could not bind the Unix socket {address}")
    port = server.add_insecure_port(f"{tcp_host}:0")
    if not port:
        raise OSError(f"could not bind {tcp_host}:0 for the worker's gRPC server")
    return f"{tcp_host}:{port}", None


class _LaneServer(Protocol):
    """A lane's listener: asyncio's socket server, or the FIFO pair's (fifo_lane.py)."""

    def close(self) -> None: ...


def _start_fast_path(executor: MainThreadExecutor, service: WorkerService, token: str, private_dir: str | None,
                     tcp_host: str = "127.0.0.1", *, socket_only: bool = False) -> tuple[_LaneServer, str]:
    """Starts the call lane on the executor's loop; returns its server and address.

    A local worker (a private folder) serves it on FIFOs where the platform has them, unless ``socket_only`` (the
    TLS relay forwards to a socket); else a Unix socket in that folder, or TCP.
    """
    factory = lane_factory(token, service.run_frame, service.cancel_call, executor)
    if private_dir and not socket_only and hasattr(os, "mkfifo"):
        fifo = FifoLaneServer(executor.loop, private_dir, factory)
        return fifo, fifo.start()
    return executor.loop.run_until_complete(start_lane(executor.loop, factory, private_dir, tcp_host))


def _watch_host(parent_pid: int, on_gone: Callable[[], None], watch_stdin: bool) -> None:
    """Calls ``on_gone`` when the host dies: stdin closes, or the parent pid changes."""

    def stdin_closed() -> None:
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except (OSError, ValueError):
            pass
        on_gone()

    def parent_changed() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                on_gone()
                return

    if watch_stdin and sys.stdin is not None and not sys.stdin.isatty():
        threading.Thread(target=stdin_closed, name="host-stdin", daemon=True).start()
    threading.Thread(target=parent_changed, name="host-pid", daemon=True).start()


def main(argv: list[str] | None = None, token: str | None = None) -> int:
    """Runs a worker until its host goes away; `token` is given directly by the fork template."""
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # The environment variable is for hand-run and Ray workers; popped so user code never inherits it.
    env_token = os.environ.pop(TOKEN_ENV, "")
    if token is None:
        token = _read_token_fd(args.token_fd) if args.token_fd is not None else env_token
    if not token:
        print(f"snakebridge worker: no token: {TOKEN_ENV} is not set and no --token-fd was given. Workers are "
              "started by the Snakebridge host (e.g. `snakebridge call math.sqrt 2`), not by hand.", file=sys.stderr)
        return 2

    install_allowlist()  # enforce mode: the host's allowlist, read once and removed from the environment
    executor = MainThreadExecutor()
    handles = HandleTable(ttl_s=args.handle_ttl, max_count=args.max_handles)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.threads, thread_name_prefix="grpc"),
        interceptors=[TokenInterceptor(token)],
        options=[
            ("grpc.max_send_message_length", _MAX_MESSAGE),
            ("grpc.max_receive_message_length", _MAX_MESSAGE),
            ("grpc.so_reuseport", 0),
            # The host never pings more often than this; keep both sides in agreement.
            ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
            ("grpc.keepalive_permit_without_calls", 1),
        ],
    )
    service = WorkerService(executor, handles)
    worker_pb2_grpc.add_WorkerServicer_to_server(service, server)
    if (args.tls_cert is None) != (args.tls_key is None):
        print("snakebridge worker: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    tls_relay: TlsRelay | None = None
    if args.tls_cert is not None and args.tls_key is not None:
        context = server_context(args.tls_cert, args.tls_key)  # fails here, naming the file, before any bind
        with open(args.tls_cert, "rb") as f_cert, open(args.tls_key, "rb") as f_key:
            credentials = grpc.ssl_server_credentials([(f_key.read(), f_cert.read())])
        address, private_dir = _bind(server, "tcp", args.tcp_host, credentials)
        server.start()
        # The lane listens privately (Unix socket); the relay is its TLS face on the network.
        private_dir = scratch.make_private_dir()
        fast_server, lane_address = _start_fast_path(executor, service, token, private_dir, args.tcp_host,
                                                     socket_only=True)
        tls_relay = TlsRelay(context, args.tcp_host, lane_address[len("unix:"):])
        fast_address = tls_relay.start()
    else:
        address, private_dir = _bind(server, args.transport, args.tcp_host)
        server.start()
        fast_server, fast_address = _start_fast_path(executor, service, token, private_dir, args.tcp_host)

    stopping = threading.Event()
    cleaned = threading.Lock()

    def cleanup() -> None:
        # Runs once, from whichever thread gets here first: the main thread on a normal exit,
        # or the force-exit timer when a call is stuck in C code.
        if not cleaned.acquire(blocking=False):
            return
        # What user code started (a cell's subprocess, even one in its own session) ends with the worker.
        lifeline.kill_descendants(os.getpid(), 0.5)
        scratch.remove_shm_dir()
        server.stop(grace=0.5).wait(2.0)
        if tls_relay is not None:
            tls_relay.close()
        if not executor.loop.is_running() and not executor.loop.is_closed():
            fast_server.close()
        if private_dir:
            shutil.rmtree(private_dir, ignore_errors=True)

    def shutdown() -> None:
        if stopping.is_set():
            return
        stopping.set()
        executor.stop()

        def force_exit() -> None:
            # A call stuck in C code will not return; the host is gone, so leave anyway.
            time.sleep(2.0)
            cleanup()
            os._exit(0)

        threading.Thread(target=force_exit, daemon=True).start()

    _watch_host(args.parent_pid, shutdown, watch_stdin=not args.no_stdin_watch)
    if not args.no_stdin_watch:
        # Spawned by the host itself: die the moment it does, even stuck in C (forked workers get this from
        # the template, their parent). Node spawns from its main thread, which lives as long as the host.
        lifeline.die_with_parent()
    import signal

    signal.signal(signal.SIGTERM, lambda *_: shutdown())
    handshake = {
        "protocol": PROTOCOL_VERSION,
        "worker_version": WORKER_VERSION,
        "address": address,
        "fast_address": fast_address,
        "tls": tls_relay is not None,
        "pid": os.getpid(),
        "python_version": "{}.{}.{}".format(*sys.version_info[:3]),
        "python_executable": sys.executable,
    }
    sys.stdout.write(HANDSHAKE_PREFIX + json.dumps(handshake) + "\n")
    sys.stdout.flush()
    try:
        executor.run_forever()
    finally:
        stopping.set()
        cleanup()
    return 0
