"""``python -m snakebridge_worker.ray_agent``: the host's hands on a Ray cluster.

Ray has no JavaScript client, so the host drives Ray through this process. Requests arrive as JSON lines on
stdin; replies and events leave as JSON lines on file descriptor 3 (``--reply-fd``), which keeps them apart from
what Ray forwards from actors to stdout/stderr (user prints). The agent

* connects to a cluster (``auto``, ``host:port``, ``ray://…``) or starts a private single-node head bound to
  127.0.0.1 (``local``), with usage statistics and the dashboard off;
* sweeps actors orphaned by a host that died (same namespace and name prefix, owner process gone);
* creates one named ``WorkerActor`` per pool slot and reports the worker's address, node and pids;
* reports an actor's death or its worker's exit as an event, and kills actors on request;
* exits when the host dies (stdin EOF, parent pid change), killing its actors and, in ``local`` mode, the head.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TextIO

# Set before ray is imported: ray reads them at import time.
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class AgentError(Exception):
    """A request failed for a reason the user can act on."""


def owner_tag(pid: int) -> str:
    """``<host>.<pid>.<start>``: names a host process unambiguously (pids are reused, start times are not)."""
    import psutil

    host = os.uname().nodename.replace(".", "-")
    return f"{host}.{pid}.{int(psutil.Process(pid).create_time() * 100)}"


def owner_alive(tag: str) -> bool | None:
    """Whether the host process named by ``tag`` lives; None when it ran on another machine (cannot tell)."""
    import psutil

    try:
        host, pid, start = tag.split(".")
    except ValueError:
        return None
    if host != os.uname().nodename.replace(".", "-"):
        return None
    try:
        return int(psutil.Process(int(pid)).create_time() * 100) == int(start)
    except (psutil.NoSuchProcess, ValueError):
        return False


def _resolved_address(address: str) -> str:
    """The GCS address ``auto`` stands for (RAY_ADDRESS, else the cluster `ray start` recorded), else ``address``."""
    if address != "auto":
        return address
    if os.environ.get("RAY_ADDRESS"):
        return os.environ["RAY_ADDRESS"]
    try:
        with open(os.path.join(tempfile.gettempdir(), "ray", "ray_current_cluster"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return address


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Fails fast, with the reason, when nothing answers at a cluster's HOST:PORT.

    ray.init would retry for a minute."""
    import socket

    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" with no recorded cluster: let Ray say so
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except OSError as exc:
        raise AgentError(f"nothing answers at the Ray cluster address {target} ({exc.strerror or exc}). Check that the "
                         "cluster runs (`ray status` on its head) and that this machine can reach that port.") from exc


def _is_loopback(address: str) -> bool:
    """Whether a GCS address (HOST:PORT or ray://HOST:PORT) names this machine's loopback interface."""
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host == "localhost" or host == "::1" or host.startswith("127.")


