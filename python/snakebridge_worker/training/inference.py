"""Trying a trained adapter: the same prompt through the base model and through base + adapter."""

from __future__ import annotations

import os
from typing import Any

from .checkpoints import latest_checkpoint, read_checkpoint_state
from .model_loading import load_base_model, quiet_peft_probe

MAX_NEW_TOKENS_LIMIT = 512


def generate(run_dir: str, prompt: str, max_new_tokens: int = 48) -> dict[str, str]:
    """Greedy completions of prompt by the base model and by the run's latest adapter: {"base", "adapter"}.

    run_dir may also be one checkpoint folder. Greedy decoding keeps the two texts comparable:
    any difference comes from the adapter, not from sampling.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("prompt: expected some text to continue")
    if not isinstance(max_new_tokens, int) or not 1 <= max_new_tokens <= MAX_NEW_TOKENS_LIMIT:
        raise ValueError(
            f"max_new_tokens: expected a whole number from 1 to {MAX_NEW_TOKENS_LIMIT}, got {max_new_tokens!r}"
        )
    import torch
    from peft import PeftModel
    from transformers import AutoTokenizer

    checkpoint = latest_checkpoint(os.path.abspath(run_dir))
    state = read_checkpoint_state(checkpoint)
    device = "cuda" if torch.cuda.is_available() and state.get("config", {}).get("device") != "cpu" else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    base = load_base_model(state["base_model"], device)
    base.eval()
    # The base text first: wrapping injects the LoRA layers into the base model's modules in place.
    base_text = _complete(base, tokenizer, prompt, max_new_tokens, device)
    with quiet_peft_probe():
        tuned = PeftModel.from_pretrained(base, checkpoint)
    tuned.eval()
    return {"base": base_text, "adapter": _complete(tuned, tokenizer, prompt, max_new_tokens, device)}


def _complete(model: Any, tokenizer: Any, prompt: str, max_new_tokens: int, device: str) -> str:
    import torch

    ids = tokenizer(prompt, return_tensors="pt", add_special_tokens=True).to(device)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.no_grad():
        output = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad)
    return str(tokenizer.decode(output[0][ids["input_ids"].shape[1] :], skip_special_tokens=True))
