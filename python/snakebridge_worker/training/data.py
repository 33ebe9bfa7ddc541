"""Training data: JSONL rows → token examples → padded batches in a resumable order."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

IGNORE_INDEX = -100  # labels with this value do not count in the loss (prompt and padding)


@dataclass(frozen=True)
class Row:
    """One dataset row: the prompt (not learned) and the text the model learns to produce."""

    prompt: str
    completion: str


@dataclass(frozen=True)
class Example:
    """One tokenized row: input ids and labels of equal length."""

    input_ids: list[int]
    labels: list[int]


def read_jsonl(path: str) -> list[Row]:
    """Reads a JSONL file of {"text"} or {"prompt", "completion"} rows."""
    rows: list[Row] = []
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - opened apart so only a missing file is reworded
    except FileNotFoundError:
        raise ValueError(f"dataset file {path} does not exist; check dataset.path / dataset.eval_path") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{path}:{number}: not valid JSON ({error.msg}); each line must be one JSON object"
                ) from None
            rows.append(_row(record, path, number))
    if not rows:
        raise ValueError(f"{path}: no rows; add JSON lines such as {{\"text\": \"...\"}}")
    return rows


def _row(record: Any, path: str, number: int) -> Row:
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return Row(prompt="", completion=record["text"])
    if isinstance(record, dict) and isinstance(record.get("prompt"), str) and isinstance(record.get("completion"), str):
        return Row(prompt=record["prompt"], completion=record["completion"])
    raise ValueError(f"{path}:{number}: expected {{\"text\": str}} or {{\"prompt\": str, \"completion\": str}}")


def split_rows(rows: list[Row], eval_fraction: float, seed: int) -> tuple[list[Row], list[Row]]:
    """Splits rows into train and eval sets reproducibly; keeps at least one train row."""
    if eval_fraction <= 0 or len(rows) < 2:
        return rows, []
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    eval_count = min(len(rows) - 1, max(1, round(len(rows) * eval_fraction)))
    eval_ids = set(order[:eval_count])
    train = [row for index, row in enumerate(rows) if index not in eval_ids]
    held_out = [row for index, row in enumerate(rows) if index in eval_ids]
    return train, held_out


def tokenize_rows(rows: list[Row], tokenizer: Any, seq_len: int) -> list[Example]:
    """Tokenizes rows to at most seq_len tokens; prompt tokens are masked out of the labels."""
    examples: list[Example] = []
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    for row in rows:
        prompt_ids = bos + (tokenizer.encode(row.prompt, add_special_tokens=False) if row.prompt else [])
        completion_ids = tokenizer.encode(row.completion, add_special_tokens=False) + eos
        input_ids = (prompt_ids + completion_ids)[:seq_len]
        labels = ([IGNORE_INDEX] * len(prompt_ids) + completion_ids)[:seq_len]
        if any(label != IGNORE_INDEX for label in labels[1:]):
            examples.append(Example(input_ids=input_ids, labels=labels))
    return examples


class ExampleOrder:
    """An endless, reproducible stream of example indices: a fresh shuffle each epoch.

    A position in the stream (examples consumed so far) is all a checkpoint needs to
    resume the data exactly where it stopped.
    """

    def __init__(self, count: int, seed: int) -> None:
        self._count = count
        self._seed = seed
        self._epoch = -1
        self._permutation: list[int] = []

    def indices(self, start: int, length: int) -> list[int]:
        """The example indices at stream positions [start, start + length)."""
        return [self._at(position) for position in range(start, start + length)]

    def _at(self, position: int) -> int:
        epoch, offset = divmod(position, self._count)
        if epoch != self._epoch:
            self._permutation = list(range(self._count))
            random.Random(self._seed * 1_000_003 + epoch).shuffle(self._permutation)
            self._epoch = epoch
        return self._permutation[offset]


def collate(examples: list[Example], pad_id: int) -> dict[str, Any]:
    """Pads examples to the longest one; returns torch tensors input_ids, attention_mask, labels."""
    import torch

    width = max(len(example.input_ids) for example in examples)
    input_ids, attention, labels = [], [], []
    for example in examples:
        pad = width - len(example.input_ids)
        input_ids.append(example.input_ids + [pad_id] * pad)
        attention.append([1] * len(example.input_ids) + [0] * pad)
        labels.append(example.labels + [IGNORE_INDEX] * pad)
    return {
        "input_ids": torch.tensor(input_ids, dtype=torch.long),
        "attention_mask": torch.tensor(attention, dtype=torch.long),
        "labels": torch.tensor(labels, dtype=torch.long),
    }


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
