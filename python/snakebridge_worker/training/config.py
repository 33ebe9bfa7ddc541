"""The run config: its fields, their defaults, and validation into a resolved dict.

The same fields are described for the UI and the host in
``app/training/run-config.schema.json``; a test keeps the two in step.
"""

from __future__ import annotations

import copy
import os
import time
from typing import Any

TINY_DEFAULTS: dict[str, Any] = {
    "hidden_size": 64,
    "layers": 2,
    "heads": 4,
    "kv_heads": 4,
    "intermediate_size": 128,
    "vocab_size": 512,
    "max_position_embeddings": 512,
}

DATASET_DEFAULTS: dict[str, Any] = {"path": None, "eval_split": 0.1, "eval_path": None}

LORA_DEFAULTS: dict[str, Any] = {
    "r": 8,
    "alpha": 16,
    "dropout": 0.05,
    "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
}

FAULT_INJECTION_DEFAULTS: dict[str, Any] = {"oom_at_step": None}

# Top-level fields and their defaults; None means "not set".
DEFAULTS: dict[str, Any] = {
    "name": None,
    "model": "tiny",
    "dataset": DATASET_DEFAULTS,
    "lora": LORA_DEFAULTS,
    "max_steps": None,
    "epochs": None,
    "learning_rate": 2e-4,
    "lr_scheduler": "linear",
    "warmup_steps": 0,
    "weight_decay": 0.0,
    "max_grad_norm": 1.0,
    "batch_size": 4,
    "grad_accumulation": 1,
    "seq_len": 128,
    "log_every": 1,
    "eval_every": 0,
    "save_every": 0,
    "output_dir": None,
    "seed": 42,
    "device": "auto",
    "backend": "auto",
    "resume_from": None,
    "fault_injection": FAULT_INJECTION_DEFAULTS,
}

LR_SCHEDULERS = ("linear", "cosine", "constant", "constant_with_warmup", "cosine_with_restarts", "polynomial")
DEVICES = ("auto", "cpu", "cuda")
BACKENDS = ("auto", "unsloth", "transformers+peft")
DEFAULT_STEPS_WHEN_UNSET = 100


def validate_config(config: dict[str, Any]) -> dict[str, Any]:
    """Returns the config with defaults filled in; raises ValueError("field: what is expected")."""
    if not isinstance(config, dict):
        raise ValueError(f"config: expected a mapping of fields, got {type(config).__name__}")
    _reject_unknown("", config, DEFAULTS)
    resolved: dict[str, Any] = copy.deepcopy(DEFAULTS)
    resolved.update(copy.deepcopy(config))

    resolved["name"] = _optional_str(resolved, "name")
    resolved["model"] = _model(resolved["model"])
    resolved["dataset"] = _dataset(resolved["dataset"])
    resolved["lora"] = _lora(resolved["lora"])

    if resolved["max_steps"] is not None:
        resolved["max_steps"] = _int(resolved["max_steps"], "max_steps", minimum=1)
    if resolved["epochs"] is not None:
        resolved["epochs"] = _number(resolved["epochs"], "epochs", minimum=0.0, exclusive=True)
    if resolved["max_steps"] is None and resolved["epochs"] is None:
        resolved["max_steps"] = DEFAULT_STEPS_WHEN_UNSET

    resolved["learning_rate"] = _number(resolved["learning_rate"], "learning_rate", minimum=0.0, exclusive=True)
    resolved["lr_scheduler"] = _choice(resolved["lr_scheduler"], "lr_scheduler", LR_SCHEDULERS)
    resolved["warmup_steps"] = _int(resolved["warmup_steps"], "warmup_steps", minimum=0)
    resolved["weight_decay"] = _number(resolved["weight_decay"], "weight_decay", minimum=0.0)
    resolved["max_grad_norm"] = _number(resolved["max_grad_norm"], "max_grad_norm", minimum=0.0, exclusive=True)
    resolved["batch_size"] = _int(resolved["batch_size"], "batch_size", minimum=1)
    resolved["grad_accumulation"] = _int(resolved["grad_accumulation"], "grad_accumulation", minimum=1)
    resolved["seq_len"] = _int(resolved["seq_len"], "seq_len", minimum=8)
    resolved["log_every"] = _int(resolved["log_every"], "log_every", minimum=1)
    resolved["eval_every"] = _int(resolved["eval_every"], "eval_every", minimum=0)
    resolved["save_every"] = _int(resolved["save_every"], "save_every", minimum=0)
    resolved["seed"] = _int(resolved["seed"], "seed", minimum=0)
    resolved["device"] = _choice(resolved["device"], "device", DEVICES)
    resolved["backend"] = _choice(resolved["backend"], "backend", BACKENDS)

    output_dir = _optional_str(resolved, "output_dir")
    if output_dir is None:
        # A fresh folder per run so two runs never share checkpoints by accident.
        output_dir = os.path.join("runs", time.strftime("run-%Y%m%d-%H%M%S"))
    resolved["output_dir"] = os.path.abspath(os.path.expanduser(output_dir))
    resume_from = _optional_str(resolved, "resume_from")
    resolved["resume_from"] = None if resume_from is None else os.path.abspath(os.path.expanduser(resume_from))
    resolved["fault_injection"] = _fault_injection(resolved["fault_injection"])
    return resolved