class Agent:
    """One connection to Ray and the actors this host owns on it."""

    def __init__(self, emit: Callable[[dict[str, Any]], None], host_pid: int) -> None:
        self._emit = emit
        self._host_pid = host_pid
        self._owner = ""
        self._lock = threading.Lock()
        self._actors: dict[str, Any] = {}
        self._waits: dict[str, Any] = {}
        self._stopping: set[str] = set()
        self._connected = False
        self._mode = ""
        self._namespace = "snakebridge"
        self._prefix = "sbw"
        self._python_path = ""
        self._ship_code = False
        self._temp_dir: str | None = None
        self._closed = threading.Event()
        self._actor_class: Any = None

    # -- requests -------------------------------------------------------------------------------

    def connect(self, req: dict[str, Any]) -> dict[str, Any]:
        """Joins (or, for ``local``, starts) the cluster and sweeps this machine's orphaned actors."""
        address = str(req.get("address") or "auto")
        if address == "local" or _is_loopback(_resolved_address(address)):
            # Without this Ray "resolves" 127.0.0.1 to the machine's outward address, then binds (local head) or
            # dials (driver) that address instead of loopback.
            os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
        try:
            import ray
        except ImportError as exc:
            raise AgentError(f"Ray is not installed in {sys.executable} ({exc}). "
                             "Install the extra: pip install -r python/requirements-ray.txt") from exc
        if self._connected:
            raise AgentError("the agent is already connected")
        self._namespace = str(req.get("namespace") or "snakebridge")
        self._prefix = str(req.get("prefix") or "sbw")
        common: dict[str, Any] = {"namespace": self._namespace, "log_to_driver": True, "include_dashboard": False,
                                  "configure_logging": False}
        started = time.monotonic()
        if address == "local":
            self._mode = "local"
            os.environ.pop("RAY_ADDRESS", None)
            # A private folder: sessions, sockets and logs of this head never mix with another head's.
            self._temp_dir = tempfile.mkdtemp(prefix="sb-ray-")
            ray.init(address="local", _node_ip_address="127.0.0.1", _temp_dir=self._temp_dir,
                     num_cpus=int(req.get("num_cpus") or os.cpu_count() or 1),
                     num_gpus=req.get("num_gpus"),
                     resources=req.get("resources") or None,
                     object_store_memory=int(req.get("object_store_memory") or 150 * 1024 * 1024),
                     **common)
        else:
            self._mode = "client" if address.startswith("ray://") else "cluster"
            _check_reachable(_resolved_address(address))
            if self._mode == "client":
                try:
                    import grpc  # noqa: F401
                    import ray.util.client
                except ImportError as exc:
                    raise AgentError(
                        f"ray:// addresses need Ray's client extra: pip install 'ray[client]' ({exc})"
                    ) from exc
                common.pop("include_dashboard")
                common.pop("configure_logging")
            try:
                ray.init(address=address, **common)
            except ConnectionError as exc:
                raise AgentError(f"could not connect to the Ray cluster at {address}: {exc}. Check that it runs "
                                 "(`ray status`) and that this machine can reach its GCS port.") from exc
        self._connected = True
        self._owner = owner_tag(self._host_pid)
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        node_ips = {str(n.get("NodeManagerAddress", "")) for n in nodes}
        # The worker package reaches the nodes on the same path when the cluster is this machine, otherwise
        # through Ray (py_modules uploads it once per job).
        self._ship_code = self._mode != "local" and not node_ips <= LOOPBACK
        self._python_path = "" if self._ship_code else PACKAGE_ROOT
        self._actor_class = self._make_actor_class(ray)
        swept, foreign = self.sweep(ray)
        return {
            "mode": self._mode,
            "ray_version": ray.__version__,
            "nodes": [
                {"node_id": n.get("NodeID"), "ip": n.get("NodeManagerAddress"), "resources": n.get("Resources", {})}
                for n in nodes
            ],
            "gcs_address": ray.get_runtime_context().gcs_address,
            "swept": swept,
            "foreign": foreign,
            "connect_ms": round((time.monotonic() - started) * 1000),
            "temp_dir": self._temp_dir or "",
        }

    def _make_actor_class(self, ray: Any) -> Any:
        from ray import cloudpickle

        from . import ray_worker_actor

        # Shipped by value: a node needs no copy of this package to create the actor.
        cloudpickle.register_pickle_by_value(ray_worker_actor)
        return ray.remote(ray_worker_actor.WorkerActor)

    def sweep(self, ray: Any) -> tuple[list[str], int]:
        """Kills actors under our prefix whose owning host process is dead; returns them and the count left alone."""
        swept: list[str] = []
        foreign = 0
        for entry in ray.util.list_named_actors(all_namespaces=True):
            name = entry["name"] if isinstance(entry, dict) else str(entry)
            namespace = entry.get("namespace") if isinstance(entry, dict) else self._namespace
            if namespace != self._namespace or not name.startswith(self._prefix + "."):
                continue
            parts = name[len(self._prefix) + 1:].split(".")
            alive = owner_alive(".".join(parts[:3])) if len(parts) >= 5 else None
            if alive is None:
                foreign += 1
                continue
            if alive:
                continue
            try:
                ray.kill(ray.get_actor(name, namespace=self._namespace), no_restart=True)
                swept.append(name)
            except ValueError:
                pass  # it died between listing and lookup
        return swept, foreign

    def start(self, req: dict[str, Any]) -> dict[str, Any]:
        """Creates one actor and starts its worker; returns the worker's handshake plus placement."""
        import ray

        self._require_connected()
        # <prefix>.<host>.<host pid>.<host start>.<slot>.<nonce>: the sweep reads the owner back from the name.
        name = f"{self._prefix}.{self._owner}.{req['name']}"
        options: dict[str, Any] = {
            "name": name,
            "namespace": self._namespace,
            "num_cpus": float(req.get("num_cpus", 1)),
            "max_concurrency": 4,  # start/wait/stop run side by side; user code runs in the child, not here
            "max_restarts": 0,  # the pool replaces crashed workers itself
        }
        if req.get("num_gpus"):
            options["num_gpus"] = float(req["num_gpus"])
        if req.get("resources"):
            options["resources"] = {str(k): float(v) for k, v in dict(req["resources"]).items()}
        if self._mode != "local":
            options["lifetime"] = "detached"  # survives a dropped client connection; swept when its host died
        if self._ship_code:
            options["runtime_env"] = {"py_modules": [PACKAGE_DIR]}
        actor = self._actor_class.options(**options).remote()
        with self._lock:
            self._actors[name] = actor
        timeout_s = float(req.get("timeout_s", 60))
        try:
            info = ray.get(actor.start.remote(str(req["token"]), str(req.get("bind_host") or ""),
                                              {str(k): str(v) for k, v in dict(req.get("env") or {}).items()},
                                              self._python_path, timeout_s,
                                              {str(k): str(v) for k, v in dict(req.get("tls") or {}).items()}),
                        timeout=timeout_s + 5)
        except Exception as exc:
            self._forget(name)
            ray.kill(actor, no_restart=True)
            raise AgentError(self._start_failure(exc, options)) from exc
        with self._lock:
            if name in self._actors:
                self._waits[name] = actor.wait.remote()
        return {"name": name, **info}

    def _start_failure(self, exc: Exception, options: dict[str, Any]) -> str:
        import ray

        if isinstance(exc, ray.exceptions.GetTimeoutError):
            wanted = {k: options[k] for k in ("num_cpus", "num_gpus", "resources") if k in options}
            return (f"no Ray node started worker actor {options['name']} in time; the cluster may lack the resources "
                    f"asked for ({wanted}). See `ray status`.")
        cause = getattr(exc, "cause", None)
        return f"the worker actor {options['name']} failed to start: {cause or exc}"

    def kill(self, req: dict[str, Any]) -> dict[str, Any]:
        """Kills an actor at once (its worker dies with it)."""
        import ray

        name = str(req["name"])
        actor = self._forget(name)
        if actor is not None:
            ray.kill(actor, no_restart=True)
        return {"killed": actor is not None}

    def stop(self, req: dict[str, Any]) -> dict[str, Any]:
        """Stops an actor's worker gracefully (SIGTERM, then SIGKILL), then kills the actor."""
        import ray

        name = str(req["name"])
        with self._lock:
            actor = self._actors.get(name)
            self._stopping.add(name)
        if actor is None:
            return {"stopped": False}
        code: int | None = None
        try:
            code = ray.get(
                actor.stop.remote(float(req.get("grace_s", 2.0))), timeout=float(req.get("grace_s", 2.0)) + 10
            )
        except Exception:  # noqa: BLE001 - the actor is killed below either way; its fate is reported by the event
            code = None
        self._forget(name)
        ray.kill(actor, no_restart=True)
        return {"stopped": True, "exit_code": code}

    def pids(self, req: dict[str, Any]) -> dict[str, Any]:
        """The actor's and its worker's pids (tests use them to kill one)."""
        import ray

        with self._lock:
            actor = self._actors.get(str(req["name"]))
        if actor is None:
            raise AgentError(f"no actor named {req['name']} is owned by this agent")
        return dict(ray.get(actor.pids.remote(), timeout=10))

    def _forget(self, name: str) -> Any:
        with self._lock:
            self._waits.pop(name, None)
            return self._actors.pop(name, None)

    def _require_connected(self) -> None:
        if not self._connected:
            raise AgentError("connect first")

    # -- watching ------------------------------------------------------------------------------

    def watch(self) -> None:
        """Reports each actor whose worker exited or which died, as an ``exit`` event."""
        import ray

        while not self._closed.is_set():
            with self._lock:
                waits = dict(self._waits)
            if not waits:
                time.sleep(0.1)
                continue
            by_ref = {ref: name for name, ref in waits.items()}
            ready, _ = ray.wait(list(by_ref), num_returns=1, timeout=0.2)
            for ref in ready:
                name = by_ref[ref]
                try:
                    code = ray.get(ref)
                    reason = f"its worker exited with code {code}"
                    signal_name = (
                        signal.Signals(-code).name if code < 0 and -code in signal.Signals._value2member_map_ else None
                    )
                except ray.exceptions.RayActorError as exc:
                    code, signal_name = None, None
                    reason = f"the actor died: {str(exc).splitlines()[0][:400]}"
                except Exception as exc:  # noqa: BLE001 - reported to the host, which replaces the worker
                    code, signal_name = None, None
                    reason = f"the actor failed: {exc}"
                actor = self._forget(name)
                with self._lock:
                    stopping = name in self._stopping
                    self._stopping.discard(name)
                if actor is not None:
                    try:
                        ray.kill(actor, no_restart=True)
                    except Exception as exc:  # noqa: BLE001 - usually already dead; said where the agent's output goes
                        print(f"ray agent: kill of {name} after its exit: {exc}", file=sys.stderr)
                self._emit({"event": "exit", "name": name, "code": code, "signal": signal_name, "reason": reason,
                            "expected": stopping})

    # -- shutdown ------------------------------------------------------------------------------

    def close(self) -> None:
        """Kills every actor this agent created and leaves the cluster (stopping the head in local mode)."""
        if self._closed.is_set():
            return
        self._closed.set()
        if not self._connected:
            return
        import ray

        with self._lock:
            actors = list(self._actors.values())
            self._actors.clear()
            self._waits.clear()
        for actor in actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception as exc:  # noqa: BLE001 - on the way out; the next start's sweep catches survivors
                print(f"ray agent: could not kill an actor on shutdown: {exc}", file=sys.stderr)
        ray.shutdown()
        self.remove_temp_dir()

    def remove_temp_dir(self) -> None:
        """Removes a local head's private folder (sessions, sockets, logs)."""
        if not self._temp_dir:
            return
        # Actor processes, in process groups of their own, log their exit into it for a moment after the head.
        for _ in range(10):
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            time.sleep(0.3)
            if not os.path.exists(self._temp_dir):
                return


