"""The worker process end to end from Python: handshake, token, calls, cancel, eval, host death."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from snakebridge_worker.proto import errors_pb2, values_pb2, worker_pb2, worker_pb2_grpc

PYTHON_DIR = Path(__file__).resolve().parents[1]
TOKEN = "test-token-123"


class Worker:
    def __init__(self, *extra_args: str) -> None:
        env = {**os.environ, "SNAKEBRIDGE_WORKER_TOKEN": TOKEN, "PYTHONPATH": str(PYTHON_DIR), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "snakebridge_worker", *extra_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("SNAKEBRIDGE_WORKER_READY "), line
        self.handshake = json.loads(line.split(" ", 1)[1])
        self.channel = grpc.insecure_channel(self.handshake["address"])
        self.stub = worker_pb2_grpc.WorkerStub(self.channel)
        self.auth = (("x-snakebridge-token", TOKEN),)

    def call(
        self, target: str, *args: values_pb2.Value, timeout: float = 10, call_id: str = ""
    ) -> worker_pb2.CallResponse:
        request = worker_pb2.CallRequest(
            call_id=call_id, kind=worker_pb2.CALL_KIND_FUNCTION, target=target, args=list(args)
        )
        response: worker_pb2.CallResponse = self.stub.Call(request, metadata=self.auth, timeout=timeout)
        return response

    def close(self) -> None:
        self.channel.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)


@pytest.fixture
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.close()


def num(x: float) -> values_pb2.Value:
    return values_pb2.Value(float_value=x) if isinstance(x, float) else values_pb2.Value(int_value=x)


def test_handshake_names_a_private_unix_socket(worker: Worker) -> None:
    address = worker.handshake["address"]
    assert worker.handshake["protocol"] == 1
    assert address.startswith("unix:")
    directory = os.path.dirname(address[len("unix:"):])
    assert os.stat(directory).st_mode & 0o777 == 0o700


def test_calls_without_the_token_are_refused(worker: Worker) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        worker.stub.Health(worker_pb2.HealthRequest(), timeout=5)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert worker.stub.Health(worker_pb2.HealthRequest(), metadata=worker.auth, timeout=5).pid == worker.process.pid


def test_a_call_returns_its_result(worker: Worker) -> None:
    response = worker.call("math.hypot", num(3), num(4))
    assert response.result.float_value == 5.0


def test_cancel_interrupts_a_blocking_sleep_and_the_worker_carries_on(worker: Worker) -> None:
    future = worker.stub.Call.future(
        worker_pb2.CallRequest(
            call_id="sleep-1", kind=worker_pb2.CALL_KIND_FUNCTION, target="time.sleep", args=[num(30)]
        ),
        metadata=worker.auth,
        timeout=60,
    )
    time.sleep(0.3)
    started = time.monotonic()
    assert worker.stub.Cancel(worker_pb2.CancelRequest(call_id="sleep-1"), metadata=worker.auth).found
    response = future.result(timeout=5)
    assert time.monotonic() - started < 2
    assert response.error.classification == errors_pb2.ERROR_CLASS_CANCELLED
    assert worker.call("math.sqrt", num(4)).result.float_value == 2.0


def test_deadline_interrupts_the_call(worker: Worker) -> None:
    with pytest.raises(grpc.RpcError) as late:
        worker.call("time.sleep", num(30), timeout=0.5)
    assert late.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert worker.call("math.sqrt", num(9)).result.float_value == 3.0


def test_eval_streams_output_then_the_result(worker: Worker) -> None:
    events = list(
        worker.stub.Eval(worker_pb2.EvalRequest(session_id="s", code="print('hi')\n6 * 7"), metadata=worker.auth)
    )
    # A cell's writes are coalesced: print's text and its newline arrive as one chunk.
    assert events[0].output.text == "hi\n"
    assert events[-1].result.value.int_value == 42
    assert events[-1].result.execution_count == 1


def test_eval_coalesces_many_writes_into_few_chunks(worker: Worker) -> None:
    code = "for i in range(5000):\n    print(i)"
    events = list(worker.stub.Eval(worker_pb2.EvalRequest(session_id="s", code=code), metadata=worker.auth))
    chunks = [e.output.text for e in events if e.WhichOneof("event") == "output"]
    assert "".join(chunks) == "".join(f"{i}\n" for i in range(5000))
    assert len(chunks) <= 20


def test_worker_exits_when_its_host_closes_stdin(worker: Worker) -> None:
    worker.process.stdin.close()  # type: ignore[union-attr]
    assert worker.process.wait(timeout=10) == 0
    socket_dir = os.path.dirname(worker.handshake["address"][len("unix:"):])
    assert not os.path.exists(socket_dir)


def test_refuses_to_start_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SNAKEBRIDGE_WORKER_TOKEN"}
    env["PYTHONPATH"] = str(PYTHON_DIR)
    result = subprocess.run(
        [sys.executable, "-m", "snakebridge_worker"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "SNAKEBRIDGE_WORKER_TOKEN is not set" in result.stderr


class _LaneClient:
    """A host's end of a worker's call lane: a socket (TCP, Unix) or the FIFO pair of a local worker."""

    def __init__(self, address: str) -> None:
        self._sock: socket.socket | None = None
        self._fifo_in = self._fifo_out = -1
        if address.startswith("fifo:"):
            folder = address[len("fifo:"):]
            # As the host does (call-lane.ts): lane.out first, then lane.in once the worker reads it.
            self._fifo_out = _open_fifo(os.path.join(folder, "lane.out"), os.O_RDONLY)
            self._fifo_in = _open_fifo(os.path.join(folder, "lane.in"), os.O_WRONLY)
            os.set_blocking(self._fifo_in, True)
        elif address.startswith("unix:"):
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.connect(address[len("unix:"):])
        else:
            host, port = address.rsplit(":", 1)
            self._sock = socket.create_connection((host, int(port)))

    def send(self, frame: worker_pb2.LaneFrame) -> None:
        data = frame.SerializeToString()
        message = struct.pack("<I", len(data)) + data
        if self._sock is not None:
            self._sock.sendall(message)
        else:
            os.write(self._fifo_in, message)

    def _recv(self, n: int) -> bytes:
        fd = self._sock.fileno() if self._sock is not None else self._fifo_out
        readable, _, _ = select.select([fd], [], [], 5)
        assert readable, "the worker did not answer within 5 s"
        return self._sock.recv(n) if self._sock is not None else os.read(self._fifo_out, n)

    def receive(self) -> worker_pb2.LaneFrame | None:
        """The next frame, or None when the worker closed the connection."""

        def exactly(n: int) -> bytes:
            chunks = b""
            while len(chunks) < n:
                chunk = self._recv(n - len(chunks))
                if not chunk:
                    return b""
                chunks += chunk
            return chunks

        header = exactly(4)
        if not header:
            return None
        return worker_pb2.LaneFrame.FromString(exactly(struct.unpack("<I", header)[0]))

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        for fd in (self._fifo_in, self._fifo_out):
            if fd >= 0:
                os.close(fd)


def _open_fifo(path: str, flags: int) -> int:
    deadline = time.monotonic() + 5
    while True:
        try:
            return os.open(path, flags | os.O_NONBLOCK)
        except (FileNotFoundError, OSError) as exc:  # ENOENT / ENXIO: the worker is making its next pair
            if time.monotonic() > deadline:
                raise AssertionError(f"could not open {path}: {exc}") from exc
            time.sleep(0.01)


@pytest.fixture(params=["unix", "tcp"])
def lane_worker(request: pytest.FixtureRequest) -> Iterator[Worker]:
    """A local worker (its call lane is a FIFO pair in its private folder) or a TCP one (a remote or Ray worker)."""
    w = Worker("--transport", request.param)
    yield w
    w.close()


def test_the_call_lane_refuses_a_connection_without_the_token_and_answers_a_batch_in_one_frame(
    lane_worker: Worker,
) -> None:
    worker = lane_worker
    assert worker.handshake["fast_address"].startswith(
        "fifo:" if "unix:" in worker.handshake["address"] else "127.0.0.1:"
    )
    request = worker_pb2.CallRequest(
        call_id="p1", kind=worker_pb2.CALL_KIND_FUNCTION, target="operator.mul", args=[num(6), num(7)]
    )
    refused = _LaneClient(worker.handshake["fast_address"])
    refused.send(worker_pb2.LaneFrame(token="wrong", requests=[request]))
    assert refused.receive() is None  # closed without an answer
    refused.close()

    lane = _LaneClient(worker.handshake["fast_address"])
    second = worker_pb2.CallRequest(
        call_id="p2", kind=worker_pb2.CALL_KIND_FUNCTION, target="operator.add", args=[num(1), num(2)]
    )
    lane.send(worker_pb2.LaneFrame(token=TOKEN, requests=[request, second]))
    answer = lane.receive()
    assert answer is not None
    assert [(r.call_id, r.result.int_value) for r in answer.responses] == [("p1", 42), ("p2", 3)]
    # A cancel that overtakes its call (it names a call the worker has not seen) stops that call on arrival.
    lane.send(worker_pb2.LaneFrame(cancels=[worker_pb2.CancelRequest(call_id="late")]))
    sleeper = worker_pb2.CallRequest(
        call_id="late", kind=worker_pb2.CALL_KIND_FUNCTION, target="time.sleep", args=[num(5)]
    )
    lane.send(worker_pb2.LaneFrame(requests=[sleeper]))
    answer = lane.receive()
    assert answer is not None and answer.responses[0].error.classification == errors_pb2.ERROR_CLASS_CANCELLED
    lane.close()


def _pair_identity(folder: str) -> tuple[int, int]:
    """Which FIFO pair the worker offers now (a fresh FIFO may reuse the inode number, not its ctime too).

    Read it when nothing is in flight: each write to a FIFO also moves its ctime.
    """
    found = os.stat(os.path.join(folder, "lane.out"))
    return found.st_ino, found.st_ctime_ns


def _await_fresh_pair(folder: str, after: tuple[int, int]) -> None:
    """Waits until the worker has made a fresh pair (a worker serves one host; this is after it left)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            if _pair_identity(folder) != after:
                return
        time.sleep(0.01)
    raise AssertionError("the worker did not make a fresh FIFO pair after its host left")


