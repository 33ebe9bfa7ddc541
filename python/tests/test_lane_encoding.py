"""The lane's answer frames: answers written in place into the frame that carries them, and when they leave."""

from __future__ import annotations

import asyncio
import time

import pytest

from snakebridge_worker.proto import worker_pb2
from snakebridge_worker.rpc import lane
from snakebridge_worker.rpc.lane import Answers, LaneProtocol


def _answer(call_id: str, text: str = "") -> worker_pb2.CallResponse:
    response = worker_pb2.CallResponse(call_id=call_id, duration_us=7)
    if text:
        response.result.str_value = text
    else:
        response.result.int_value = 6
    return response


def _write(answers: Answers, call_id: str, text: str = "") -> None:
    response = answers.add()
    response.CopyFrom(_answer(call_id, text))


def test_answers_written_in_place_leave_as_the_generated_frame() -> None:
    sent: list[bytes] = []
    answers = Answers(sent.append)
    expected = [_answer("a"), _answer("b", "x" * 300), _answer("c", "y" * 70_000)]
    for response in expected:
        _write(answers, response.call_id, response.result.str_value)
        answers.ran()  # within _FLUSH_AFTER_S: nothing leaves yet
    assert sent == []
    answers.send()
    assert sent == [worker_pb2.LaneFrame(responses=expected).SerializeToString()]
    answers.send()  # nothing new: no empty frame
    assert len(sent) == 1


def test_answers_leave_once_the_frame_has_run_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[bytes] = []
    answers = Answers(sent.append)
    _write(answers, "fast")
    answers.ran()
    assert sent == []
    time.sleep(lane._FLUSH_AFTER_S * 2)  # a slow call ran: what is written goes before the next call
    _write(answers, "slow")
    answers.ran()
    assert [[r.call_id for r in worker_pb2.LaneFrame.FromString(data).responses] for data in sent] == [["fast", "slow"]]
    _write(answers, "next")
    answers.send()
    assert [r.call_id for r in worker_pb2.LaneFrame.FromString(sent[-1]).responses] == ["next"]


def test_a_restarted_answer_replaces_only_its_own_half_written_one() -> None:
    sent: list[bytes] = []
    answers = Answers(sent.append)
    _write(answers, "done", "kept")
    half = answers.add()  # interrupted before it wrote its id
    half.result.int_value = 3
    answers.restart("cut").error.message = "cancelled"
    answers.restart("skipped").error.message = "cancelled before it started"  # began no answer: a new one
    answers.send()
    frame = worker_pb2.LaneFrame.FromString(sent[0])
    assert [(r.call_id, r.WhichOneof("outcome")) for r in frame.responses] == [
        ("done", "result"), ("cut", "error"), ("skipped", "error")
    ]
    assert frame.responses[0].result.str_value == "kept"


class _Channel:
    read_fd = write_fd = -1

    def __init__(self) -> None:
        self.sent = bytearray()

    def send(self, data: memoryview) -> int:
        self.sent += data
        return len(data)

    def close(self) -> None:
        pass


class _Transport(asyncio.Transport):
    def __init__(self, channel: _Channel) -> None:
        super().__init__()
        self.channel = channel

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.channel if name == "lane_channel" else default

    def close(self) -> None:
        pass

    def is_closing(self) -> bool:
        return False


def test_releases_queued_before_an_answer_leave_in_its_frame() -> None:
    channel = _Channel()
    protocol = LaneProtocol(b"token", lambda requests, answers: None, lambda call_id: None)
    protocol.connection_made(_Transport(channel))
    protocol.release_function("fn-1", 2)
    protocol._send_encoded(worker_pb2.LaneFrame(responses=[_answer("a")]).SerializeToString())
    size = int.from_bytes(channel.sent[:4], "little")
    assert size == len(channel.sent) - 4
    frame = worker_pb2.LaneFrame.FromString(bytes(channel.sent[4:]))
    assert [r.call_id for r in frame.responses] == ["a"]
    assert [(r.id, r.count) for r in frame.released_functions] == [("fn-1", 2)]