def _watch_host(parent_pid: int, on_gone: Callable[[], None]) -> None:
    def parent_changed() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                on_gone()
                return

    threading.Thread(target=parent_changed, name="host-pid", daemon=True).start()


def _finish(agent: Agent, code: int) -> None:
    """Leaves for good: actors and head first, then whatever Ray left in our process group."""
    try:
        agent.close()
    except Exception:  # noqa: BLE001 - the host is gone or going; nothing can be reported anymore
        traceback.print_exc()
    sys.stdout.flush()
    sys.stderr.flush()
    # Ray's helper processes (dashboard agent, runtime-env agent) outlive their raylet for a while; they are in
    # our process group when the host started us as a group leader, so they go with us.
    if os.getpgid(0) == os.getpid():
        _kill_group_members(os.getpid())
    # Again, now that nothing of the head is left to write logs into it.
    agent.remove_temp_dir()
    os._exit(code)


def _kill_group_members(pgid: int) -> None:
    """SIGKILLs every process in group ``pgid`` except this one."""
    import psutil

    for proc in psutil.process_iter():
        try:
            if proc.pid != os.getpid() and os.getpgid(proc.pid) == pgid:
                proc.kill()
        except (ProcessLookupError, psutil.Error):
            continue


def main(argv: list[str] | None = None) -> int:
    """Serves requests from the host until it goes away."""
    parser = argparse.ArgumentParser(prog="python -m snakebridge_worker.ray_agent", description=__doc__)
    parser.add_argument("--reply-fd", type=int, default=3)
    parser.add_argument("--parent-pid", type=int, default=os.getppid())
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out: TextIO = os.fdopen(args.reply_fd, "w", buffering=1, encoding="utf-8")
    write_lock = threading.Lock()

    def emit(message: dict[str, Any]) -> None:
        line = json.dumps(message)
        with write_lock:
            try:
                out.write(line + "\n")
                out.flush()
            except (BrokenPipeError, ValueError):
                pass  # the host is gone; the stdin watch ends us

    agent = Agent(emit, args.parent_pid)
    finishing = threading.Lock()

    def gone() -> None:
        if finishing.acquire(blocking=False):
            _finish(agent, 0)

    _watch_host(args.parent_pid, gone)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=gone, daemon=True).start())
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "connect": agent.connect, "start": agent.start, "kill": agent.kill, "stop": agent.stop, "pids": agent.pids,
    }
    watcher_started = False

    def serve(req: dict[str, Any]) -> None:
        nonlocal watcher_started
        op = str(req.get("op"))
        try:
            handler = handlers.get(op)
            if handler is None:
                raise AgentError(f"unknown op {op!r}")
            result = handler(req)
            if op == "connect" and not watcher_started:
                watcher_started = True
                threading.Thread(target=agent.watch, name="actor-watch", daemon=True).start()
            emit({"id": req.get("id"), "ok": True, "result": result})
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the host as a value
            detail = str(exc) if isinstance(exc, AgentError) else f"{type(exc).__name__}: {exc}"
            emit({"id": req.get("id"), "ok": False, "error": detail})

    emit({"event": "ready", "pid": os.getpid(), "python": sys.executable})
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except json.JSONDecodeError:
            emit({"event": "protocol_error", "line": line[:200]})
            continue
        if req.get("op") == "shutdown":
            emit({"id": req.get("id"), "ok": True, "result": {}})
            break
        if req.get("op") == "connect":
            serve(req)  # everything else waits for the connection
        else:
            threading.Thread(target=serve, args=(req,), daemon=True).start()
    gone()
    return 0


if __name__ == "__main__":
    sys.exit(main())
