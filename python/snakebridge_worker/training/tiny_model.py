"""A tiny Llama-style model and a tokenizer trained in-process: nothing is downloaded.

Used by tests and demos (``model: tiny``). Both are saved into the run folder and then
loaded back through AutoModelForCausalLM / AutoTokenizer, the same path real checkpoints take.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

SPECIAL_TOKENS = ["<pad>", "<unk>", "<s>", "</s>"]


def train_tokenizer(texts: Iterable[str], vocab_size: int, out_dir: str) -> None:
    """Trains a byte-level BPE tokenizer on texts and saves it (HF format) in out_dir."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
    )
    wrapped.save_pretrained(out_dir)


def save_tiny_model(shape: dict[str, int], tokenizer: Any, seed: int, out_dir: str) -> None:
    """Builds a randomly initialised tiny Llama from shape (seeded) and saves it in out_dir."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=shape["hidden_size"],
        intermediate_size=shape["intermediate_size"],
        num_hidden_layers=shape["layers"],
        num_attention_heads=shape["heads"],
        num_key_value_heads=shape["kv_heads"],
        max_position_embeddings=shape["max_position_embeddings"],
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
