"""The lane's own encoding of answer frames: the bytes the generated code gives, without its copies."""

from __future__ import annotations

import asyncio

from snakebridge_worker.proto import worker_pb2
from snakebridge_worker.rpc.lane import LaneProtocol, encode_answers


def _answer(call_id: str, text: str = "") -> worker_pb2.CallResponse:
    response = worker_pb2.CallResponse(call_id=call_id, duration_us=7)
    if text:
        response.result.str_value = text
    else:
        response.result.int_value = 6
    return response


def test_encode_answers_matches_the_generated_frame() -> None:
    for answers in ([], [_answer("a")], [_answer("a"), _answer("b", "x" * 300), _answer("c", "y" * 70_000)]):
        expected = worker_pb2.LaneFrame(responses=answers).SerializeToString()
        assert encode_answers(answers) == expected
        assert worker_pb2.LaneFrame.FromString(encode_answers(answers)).responses == answers


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
    protocol = LaneProtocol(b"token", lambda request: _answer(request.call_id), lambda call_id: None)
    protocol.connection_made(_Transport(channel))
    protocol.release_function("fn-1", 2)
    protocol._send_encoded(encode_answers([_answer("a")]))
    size = int.from_bytes(channel.sent[:4], "little")
    assert size == len(channel.sent) - 4
    frame = worker_pb2.LaneFrame.FromString(bytes(channel.sent[4:]))
    assert [r.call_id for r in frame.responses] == ["a"]
    assert [(r.id, r.count) for r in frame.released_functions] == [("fn-1", 2)]
