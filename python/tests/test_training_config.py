"""Run config validation, and agreement between the Python defaults and the JSON Schema."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from snakebridge_worker.training.config import (
    DATASET_DEFAULTS,
    DEFAULTS,
    FAULT_INJECTION_DEFAULTS,
    LORA_DEFAULTS,
    TINY_DEFAULTS,
    validate_config,
)

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "app", "training", "run-config.schema.json")


def _schema() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _object_branch(node: dict[str, Any]) -> dict[str, Any]:
    """The object-typed alternative of a schema node (itself, or one of its oneOf)."""
    candidates: list[dict[str, Any]] = [node, *node.get("oneOf", [])]
    for candidate in candidates:
        if "properties" in candidate:
            return candidate
    raise AssertionError(f"schema node has no object form: {node}")


def test_schema_and_python_know_the_same_fields() -> None:
    schema = _schema()
    properties = schema["properties"]
    assert set(properties) == set(DEFAULTS), (
        "top-level fields differ between run-config.schema.json and config.DEFAULTS"
    )
    nested = {
        "dataset": (_object_branch(properties["dataset"]), DATASET_DEFAULTS),
        "lora": (properties["lora"], LORA_DEFAULTS),
        "fault_injection": (properties["fault_injection"], FAULT_INJECTION_DEFAULTS),
        "model.tiny": (_object_branch(properties["model"])["properties"]["tiny"], TINY_DEFAULTS),
    }
    for name, (node, defaults) in nested.items():
        assert set(node["properties"]) == set(defaults), f"{name}: fields differ between schema and Python"


def test_schema_defaults_match_python_defaults() -> None:
    properties = _schema()["properties"]
    for key, value in DEFAULTS.items():
        if isinstance(value, dict):
            continue
        if key == "model":
            assert properties[key]["default"] == value
            continue
        assert properties[key].get("default") == value, (
            f"{key}: schema default {properties[key].get('default')!r} != Python {value!r}"
        )
    for key, value in LORA_DEFAULTS.items():
        assert properties["lora"]["properties"][key]["default"] == value, f"lora.{key}"
    tiny = _object_branch(properties["model"])["properties"]["tiny"]["properties"]
    for key, value in TINY_DEFAULTS.items():
        assert tiny[key]["default"] == value, f"model.tiny.{key}"


def test_defaults_are_filled_in_and_paths_made_absolute() -> None:
    resolved = validate_config({"dataset": "data.jsonl"})
    assert resolved["model"] == {"tiny": TINY_DEFAULTS}
    assert resolved["max_steps"] == 100
    assert resolved["lora"]["target_modules"] == LORA_DEFAULTS["target_modules"]
    assert os.path.isabs(resolved["dataset"]["path"]) and os.path.isabs(resolved["output_dir"])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"dataset": "d.jsonl", "batch_size": 0}, "batch_size: expected an integer >= 1"),
        ({"dataset": "d.jsonl", "learning_rate": "fast"}, "learning_rate: expected a number"),
        ({"dataset": "d.jsonl", "lr_scheduler": "warp"}, "lr_scheduler: expected one of"),
        ({"dataset": "d.jsonl", "lora": {"rank": 8}}, "lora.rank: unknown field"),
        ({"dataset": "d.jsonl", "model": {"tiny": {"hidden_size": 30, "heads": 4}}}, "model.tiny.hidden_size"),
        ({"dataset": {"path": "d.jsonl", "eval_split": 1.5}}, "dataset.eval_split"),
        ({"model": "tiny"}, "dataset.path: expected the path of a JSONL file"),
        ({"dataset": "d.jsonl", "optimizer": "sgd"}, "optimizer: unknown field"),
    ],
)
def test_invalid_fields_are_named_with_what_is_expected(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.").replace("(", r"\(")):
        validate_config(config)
