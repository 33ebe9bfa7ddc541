"""The Ray placement agent: its helpers, and one worker actor on a private head on 127.0.0.1, driven through the
agent's pipe."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from snakebridge_worker import ray_agent
from snakebridge_worker.proto import worker_pb2, worker_pb2_grpc

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_loopback_addresses_are_recognised() -> None:
    assert ray_agent._is_loopback("127.0.0.1:6379")
    assert ray_agent._is_loopback("ray://localhost:10001")
    assert ray_agent._is_loopback("[::1]:6379")
    assert not ray_agent._is_loopback("10.0.0.5:6379")
    assert not ray_agent._is_loopback("ray://head.example:10001")


def test_owner_tags_name_a_live_process_and_not_a_dead_or_foreign_one() -> None:
    me = ray_agent.owner_tag(os.getpid())
    assert ray_agent.owner_alive(me) is True
    host, pid, start = me.split(".")
    assert ray_agent.owner_alive(f"{host}.{pid}.{int(start) + 1}") is False  # same pid, another process
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = ray_agent.owner_tag(os.getpid()).replace(f".{os.getpid()}.", f".{child.pid}.")
    assert ray_agent.owner_alive(dead) is False
    assert ray_agent.owner_alive(f"another-machine.{pid}.{start}") is None
    assert ray_agent.owner_alive("garbage") is None


class AgentProcess:
    """The agent as the host runs it: requests on stdin, replies on a separate pipe."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "snakebridge_worker.ray_agent", "--reply-fd", str(write_fd)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_fd,),
            env={**os.environ, "PYTHONPATH": PYTHON_DIR}, start_new_session=True,
        )
        os.close(write_fd)
        self.replies = os.fdopen(read_fd, encoding="utf-8")
        self.events: list[dict[str, Any]] = []
        self.next_id = 0

    def read(self, timeout: float) -> dict[str, Any]:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.replies.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            raise AssertionError(f"no message from the agent within {timeout} s")
        message: dict[str, Any] = json.loads(box[0])
        return message

    def request(self, op: str, timeout: float = 90, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps({"id": self.next_id, "op": op, **params}) + "\n").encode())
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            message = self.read(max(0.1, deadline - time.monotonic()))
            if message.get("id") == self.next_id:
                return message
            self.events.append(message)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


@pytest.fixture
def agent() -> Iterator[AgentProcess]:
    pytest.importorskip("ray", reason="Ray is not installed (pip install -r python/requirements-ray.txt)")
    process = AgentProcess()
    try:
        assert process.read(30)["event"] == "ready"
        yield process
    finally:
        process.close()


def test_a_worker_actor_serves_with_its_token_and_dies_with_a_kill(agent: AgentProcess) -> None:
    connected = agent.request("connect", address="local", num_cpus=2, object_store_memory=100 * 1024 * 1024)
    assert connected["ok"], connected
    assert connected["result"]["mode"] == "local"
    assert {node["ip"] for node in connected["result"]["nodes"]} == {"127.0.0.1"}

    token = secrets.token_urlsafe(24)
    started = agent.request("start", name="w1.test", token=token, bind_host="127.0.0.1", num_cpus=1, timeout_s=60)
    assert started["ok"], started
    info = started["result"]
    assert info["address"].startswith("127.0.0.1:")
    assert info["name"].startswith("sbw.") and info["name"].endswith(".w1.test")

    with grpc.insecure_channel(info["address"]) as channel:
        stub = worker_pb2_grpc.WorkerStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.Health(worker_pb2.HealthRequest(), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        health = stub.Health(worker_pb2.HealthRequest(), metadata=(("x-snakebridge-token", token),), timeout=10)
        assert health.pid == info["pid"]

    pids = agent.request("pids", name=info["name"])["result"]
    assert pids == {"actor_pid": info["actor_pid"], "worker_pid": info["pid"]}
    assert agent.request("kill", name=info["name"])["result"] == {"killed": True}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(info["pid"]):
        time.sleep(0.2)
    assert not _alive(info["pid"]), "the worker outlived its actor"

    missing = agent.request("start", name="w2.test", token=token, bind_host="127.0.0.1", num_cpus=1,
                            resources={"no_such_resource": 1}, timeout_s=3)
    assert not missing["ok"]
    assert "resources" in missing["error"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_an_unreachable_cluster_fails_at_once_with_what_to_check(agent: AgentProcess) -> None:
    started = time.monotonic()
    reply = agent.request("connect", address="127.0.0.1:1", timeout=30)
    assert not reply["ok"]
    assert "nothing answers at the Ray cluster address 127.0.0.1:1" in reply["error"]
    assert "ray status" in reply["error"]
    assert time.monotonic() - started < 15