def _leave(lane: _LaneClient, folder: str) -> None:
    """A host leaves a local lane (nothing of its in flight) and waits until the worker offers a fresh pair."""
    before = _pair_identity(folder)
    lane.close()
    _await_fresh_pair(folder, before)


def _add_one(call_id: str, a: int) -> worker_pb2.CallRequest:
    """A lane call of operator.add(a, 1)."""
    return worker_pb2.CallRequest(call_id=call_id, kind=worker_pb2.CALL_KIND_FUNCTION, target="operator.add",
                                  args=[num(a), num(1)])


def test_a_local_lane_is_a_private_fifo_pair_made_anew_for_each_host(worker: Worker) -> None:
    address = worker.handshake["fast_address"]
    assert address.startswith("fifo:")
    folder = address[len("fifo:"):]
    assert os.stat(folder).st_mode & 0o777 == 0o700
    for name in ("lane.in", "lane.out"):
        mode = os.stat(os.path.join(folder, name)).st_mode
        assert stat.S_ISFIFO(mode) and mode & 0o777 == 0o600

    # A host that leaves with its answer unread: the next host must never read that answer.
    first = _LaneClient(address)
    first.send(worker_pb2.LaneFrame(token=TOKEN, requests=[_add_one("old", 1)]))
    time.sleep(0.3)  # answered into lane.out, never read
    _leave(first, folder)
    second = _LaneClient(address)
    second.send(worker_pb2.LaneFrame(token=TOKEN, requests=[_add_one("new", 41)]))
    answer = second.receive()
    assert answer is not None and [(r.call_id, r.result.int_value) for r in answer.responses] == [("new", 42)]
    _leave(second, folder)
    # And a third, after that one left with nothing pending.
    third = _LaneClient(address)
    third.send(worker_pb2.LaneFrame(token=TOKEN, requests=[_add_one("third", 2)]))
    answer = third.receive()
    assert answer is not None and answer.responses[0].result.int_value == 3
    third.close()


