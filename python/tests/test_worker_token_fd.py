"""The worker's token arrives through a pipe (--token-fd), so /proc/<pid>/environ never shows it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from snakebridge_worker.proto import worker_pb2, worker_pb2_grpc

PYTHON_DIR = Path(__file__).resolve().parents[1]
TOKEN = "pipe-token-7f3a9c"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_token_from_a_pipe_is_served_and_absent_from_environ() -> None:
    read_fd, write_fd = os.pipe()
    env = {k: v for k, v in os.environ.items() if k != "SNAKEBRIDGE_WORKER_TOKEN"}
    env.update({"PYTHONPATH": str(PYTHON_DIR), "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen([sys.executable, "-m", "snakebridge_worker", "--token-fd", str(read_fd)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               text=True, pass_fds=(read_fd,))
    os.close(read_fd)
    try:
        os.write(write_fd, f"{TOKEN}\n".encode())
        os.close(write_fd)
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("SNAKEBRIDGE_WORKER_READY "), line + process.stderr.read()  # type: ignore[union-attr]
        handshake = json.loads(line.split(" ", 1)[1])
        with open(f"/proc/{process.pid}/environ", "rb") as environ:
            assert TOKEN.encode() not in environ.read()
        with open(f"/proc/{process.pid}/cmdline", "rb") as cmdline:
            assert TOKEN.encode() not in cmdline.read()
        # The pipe was closed after reading: no descriptor of the worker still leads to it.
        fds = os.listdir(f"/proc/{process.pid}/fd")
        assert str(read_fd) not in fds or not os.readlink(f"/proc/{process.pid}/fd/{read_fd}").startswith("pipe:")
        with grpc.insecure_channel(handshake["address"]) as channel:
            stub = worker_pb2_grpc.WorkerStub(channel)
            health = stub.Health(worker_pb2.HealthRequest(), metadata=(("x-snakebridge-token", TOKEN),), timeout=5)
            assert health.pid == process.pid
            with pytest.raises(grpc.RpcError) as refused:
                stub.Health(worker_pb2.HealthRequest(), metadata=(("x-snakebridge-token", "wrong"),), timeout=5)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        process.kill()
        process.wait(5)


def test_an_empty_pipe_is_no_token() -> None:
    read_fd, write_fd = os.pipe()
    os.close(write_fd)
    env = {k: v for k, v in os.environ.items() if k != "SNAKEBRIDGE_WORKER_TOKEN"}
    env["PYTHONPATH"] = str(PYTHON_DIR)
    result = subprocess.run([sys.executable, "-m", "snakebridge_worker", "--token-fd", str(read_fd)], env=env,
                            capture_output=True, text=True, timeout=30, pass_fds=(read_fd,), check=False)
    os.close(read_fd)
    assert result.returncode == 2
    assert "no token" in result.stderr
