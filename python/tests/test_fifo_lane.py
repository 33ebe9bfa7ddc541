"""The FIFO lane's poll window after an answer: where it comes from and its bounds."""

from __future__ import annotations

import os

import pytest

from snakebridge_worker.rpc import fifo_lane
from snakebridge_worker.rpc.poll_window import PollWindow, poll_read


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)


@pytest.mark.usefixtures("two_cpus")
def test_the_window_defaults_to_300_us_and_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fifo_lane.SPIN_ENV, raising=False)
    assert fifo_lane.default_spin_s() == pytest.approx(300e-6)
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "0")
    assert fifo_lane.default_spin_s() == 0.0
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "120")
    assert fifo_lane.default_spin_s() == pytest.approx(120e-6)


@pytest.mark.usefixtures("two_cpus")
def test_bad_and_extreme_values_are_bounded_or_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "1e9")
    assert fifo_lane.default_spin_s() == pytest.approx(0.01)  # 10 ms at most
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "-5")
    assert fifo_lane.default_spin_s() == 0.0
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "fast")
    assert fifo_lane.default_spin_s() == pytest.approx(300e-6)
    assert "SNAKEBRIDGE_LANE_SPIN_US='fast'" in capsys.readouterr().err
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "nan")
    assert fifo_lane.default_spin_s() == pytest.approx(300e-6)


def test_a_worker_on_one_cpu_never_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setenv(fifo_lane.SPIN_ENV, "500")
    assert fifo_lane.default_spin_s() == 0.0


def test_the_poll_window_closes_when_calls_come_now_and_then_and_reopens_for_a_loop() -> None:
    window = PollWindow(50e-6)
    assert window.current_s == pytest.approx(50e-6)
    window.woke(300e-6)  # a call came well after the window: polling was waste
    assert window.current_s == pytest.approx(25e-6)
    window.woke(300e-6)
    assert window.current_s == pytest.approx(12.5e-6)
    window.woke(300e-6)
    assert window.current_s == pytest.approx(6.25e-6)
    window.woke(300e-6)
    assert window.current_s == 0.0  # below an eighth of the longest: none
    window.woke(1.0)
    assert window.current_s == 0.0
    window.woke(30e-6)  # a call came soon after the answer: a loop again, the whole window back
    assert window.current_s == pytest.approx(50e-6)


def test_a_zero_poll_window_stays_zero() -> None:
    window = PollWindow(0.0)
    window.woke(1e-6)
    assert window.current_s == 0.0
    assert PollWindow(-1.0).current_s == 0.0


def test_poll_read_returns_what_a_read_brings_within_its_window_and_none_after() -> None:
    tries = 0

    def read() -> int:
        nonlocal tries
        tries += 1
        if tries < 3:
            raise BlockingIOError
        return 7

    assert poll_read(read, 1.0) == 7 and tries == 3

    def nothing() -> int:
        raise BlockingIOError

    assert poll_read(nothing, 0.0) is None  # one try, no waiting
    assert poll_read(nothing, 0.002) is None