def _model(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("model: expected a Hugging Face model id, a local path, or \"tiny\"")
        return {"tiny": dict(TINY_DEFAULTS)} if value == "tiny" else value
    if isinstance(value, dict) and set(value) == {"tiny"}:
        tiny = value["tiny"] if value["tiny"] is not None else {}
        if not isinstance(tiny, dict):
            raise ValueError("model.tiny: expected a mapping such as {hidden_size: 64, layers: 2, heads: 4}")
        _reject_unknown("model.tiny.", tiny, TINY_DEFAULTS)
        merged = {**TINY_DEFAULTS, **tiny}
        for key in TINY_DEFAULTS:
            merged[key] = _int(merged[key], f"model.tiny.{key}", minimum=1)
        if merged["hidden_size"] % merged["heads"] != 0:
            raise ValueError("model.tiny.hidden_size: expected a multiple of model.tiny.heads")
        if merged["heads"] % merged["kv_heads"] != 0:
            raise ValueError("model.tiny.kv_heads: expected a divisor of model.tiny.heads")
        return {"tiny": merged}
    raise ValueError("model: expected a Hugging Face model id, a local path, \"tiny\", or {tiny: {...}}")


def _dataset(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, dict):
        raise ValueError(
            'dataset: expected a mapping with path (a JSONL file of {"text"} or {"prompt","completion"} rows)'
        )
    _reject_unknown("dataset.", value, DATASET_DEFAULTS)
    merged = {**DATASET_DEFAULTS, **value}
    path = merged["path"]
    if not isinstance(path, str) or not path.strip():
        raise ValueError("dataset.path: expected the path of a JSONL file")
    merged["path"] = os.path.abspath(os.path.expanduser(path))
    merged["eval_split"] = _number(merged["eval_split"], "dataset.eval_split", minimum=0.0)
    if merged["eval_split"] >= 1.0:
        raise ValueError("dataset.eval_split: expected a fraction in [0, 1), such as 0.1")
    if merged["eval_path"] is not None:
        if not isinstance(merged["eval_path"], str) or not merged["eval_path"].strip():
            raise ValueError("dataset.eval_path: expected the path of a JSONL file")
        merged["eval_path"] = os.path.abspath(os.path.expanduser(merged["eval_path"]))
    return merged


def _lora(value: Any) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ValueError("lora: expected a mapping such as {r: 8, alpha: 16, dropout: 0.05}")
    _reject_unknown("lora.", value, LORA_DEFAULTS)
    merged = {**LORA_DEFAULTS, **value}
    merged["r"] = _int(merged["r"], "lora.r", minimum=1)
    merged["alpha"] = _number(merged["alpha"], "lora.alpha", minimum=0.0, exclusive=True)
    merged["dropout"] = _number(merged["dropout"], "lora.dropout", minimum=0.0)
    if merged["dropout"] >= 1.0:
        raise ValueError("lora.dropout: expected a probability in [0, 1)")
    targets = merged["target_modules"]
    if isinstance(targets, str):
        targets = [targets]
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) and t for t in targets):
        raise ValueError("lora.target_modules: expected a non-empty list of module names such as [q_proj, v_proj]")
    merged["target_modules"] = list(targets)
    return merged


def _fault_injection(value: Any) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ValueError("fault_injection: expected a mapping such as {oom_at_step: 3}")
    _reject_unknown("fault_injection.", value, FAULT_INJECTION_DEFAULTS)
    merged = {**FAULT_INJECTION_DEFAULTS, **value}
    if merged["oom_at_step"] is not None:
        merged["oom_at_step"] = _int(merged["oom_at_step"], "fault_injection.oom_at_step", minimum=1)
    return merged


def _reject_unknown(prefix: str, given: dict[str, Any], known: dict[str, Any]) -> None:
    for key in given:
        if key not in known:
            raise ValueError(f"{prefix}{key}: unknown field; expected one of {', '.join(sorted(known))}")


def _optional_str(config: dict[str, Any], key: str) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: expected a non-empty string")
    return value


def _int(value: Any, field: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{field}: expected an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{field}: expected an integer >= {minimum}, got {value}")
    return int(value)


def _number(value: Any, field: str, *, minimum: float, exclusive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{field}: expected a number, got {value!r}")
    bound = "> " if exclusive else ">= "
    if value < minimum or (exclusive and value == minimum):
        raise ValueError(f"{field}: expected a number {bound}{minimum:g}, got {value}")
    return float(value)


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{field}: expected one of {', '.join(choices)}, got {value!r}")
    return str(value)
