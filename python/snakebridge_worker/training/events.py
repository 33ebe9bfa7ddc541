"""The run's events as proto/snakebridge/v1/training.proto defines them, checked before they leave the worker.

An event is a plain dict, ``{"type": <a TrainingEvent case>, ...that case's fields}``, which is what the host
decodes and stores. Checking each one against the generated message keeps this side and the host's decoder on
one contract: a field the proto does not know, or a value of the wrong kind, fails here, naming the field.
"""

from __future__ import annotations

import math
from typing import Any

# protobuf is imported on first use, not with the package: reading configs and telemetry needs no protobuf.


class TrainingEventMismatch(ValueError):
    """An event the training loop built does not match training.proto (a bug in the loop, not in the run)."""


def checked(event: dict[str, Any]) -> dict[str, Any]:
    """Returns event unchanged once it matches training.proto's TrainingEvent; raises TrainingEventMismatch."""
    from google.protobuf import json_format

    from ..proto import training_pb2

    kind = event.get("type")
    cases = [field.name for field in training_pb2.TrainingEvent.DESCRIPTOR.oneofs_by_name["event"].fields]
    if kind not in cases:
        raise TrainingEventMismatch(f"training event: type must be one of {', '.join(cases)}, got {kind!r}")
    fields = {key: _proto_json(value) for key, value in event.items() if key != "type"}
    try:
        json_format.ParseDict({kind: fields}, training_pb2.TrainingEvent())
    except json_format.ParseError as error:
        raise TrainingEventMismatch(f"training event {kind!r} does not match training.proto: {error}") from error
    return event


def _proto_json(value: Any) -> Any:
    """value with non-finite floats spelled as proto3 JSON spells them ("NaN", "Infinity", "-Infinity")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _proto_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_proto_json(item) for item in value]
    return value
