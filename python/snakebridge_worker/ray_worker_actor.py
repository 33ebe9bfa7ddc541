"""The Ray actor behind one pool slot: it supervises a normal ``python -m snakebridge_worker`` on its node.

The worker runs as the actor's child rather than inside the actor process because user code must own a
process's main thread (signals interrupt calls there) while Ray's task loop owns the actor's. The child keeps
every property of a local worker: token check, host-death watch (its stdin is a pipe from this actor, so it exits
when the actor dies), main-thread execution. It serves gRPC on TCP at the address the agent asks for.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from typing import Any

HANDSHAKE_PREFIX = "SNAKEBRIDGE_WORKER_READY "


def _node_ip() -> str:
    """The address Ray knows this node by (its --node-ip-address), not a guess from the interfaces."""
    from ray._private import worker as ray_worker

    return str(ray_worker.global_worker.node_ip_address)


class WorkerActor:
    """Starts, watches and stops one worker process on the node Ray placed this actor on."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._exited = threading.Event()
        self._exit_code: int | None = None

    def start(self, token: str, bind_host: str, env: dict[str, str], python_path: str, timeout_s: float,
              tls: dict[str, str] | None = None) -> dict[str, Any]:
        """Starts the worker with ``token`` (delivered through Ray's authenticated channel); returns its handshake.

        ``tls`` holds ``cert`` and ``key``: paths on this node (the same on every node) of the worker's certificate.
        """
        import ray

        host = bind_host or _node_ip()
        child_env = {
            **os.environ,
            **env,
            "PYTHONUNBUFFERED": "1",
            "SNAKEBRIDGE_NODE": f"{os.uname().nodename} ({_node_ip()})",
        }
        child_env.pop("SNAKEBRIDGE_WORKER_TOKEN", None)
        # The token goes through a pipe, not the environment: /proc/<pid>/environ would show it for the
        # worker's whole life. A token is far smaller than a pipe's buffer, so it is written before the start.
        token_read, token_write = os.pipe()
        os.write(token_write, (token + "\n").encode())
        os.close(token_write)
        if python_path:
            child_env["PYTHONPATH"] = os.pathsep.join(p for p in (python_path, child_env.get("PYTHONPATH", "")) if p)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "snakebridge_worker", "--transport", "tcp", "--tcp-host", host,
                 "--token-fd", str(token_read),
                 *(["--tls-cert", tls["cert"], "--tls-key", tls["key"]] if tls else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, env=child_env, pass_fds=(token_read,),
                start_new_session=True,  # its own group, so stop() reaches whatever user code starts
            )
        finally:
            os.close(token_read)
        handshake = self._read_handshake(timeout_s)
        threading.Thread(target=self._relay_output, name="worker-stdout", daemon=True).start()
        threading.Thread(target=self._reap, name="worker-reaper", daemon=True).start()
        context = ray.get_runtime_context()
        return {
            **handshake,
            "actor_pid": os.getpid(),
            "node_id": context.get_node_id(),
            "node_ip": _node_ip(),
            "hostname": os.uname().nodename,
            "assigned_resources": {k: float(v) for k, v in context.get_assigned_resources().items()},
        }

    def _read_handshake(self, timeout_s: float) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        found: dict[str, Any] = {}
        seen: list[str] = []

        def read() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for raw in self._proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if line.startswith(HANDSHAKE_PREFIX):
                    found.update(json.loads(line[len(HANDSHAKE_PREFIX):]))
                    return
                seen.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout_s)
        if not found:
            self._kill_group()
            code = self._proc.poll()
            why = (
                f"exited with code {code}" if code is not None else f"did not finish starting within {timeout_s:.0f} s"
            )
            output = "\n".join(seen[-40:])
            raise RuntimeError(
                f"the worker on this Ray node {why}" + (f"\n--- worker output ---\n{output}" if output else "")
            )
        return found

    def _relay_output(self) -> None:
        # What user code prints reaches the host through Ray's log forwarding (log_to_driver in the agent).
        assert self._proc is not None and self._proc.stdout is not None
        for raw in self._proc.stdout:
            sys.stdout.write(raw.decode("utf-8", "replace"))
            sys.stdout.flush()

    def _reap(self) -> None:
        assert self._proc is not None
        self._exit_code = self._proc.wait()
        self._exited.set()

    def wait(self) -> int:
        """Blocks until the worker exits; returns its exit code (negative: killed by that signal)."""
        self._exited.wait()
        return self._exit_code if self._exit_code is not None else -1

    def pids(self) -> dict[str, int]:
        """The actor's and its worker's process ids."""
        return {"actor_pid": os.getpid(), "worker_pid": self._proc.pid if self._proc else 0}

    def stop(self, grace_s: float = 2.0) -> int:
        """SIGTERMs the worker's group, SIGKILLs it after ``grace_s``; returns the exit code."""
        if self._proc is None:
            return 0
        if self._proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            if not self._exited.wait(grace_s):
                self._kill_group()
                self._exited.wait(5.0)
        return self._exit_code if self._exit_code is not None else -1

    def _kill_group(self) -> None:
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, sig: signal.Signals) -> None:
        if self._proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, sig)

