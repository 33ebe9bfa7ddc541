"""Training events are checked against proto/snakebridge/v1/training.proto before they leave the worker."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from snakebridge_worker.call_control import CallControl
from snakebridge_worker.training import loop
from snakebridge_worker.training.events import TrainingEventMismatch, checked

LOG: dict[str, Any] = {
    "type": "log",
    "step": 3,
    "epoch": 0.1,
    "loss": 2.5,
    "learning_rate": 1e-4,
    "grad_norm": 0.3,
    "tokens_seen": 1200,
    "tokens_per_s": 400.0,
    "elapsed_s": 3.0,
    "eta_s": None,
    "batch_size": 4,
}


def test_a_conforming_event_passes_unchanged_even_with_a_diverged_loss() -> None:
    event = {**LOG, "loss": math.nan, "grad_norm": math.inf}
    assert checked(event) is event
    summary = {
        "train_loss_mean": None,
        "final_loss": None,
        "eval_loss": None,
        "steps": 0,
        "tokens_seen": 0,
        "elapsed_s": 0.0,
        "steps_per_s": None,
        "cpu_s_per_step": None,
        "checkpoint": "/c",
    }
    assert checked({"type": "finished", "status": "stopped", "step": 0, "summary": summary})["status"] == "stopped"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({**LOG, "stepz": 1}, 'has no field named "stepz"'),
        ({**LOG, "step": "three"}, "Failed to parse step field"),
        ({**LOG, "step": 1.5}, "Couldn't parse integer: 1.5"),
        ({"type": "finished", "status": "done", "step": 1}, "Invalid enum value done"),
        ({"type": "progress"}, "type must be one of started, log, eval"),
    ],
)
def test_a_mismatch_names_the_field(event: dict[str, Any], message: str) -> None:
    with pytest.raises(TrainingEventMismatch, match=message):
        checked(event)


def test_the_run_reports_an_event_it_built_wrong_as_its_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    class WrongRun:
        def __init__(self, config: dict[str, Any], control: CallControl) -> None:
            pass

        def events(self) -> Iterator[dict[str, Any]]:
            yield LOG
            yield {**LOG, "loss": "high"}

    monkeypatch.setattr(loop, "_TrainingRun", WrongRun)
    events = list(loop._events({}, CallControl()))
    assert [event["type"] for event in events] == ["log", "failed"]
    assert events[1]["classification"] == "value_error" and "loss" in events[1]["message"]
