"""Turning an exception that ended a run into a `failed` event a user can act on."""

from __future__ import annotations

import traceback
from typing import Any

INSTALL_TRAINING = "install the training extra with: npm run setup:python -- --extra training"


class TrainingOutOfMemory(RuntimeError):
    """CUDA ran out of memory even at batch size 1."""


def failed_event(error: BaseException) -> dict[str, Any]:
    """A `failed` event: classification, a message that says what to do, and the traceback."""
    classification, advice = _classify(error)
    message = f"{type(error).__name__}: {error}"
    if advice:
        message = f"{message} — {advice}"
    return {
        "type": "failed",
        "classification": classification,
        "error_type": type(error).__name__,
        "message": message,
        "traceback": "".join(traceback.format_exception(error)),
    }


def _classify(error: BaseException) -> tuple[str, str]:
    if isinstance(error, TrainingOutOfMemory):
        return "out_of_memory", ""
    if type(error).__name__ == "OutOfMemoryError":
        return "out_of_memory", "lower batch_size or seq_len, or use a smaller model"
    if isinstance(error, ImportError):
        return "import_error", INSTALL_TRAINING
    if isinstance(error, FileNotFoundError):
        return "not_found", "check the paths in the run config"
    if isinstance(error, ValueError):
        return "value_error", ""
    if isinstance(error, KeyError):
        return "key_error", ""
    if isinstance(error, TypeError):
        return "type_error", ""
    if isinstance(error, RuntimeError):
        return "runtime_error", ""
    return "internal", ""