def test_a_host_reading_a_local_lane_sees_its_end_when_the_worker_exits(worker: Worker) -> None:
    lane = _LaneClient(worker.handshake["fast_address"])
    lane.send(worker_pb2.LaneFrame(token=TOKEN))
    worker.process.kill()
    worker.process.wait(timeout=10)
    assert lane.receive() is None
    lane.close()


def test_a_host_that_leaves_while_python_waits_on_its_callback_frees_the_lane_for_the_next(worker: Worker) -> None:
    address = worker.handshake["fast_address"]
    folder = address[len("fifo:"):]

    first = _LaneClient(address)
    callback = values_pb2.Value(host_function_value=values_pb2.HostFunction(id="f1", name="add"))
    items = values_pb2.Value(list_value=values_pb2.ValueList(items=[num(1), num(2)]))
    reduce_call = worker_pb2.CallRequest(call_id="r1", kind=worker_pb2.CALL_KIND_FUNCTION, target="functools.reduce",
                                         args=[callback, items])
    first.send(worker_pb2.LaneFrame(token=TOKEN, requests=[reduce_call]))
    asked = first.receive()  # Python calls the host function and waits, reading the lane itself
    assert asked is not None and asked.requests[0].kind == worker_pb2.CALL_KIND_CALLBACK
    _leave(first, folder)  # and the host goes away without answering

    second = _LaneClient(address)
    second.send(worker_pb2.LaneFrame(token=TOKEN, requests=[_add_one("a1", 4)]))
    answer = second.receive()
    assert answer is not None and [(r.call_id, r.result.int_value) for r in answer.responses] == [("a1", 5)]
    second.close()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (from /proc, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as stat_file:
        fields = stat_file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not os.path.exists("/proc/self/stat") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs /proc and two CPUs (a worker never polls on one)")
def test_a_local_lane_polls_for_the_next_call_only_briefly_and_keeps_serving_control_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SNAKEBRIDGE_LANE_SPIN_US", "10000")  # the longest window allowed, so the bound shows
    worker = Worker()
    try:
        lane = _LaneClient(worker.handshake["fast_address"])
        # Calls arriving while the worker polls (1 ms apart, inside its window) are all answered, in order,
        # for longer than the worker may stay away from its loop: gRPC calls still get through meanwhile.
        lane.send(worker_pb2.LaneFrame(token=TOKEN))
        answered: list[tuple[str, int]] = []

        def host_loop() -> None:
            for i in range(500):
                lane.send(worker_pb2.LaneFrame(requests=[_add_one(f"c{i}", i)]))
                answer = lane.receive()
                assert answer is not None
                answered.extend((r.call_id, r.result.int_value) for r in answer.responses)
                time.sleep(0.001)

        loop = threading.Thread(target=host_loop)
        loop.start()
        grpc_answers: list[float] = []
        while loop.is_alive():
            asked = time.monotonic()
            assert worker.call("operator.mul", num(6), num(7), timeout=5).result.int_value == 42
            grpc_answers.append(time.monotonic() - asked)
            time.sleep(0.05)
        loop.join()
        assert answered == [(f"c{i}", i + 1) for i in range(500)]
        assert len(grpc_answers) >= 3 and max(grpc_answers) < 0.25, grpc_answers

        # Then nothing comes: the worker polls for one window at most and sleeps.
        before = _cpu_seconds(worker.process.pid)
        time.sleep(1.0)
        idle_cpu = _cpu_seconds(worker.process.pid) - before
        assert idle_cpu < 0.25, f"an idle worker used {idle_cpu:.2f} s of CPU in 1 s"
        lane.close()
    finally:
        worker.close()


def test_hosts_that_leave_right_after_their_answer_each_get_a_fresh_pair(worker: Worker) -> None:
    # Each host closes while the worker still polls for its next call; the worker must see the end there too.
    address = worker.handshake["fast_address"]
    folder = address[len("fifo:"):]
    for i in range(10):
        lane = _LaneClient(address)
        lane.send(worker_pb2.LaneFrame(token=TOKEN, requests=[_add_one(f"h{i}", i)]))
        answer = lane.receive()
        assert answer is not None and answer.responses[0].result.int_value == i + 1
        _leave(lane, folder)  # after the answer: a write to a FIFO moves the identity _leave reads
