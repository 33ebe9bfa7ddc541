"""Exporting a trained run: the LoRA adapter alone, the merged model, or GGUF."""

from __future__ import annotations

import os
import shutil
from typing import Any

from .checkpoints import latest_checkpoint, read_checkpoint_state
from .model_loading import load_base_model, quiet_peft_probe

EXPORT_KINDS = ("adapter", "merged", "gguf")
_ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json")


def export(run_dir: str, kind: str, out_dir: str) -> dict[str, Any]:
    """Exports the latest checkpoint of run_dir (or run_dir itself, if a checkpoint) into out_dir.

    Returns {"kind", "path", "files"}; raises ValueError with what to do instead when the
    kind is unknown or not available.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(EXPORT_KINDS)}, got {kind!r}")
    if kind == "gguf":
        raise ValueError(
            "GGUF export is not available with the transformers+peft backend; export kind \"merged\" and "
            "convert that folder with llama.cpp (python convert_hf_to_gguf.py <merged folder> --outfile model.gguf)"
        )
    checkpoint = latest_checkpoint(os.path.abspath(run_dir))
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    if kind == "adapter":
        _export_adapter(checkpoint, out_dir)
    else:
        _export_merged(checkpoint, out_dir)
    return {"kind": kind, "path": out_dir, "files": sorted(os.listdir(out_dir))}


def _export_adapter(checkpoint: str, out_dir: str) -> None:
    # The checkpoint's adapter was written by save_pretrained (safetensors) already; copying it
    # avoids loading a possibly large base model just to write the same bytes again.
    for name in os.listdir(checkpoint):
        if name in _ADAPTER_FILES or name.startswith(("tokenizer", "special_tokens", "chat_template")):
            shutil.copy2(os.path.join(checkpoint, name), os.path.join(out_dir, name))


def _export_merged(checkpoint: str, out_dir: str) -> None:
    from peft import PeftModel
    from transformers import AutoTokenizer

    state = read_checkpoint_state(checkpoint)
    base = load_base_model(state["base_model"], "cpu")
    with quiet_peft_probe():
        merged = PeftModel.from_pretrained(base, checkpoint).merge_and_unload()
    merged.save_pretrained(out_dir, safe_serialization=True)
    AutoTokenizer.from_pretrained(checkpoint).save_pretrained(out_dir)
