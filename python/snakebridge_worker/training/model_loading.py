"""Choosing the device and backend, and loading a base model with a LoRA adapter on it."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@contextmanager
def quiet_peft_probe() -> Iterator[None]:
    """Hides one FutureWarning: peft probes a property transformers 5 deprecated, which users cannot act on
    and which would otherwise land in every run's worker log."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        yield


UNSLOTH = "unsloth"
TRANSFORMERS_PEFT = "transformers+peft"


@dataclass
class LoadedModel:
    """A LoRA-wrapped causal LM ready to train, with its tokenizer and where it runs."""

    model: Any
    tokenizer: Any
    backend: str
    device: str


def resolve_device(requested: str) -> str:
    """"cuda" or "cpu" for a config's device; ValueError when CUDA is asked for but absent."""
    import torch

    if requested == "cpu":
        return "cpu"
    # is_available() asks the driver through NVML and does not create a CUDA context.
    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise ValueError("device: \"cuda\" was requested but torch sees no CUDA GPU; use device: auto or cpu")
    return "cuda" if available else "cpu"


def choose_backend(requested: str, device: str) -> str:
    """Unsloth when it is installed and the run is on CUDA, else transformers + PEFT."""
    unsloth_usable = device == "cuda" and importlib.util.find_spec("unsloth") is not None
    if requested == UNSLOTH and not unsloth_usable:
        raise ValueError(
            "backend: \"unsloth\" needs the unsloth package and a CUDA GPU; "
            "install unsloth on a CUDA machine or use backend: auto"
        )
    if requested == TRANSFORMERS_PEFT:
        return TRANSFORMERS_PEFT
    return UNSLOTH if unsloth_usable else TRANSFORMERS_PEFT


def load_for_training(
    base_model: str,
    tokenizer_source: str,
    lora: dict[str, Any],
    seq_len: int,
    device: str,
    backend: str,
    seed: int,
) -> LoadedModel:
    """Loads base_model, puts a fresh LoRA adapter (seeded) on it, and moves it to device."""
    import torch

    torch.manual_seed(seed)
    if backend == UNSLOTH:
        model, tokenizer = _load_unsloth(base_model, lora, seq_len, seed)
    else:
        model, tokenizer = _load_transformers_peft(base_model, tokenizer_source, lora, device)
    if tokenizer.pad_token_id is None:
        # Padding is masked out of attention and labels, so any id will do; EOS is always there.
        tokenizer.pad_token = tokenizer.eos_token
    model.train()
    return LoadedModel(model=model, tokenizer=tokenizer, backend=backend, device=device)


def load_base_model(base_model: str, device: str) -> Any:
    """Loads a causal LM (HF id or local folder) for training or merging."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = torch.float32
    if device == "cuda" and torch.cuda.is_bf16_supported():
        dtype = torch.bfloat16
    model = AutoModelForCausalLM.from_pretrained(base_model, dtype=dtype)
    # transformers types .to through a decorator whose stub drops the bound self.
    return model.to(device)  # type: ignore[arg-type]


def _load_transformers_peft(
    base_model: str, tokenizer_source: str, lora: dict[str, Any], device: str
) -> tuple[Any, Any]:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    base = load_base_model(base_model, device)
    lora_config = LoraConfig(
        task_type="CAUSAL_LM",
        r=lora["r"],
        lora_alpha=lora["alpha"],
        lora_dropout=lora["dropout"],
        target_modules=lora["target_modules"],
    )
    with quiet_peft_probe():
        return get_peft_model(base, lora_config), tokenizer


def _load_unsloth(base_model: str, lora: dict[str, Any], seq_len: int, seed: int) -> tuple[Any, Any]:
    from unsloth import FastLanguageModel

    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=base_model, max_seq_length=seq_len, dtype=None, load_in_4bit=False
    )
    model = FastLanguageModel.get_peft_model(
        model,
        r=lora["r"],
        lora_alpha=lora["alpha"],
        lora_dropout=lora["dropout"],
        target_modules=lora["target_modules"],
        random_state=seed,
    )
    return model, tokenizer


def count_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
