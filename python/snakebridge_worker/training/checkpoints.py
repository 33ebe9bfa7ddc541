"""Checkpoints: the adapter, tokenizer, optimizer, scheduler and loop position of one step.

A checkpoint folder is written under a temporary name and renamed when complete, so a
crash mid-save never leaves a folder that looks whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import Any

STATE_FILE = "trainer_state.json"
STATE_FORMAT = 1
_CHECKPOINT_NAME = re.compile(r"^checkpoint-(\d+)$")


def save_checkpoint(
    run_dir: str, step: int, model: Any, tokenizer: Any, optimizer: Any, scheduler: Any, state: dict[str, Any]
) -> str:
    """Saves everything needed to resume at step; returns the checkpoint folder."""
    import torch

    final = os.path.join(run_dir, f"checkpoint-{step}")
    partial = final + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    model.save_pretrained(partial, safe_serialization=True)
    tokenizer.save_pretrained(partial)
    torch.save(optimizer.state_dict(), os.path.join(partial, "optimizer.pt"))
    torch.save(scheduler.state_dict(), os.path.join(partial, "scheduler.pt"))
    with open(os.path.join(partial, STATE_FILE), "w", encoding="utf-8") as handle:
        json.dump({"format": STATE_FORMAT, "step": step, **state}, handle, indent=2)
    if os.path.isdir(final):
        shutil.rmtree(final)
    os.replace(partial, final)
    return final


def read_checkpoint_state(checkpoint_dir: str) -> dict[str, Any]:
    """The loop state saved in a checkpoint; ValueError when the folder is not a checkpoint."""
    path = os.path.join(checkpoint_dir, STATE_FILE)
    if not os.path.isfile(path):
        raise ValueError(
            f"resume_from: {checkpoint_dir} is not a checkpoint (no {STATE_FILE}); "
            "point it at a checkpoint-N folder inside a run's output_dir"
        )
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    if not isinstance(state, dict):
        raise ValueError(f"resume_from: {path} does not hold a checkpoint's state (expected a JSON object)")
    if state.get("format") != STATE_FORMAT:
        raise ValueError(
            f"resume_from: {checkpoint_dir} has checkpoint format {state.get('format')!r}; "
            f"this worker reads format {STATE_FORMAT}"
        )
    return state


def load_adapter_weights(checkpoint_dir: str, model: Any) -> None:
    """Loads the checkpoint's LoRA weights into a model that carries the same adapter config."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    weights = load_file(os.path.join(checkpoint_dir, "adapter_model.safetensors"))
    result = set_peft_model_state_dict(model, weights)
    unexpected = getattr(result, "unexpected_keys", [])
    if unexpected:
        raise ValueError(
            f"resume_from: adapter weights in {checkpoint_dir} do not fit the model (unexpected: {unexpected[:3]})"
        )


def load_optimizer_state(checkpoint_dir: str, optimizer: Any, scheduler: Any) -> None:
    """Restores optimizer moments and the learning-rate schedule position."""
    import torch

    optimizer.load_state_dict(torch.load(os.path.join(checkpoint_dir, "optimizer.pt"), weights_only=True))
    scheduler.load_state_dict(torch.load(os.path.join(checkpoint_dir, "scheduler.pt"), weights_only=True))


def latest_checkpoint(run_dir: str) -> str:
    """run_dir itself when it is a checkpoint, else its checkpoint-N folder with the highest N."""
    if os.path.isfile(os.path.join(run_dir, STATE_FILE)):
        return run_dir
    if not os.path.isdir(run_dir):
        raise ValueError(f"run_dir: {run_dir} does not exist; pass a run's output_dir or one of its checkpoint folders")
    steps = [
        (int(match.group(1)), name)
        for name in os.listdir(run_dir)
        if (match := _CHECKPOINT_NAME.match(name)) and os.path.isfile(os.path.join(run_dir, name, STATE_FILE))
    ]
    if not steps:
        raise ValueError(f"run_dir: {run_dir} holds no checkpoint-N folder; a run saves one when it completes or stops")
    return os.path.join(run_dir, max(steps)[1])
