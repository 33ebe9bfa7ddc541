"""A warm template that forks ready-to-serve workers: ``python -m snakebridge_worker.forkserver``.

Starting a worker costs an interpreter start plus importing grpc, asyncio and the
generated messages (~150 ms of CPU). Four workers started at once on two cores
queue for the CPU. The template pays for the imports once; each worker is then a
``fork()`` away.

Protocol (JSON lines). The host writes requests on stdin:
  {"op": "fork", "id": 7, "token": "...", "env": {...}}
The template writes events on stdout:
  {"event": "ready", "pid": 123}
  {"event": "forked", "id": 7, "pid": 456}            or {"event": "fork_failed", "id": 7, "error": "..."}
  {"event": "output", "pid": 456, "text": "..."}      the worker's stdout and stderr, as written
  {"event": "exit", "pid": 456, "code": 0, "signal": null}

Each worker leads its own process group (so the host can signal it and its children
together), gets SIGKILL from the kernel if the template dies (Linux), and also watches
the template's pid.

The template is a child subreaper (Linux): whatever a worker starts stays below the
template in the process tree, even a grandchild that called ``setsid`` after its
worker died. When the host goes away (stdin closes, or the template's parent pid
changes: a SIGKILLed host never says goodbye) or disposes it (closes stdin), the
template SIGKILLs every descendant, then exits. SIGKILL, not SIGTERM: a worker stuck
in C code holding the GIL never runs a Python signal handler.
Fork safety: the template imports grpc but never creates a channel or server, so no
gRPC threads exist to be lost across the fork; its own helper threads never hold a
lock the child needs (they write with ``os.write``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import traceback
from typing import Any

from .process import lifeline

_write_lock = threading.Lock()
# Pids of the workers this template forked and still waits for; the orphan reaper leaves them to _wait.
_workers: set[int] = set()
_workers_lock = threading.Lock()
_shutdown_lock = threading.Lock()
_shutdown_done = False
_HOST_POLL_S = 0.2
_REAP_INTERVAL_S = 1.0


def _emit(event: dict[str, Any]) -> None:
    data = (json.dumps(event) + "\n").encode()
    with _write_lock:
        view = memoryview(data)
        while view:
            written = os.write(1, view)
            view = view[written:]


def _preload() -> None:
    """Imports what every worker needs, so forks start warm."""
    import asyncio  # noqa: F401
    import concurrent.futures  # noqa: F401

    import grpc
    import grpc.aio  # noqa: F401

    from . import sessions  # noqa: F401
    from .rpc import serve, service  # noqa: F401
    from .runtime import calls, executor, handles, targets, values  # noqa: F401


def _child(request: dict[str, Any], write_fd: int, template_pid: int) -> int:
    os.setpgid(0, 0)
    # SIGKILL when the template dies, however it dies (the worker also polls its parent pid elsewhere).
    lifeline.die_with_parent(signal.SIGKILL)
    if os.getppid() != template_pid:
        return 1  # the template died between fork and prctl
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(write_fd, 1)
    os.dup2(write_fd, 2)
    os.close(null)
    os.close(write_fd)
    # Fresh stream objects: the inherited ones may carry lock state from the template's threads.
    # They stay open for the process's whole life, so no context manager.
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.update({str(k): str(v) for k, v in request.get("env", {}).items()})
    # Handed over in memory: the token came through the template's private stdin and never enters an environment.
    from .rpc.serve import main as worker_main

    return worker_main(["--parent-pid", str(template_pid), "--no-stdin-watch"], token=str(request["token"]))


def _relay(pid: int, read_fd: int) -> None:
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            chunk = pipe.read(65536)
            if not chunk:
                return
            _emit({"event": "output", "pid": pid, "text": chunk.decode("utf-8", errors="replace")})


def _wait(pid: int, relay: threading.Thread) -> None:
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        with _workers_lock:
            _workers.discard(pid)
    relay.join(timeout=2.0)  # deliver the last output before the exit
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        _emit({"event": "exit", "pid": pid, "code": None, "signal": signal.Signals(-code).name})
    else:
        _emit({"event": "exit", "pid": pid, "code": code, "signal": None})


def _fork(request: dict[str, Any]) -> None:
    read_fd, write_fd = os.pipe()
    template_pid = os.getpid()
    # No helper thread may hold the write lock across the fork; the worker set is updated before the
    # orphan reaper can look, so it never collects a worker's exit status in place of _wait.
    with _write_lock, _workers_lock:
        pid = os.fork()
        if pid != 0:
            _workers.add(pid)
    if pid == 0:
        code = 1
        try:
            os.close(read_fd)
            code = _child(request, write_fd, template_pid)
        except BaseException:  # noqa: BLE001 - report anything, then leave without running the template's code
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_fd)
    relay = threading.Thread(target=_relay, args=(pid, read_fd), name=f"relay-{pid}", daemon=True)
    relay.start()
    threading.Thread(target=_wait, args=(pid, relay), name=f"wait-{pid}", daemon=True).start()
    _emit({"event": "forked", "id": request.get("id"), "pid": pid})


def _reap_orphans() -> None:
    """Collects the exit status of processes re-parented to the template (it is their subreaper)."""
    me = os.getpid()
    while True:
        time.sleep(_REAP_INTERVAL_S)
        with _workers_lock:
            zombies = [pid for pid, state in lifeline.direct_children(me) if state == "Z" and pid not in _workers]
            lifeline.reap(zombies)


def _shutdown() -> None:
    """Kills every process below the template (workers, their children, orphans it adopted), once.

    Both the main thread (stdin closed) and the host watcher get here, and each leaves the process right after:
    the second caller must wait until the first has finished killing, or it would exit mid-kill.
    """
    global _shutdown_done
    with _shutdown_lock:
        if not _shutdown_done:
            lifeline.kill_descendants(os.getpid())
            _shutdown_done = True


def _watch_host(host_pid: int) -> None:
    """A host killed with SIGKILL may leave our stdin open (another process holding it): watch its pid too."""
    while os.getppid() == host_pid:
        time.sleep(_HOST_POLL_S)
    _shutdown()
    os._exit(0)


def main() -> int:
    """Preloads, announces readiness, and forks workers on request until stdin closes; then kills its tree."""
    host_pid = os.getppid()
    lifeline.become_subreaper()
    threading.Thread(target=_watch_host, args=(host_pid,), name="host-watch", daemon=True).start()
    threading.Thread(target=_reap_orphans, name="orphan-reaper", daemon=True).start()
    try:
        _preload()
    except Exception as exc:  # noqa: BLE001 - the host falls back to spawning workers
        _emit({"event": "failed", "error": f"{type(exc).__name__}: {exc}"})
        return 1
    # Ctrl+C in the host's terminal is the host's business; the template ends with its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _emit({"event": "ready", "pid": os.getpid()})
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
        except ValueError:
            _emit({"event": "protocol_error", "line": line.decode("utf-8", errors="replace")[:200]})
            continue
        if request.get("op") != "fork":
            _emit({"event": "protocol_error", "line": f"unknown op {request.get('op')!r}"})
            continue
        try:
            _fork(request)
        except OSError as exc:
            _emit({"event": "fork_failed", "id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"})
    # stdin closed: the host disposed us, or died.
    _shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
