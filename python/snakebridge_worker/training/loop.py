"""The training run: an explicit LoRA fine-tuning loop that yields events as it goes.

An explicit loop (rather than HF Trainer) keeps graceful stop, exact resume and OOM
back-off simple: the loop owns the step counter, the data position and the batch size.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Generator, Iterator
from typing import Any

from ..call_control import CallControl, current_control
from .checkpoints import load_adapter_weights, load_optimizer_state, read_checkpoint_state, save_checkpoint
from .config import validate_config
from .data import IGNORE_INDEX, Example, ExampleOrder, Row, chunks, collate, read_jsonl, split_rows, tokenize_rows
from .events import checked
from .failures import TrainingOutOfMemory, failed_event
from .model_loading import choose_backend, count_parameters, load_for_training, resolve_device
from .tiny_model import save_tiny_model, train_tokenizer

EVAL_BATCH_SIZE = 8
# The first steps of a session pay for lazy initialisation (kernels, allocator growth, caches):
# an ETA extrapolated from them is far too long or short, so it is calibrated on the steps after.
ETA_WARMUP_STEPS = 3
# The host drops this file (holding a step count) into the run folder to ask for a CUDA memory snapshot.
MEMORY_SNAPSHOT_REQUEST = ".memory-snapshot-request"
MEMORY_SNAPSHOT_MAX_ENTRIES = 100_000


def run(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Validates config (raising ValueError before any event) and returns the run's event stream.

    Everything after validation — missing files, import errors, CUDA out of memory — arrives
    as a `failed` event; the stream itself never raises those.
    """
    resolved = validate_config(config)
    # The worker binds the control to the thread that calls run(); the generator may be
    # resumed elsewhere, so keep the object rather than looking it up per step.
    control = current_control()
    return _events(resolved, control)


def _events(config: dict[str, Any], control: CallControl) -> Iterator[dict[str, Any]]:
    try:
        yield from map(checked, _TrainingRun(config, control).events())
    except Exception as error:  # noqa: BLE001 — a run reports every failure as its last event
        yield checked(failed_event(error))


class _TrainingRun:
    """One run's state: model, optimizer, data position and counters."""

    def __init__(self, config: dict[str, Any], control: CallControl) -> None:
        self.config = config
        self.control = control
        self.run_dir: str = config["output_dir"]
        self.step = 0
        self.examples_seen = 0
        self.tokens_seen = 0
        self.loss_sum = 0.0
        self.loss_count = 0
        self.previous_elapsed = 0.0
        self.batch_size: int = config["batch_size"]
        self.effective_batch: int = config["batch_size"] * config["grad_accumulation"]
        self.oom_pending = config["fault_injection"]["oom_at_step"]
        self.last_eval_loss: float | None = None
        self.eta_origin: tuple[int, float] | None = None  # (step, monotonic time) once warm-up is over
        self.snapshot_until: int | None = None
        self.snapshot_steps = 0

    def events(self) -> Iterator[dict[str, Any]]:
        """Sets the run up, trains to max_steps or a stop request, and reports each stage."""
        import torch
        from transformers import get_scheduler

        config = self.config
        os.makedirs(self.run_dir, exist_ok=True)
        device = resolve_device(config["device"])
        backend = choose_backend(config["backend"], device)

        resume = config["resume_from"]
        resume_state = read_checkpoint_state(resume) if resume else None
        train_rows, eval_rows = self._rows()
        if resume_state is not None:
            # The adapter only fits the base, tokenizer and LoRA shape it was trained with.
            base_model, tokenizer_source = resume_state["base_model"], resume
            lora, seq_len = resume_state["config"]["lora"], resume_state["config"]["seq_len"]
        else:
            base_model, tokenizer_source = self._prepare_base_model(train_rows)
            lora, seq_len = config["lora"], config["seq_len"]

        loaded = load_for_training(base_model, tokenizer_source, lora, seq_len, device, backend, config["seed"])
        model, tokenizer = loaded.model, loaded.tokenizer
        if resume:
            load_adapter_weights(resume, model)
        self.train_examples = tokenize_rows(train_rows, tokenizer, seq_len)
        self.eval_examples = tokenize_rows(eval_rows, tokenizer, seq_len)
        if not self.train_examples:
            raise ValueError(
                f"dataset.path: {config['dataset']['path']} has no row with text to learn after tokenization"
            )
        max_steps = config["max_steps"] or math.ceil(config["epochs"] * len(self.train_examples) / self.effective_batch)

        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=config["learning_rate"], weight_decay=config["weight_decay"])
        scheduler = get_scheduler(
            config["lr_scheduler"], optimizer, num_warmup_steps=config["warmup_steps"], num_training_steps=max_steps
        )
        if resume_state is not None:
            load_optimizer_state(resume, optimizer, scheduler)
            self._restore_counters(resume_state)

        self.model, self.tokenizer, self.optimizer, self.scheduler = model, tokenizer, optimizer, scheduler
        self.params, self.device, self.backend, self.base_model = params, device, backend, base_model
        self.order = ExampleOrder(len(self.train_examples), config["seed"])
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()

        trainable, total = count_parameters(model)
        yield {
            "type": "started",
            "config": config,
            "trainable_params": trainable,
            "total_params": total,
            "device": device,
            "backend": backend,
            "run_dir": self.run_dir,
            "start_step": self.step,
            "max_steps": max_steps,
            "train_examples": len(self.train_examples),
            "eval_examples": len(self.eval_examples),
            # Set by the Ray actor that runs this worker ("host (node ip)"); empty for a local worker.
            "node": os.environ.get("SNAKEBRIDGE_NODE", ""),
        }
        yield from self._train(max_steps)

    def _rows(self) -> tuple[list[Row], list[Row]]:
        dataset = self.config["dataset"]
        rows = read_jsonl(dataset["path"])
        if dataset["eval_path"]:
            return rows, read_jsonl(dataset["eval_path"])
        return split_rows(rows, dataset["eval_split"], self.config["seed"])

    def _prepare_base_model(self, train_rows: list[Row]) -> tuple[str, str]:
        model = self.config["model"]
        if isinstance(model, str):
            return model, model
        # A tiny model lives in the run folder so that resume and export load the same weights.
        base_dir = os.path.join(self.run_dir, "base_model")
        shape = model["tiny"]
        train_tokenizer((row.prompt + row.completion for row in train_rows), shape["vocab_size"], base_dir)
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(base_dir)
        save_tiny_model(shape, tokenizer, self.config["seed"], base_dir)
        return base_dir, base_dir

    def _restore_counters(self, state: dict[str, Any]) -> None:
        self.step = state["step"]
        self.examples_seen = state["examples_seen"]
        self.tokens_seen = state["tokens_seen"]
        self.loss_sum = state["loss_sum"]
        self.loss_count = state["loss_count"]
        self.previous_elapsed = state["elapsed_s"]

    def _train(self, max_steps: int) -> Iterator[dict[str, Any]]:
        config = self.config
        started = time.monotonic()
        cpu_started = time.process_time()
        start_step = self.step
        window_losses: list[float] = []
        window_tokens = 0
        window_started = started
        last_loss: float | None = None
        last_checkpoint_step: int | None = None
        last_eval_step: int | None = None
        stopped = False

        while self.step < max_steps:
            indices = self.order.indices(self.examples_seen, self.effective_batch)
            examples = [self.train_examples[i] for i in indices]
            lr = float(self.scheduler.get_last_lr()[0])
            loss, tokens, grad_norm = yield from self._optimizer_step(self.step + 1, examples)
            self.step += 1
            self.examples_seen += len(examples)
            self.tokens_seen += tokens
            self.loss_sum += loss
            self.loss_count += 1
            last_loss = loss
            window_losses.append(loss)
            window_tokens += tokens
            stopped = self.control.stop_requested
            is_last = self.step >= max_steps or stopped

            if self.step % config["log_every"] == 0 or is_last:
                now = time.monotonic()
                yield self._log_event(
                    window_losses,
                    window_tokens,
                    now - window_started,
                    lr,
                    grad_norm,
                    now - started,
                    start_step,
                    max_steps,
                )
                window_losses, window_tokens, window_started = [], 0, now
            if config["eval_every"] and self.step % config["eval_every"] == 0 and self.eval_examples:
                yield self._eval_event()
                last_eval_step = self.step
            if config["save_every"] and self.step % config["save_every"] == 0 and not is_last:
                yield self._checkpoint_event(time.monotonic() - started)
                last_checkpoint_step = self.step
            yield from self._memory_snapshot_events()
            if stopped:
                break

        if self.snapshot_until is not None:
            yield self._dump_memory_snapshot()
        if not stopped and self.eval_examples and last_eval_step != self.step:
            yield self._eval_event()
        checkpoint_path = None
        if last_checkpoint_step != self.step:
            event = self._checkpoint_event(time.monotonic() - started)
            checkpoint_path = event["path"]
            yield event
        elapsed = time.monotonic() - started
        session_steps = self.step - start_step
        summary: dict[str, Any] = {
            "train_loss_mean": self.loss_sum / self.loss_count if self.loss_count else None,
            "final_loss": last_loss,
            "eval_loss": self.last_eval_loss,
            "steps": self.step,
            "tokens_seen": self.tokens_seen,
            "elapsed_s": self.previous_elapsed + elapsed,
            "steps_per_s": session_steps / elapsed if elapsed > 0 else None,
            # CPU time of the whole worker process (every thread: training, the gRPC stream, telemetry
            # sampling) per step of this session: what monitoring costs the worker, whatever else runs.
            "cpu_s_per_step": (time.process_time() - cpu_started) / session_steps if session_steps else None,
            "checkpoint": checkpoint_path or os.path.join(self.run_dir, f"checkpoint-{self.step}"),
        }
        summary.update(self._cuda_memory())
        yield {
            "type": "finished",
            "status": "stopped" if stopped else "completed",
            "step": self.step,
            "summary": summary,
        }

    def _optimizer_step(
        self, step: int, examples: list[Example]
    ) -> Generator[dict[str, Any], None, tuple[float, int, float]]:
        """One optimizer step over examples in micro-batches; backs off the batch size on CUDA OOM.

        A generator so that it can yield oom_backoff events; it returns (loss, tokens, grad_norm).
        """
        import torch

        while True:
            try:
                return self._accumulate_and_step(step, examples)
            except torch.cuda.OutOfMemoryError:
                pass  # handled below, outside the except block, so the traceback's tensors are freed
            self.optimizer.zero_grad(set_to_none=True)
            if self.device == "cuda":
                torch.cuda.empty_cache()
            if self.batch_size == 1:
                raise TrainingOutOfMemory(
                    f"CUDA ran out of memory at step {step} even with batch_size 1; "
                    "lower seq_len or lora.r, use a smaller model, or free GPU memory used by other processes"
                )
            old = self.batch_size
            self.batch_size = max(1, old // 2)
            yield {
                "type": "oom_backoff",
                "step": step,
                "old_batch_size": old,
                "new_batch_size": self.batch_size,
                "grad_accumulation": math.ceil(self.effective_batch / self.batch_size),
            }

    def _accumulate_and_step(self, step: int, examples: list[Example]) -> tuple[float, int, float]:
        import torch

        self.optimizer.zero_grad(set_to_none=True)
        label_tokens = sum(_learned_tokens(example) for example in examples)
        pad_id = self.tokenizer.pad_token_id
        loss_total = 0.0
        input_tokens = 0
        for micro in chunks(examples, self.batch_size):
            if self.oom_pending == step:
                self.oom_pending = None
                raise torch.cuda.OutOfMemoryError(f"injected by fault_injection.oom_at_step={step}")
            batch = {key: value.to(self.device) for key, value in collate(micro, pad_id).items()}
            output = self.model(**batch)
            micro_labels = sum(_learned_tokens(example) for example in micro)
            # Weight each micro-batch by its share of learned tokens so the step's loss does
            # not depend on how the batch was split (which OOM back-off changes).
            (output.loss * (micro_labels / label_tokens)).backward()
            loss_total += float(output.loss.detach()) * micro_labels
            input_tokens += int(batch["attention_mask"].sum())
        grad_norm = torch.nn.utils.clip_grad_norm_(self.params, self.config["max_grad_norm"])
        self.optimizer.step()
        self.scheduler.step()
        return loss_total / label_tokens, input_tokens, float(grad_norm)

    def _log_event(
        self,
        losses: list[float],
        tokens: int,
        window_s: float,
        lr: float,
        grad_norm: float,
        elapsed: float,
        start_step: int,
        max_steps: int,
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": "log",
            "step": self.step,
            "epoch": self.examples_seen / len(self.train_examples),
            # The mean over the steps since the previous log event (one step when log_every is 1).
            "loss": sum(losses) / len(losses),
            "learning_rate": lr,
            "grad_norm": grad_norm,
            "tokens_seen": self.tokens_seen,
            "tokens_per_s": tokens / window_s if window_s > 0 else 0.0,
            "elapsed_s": self.previous_elapsed + elapsed,
            "eta_s": self._eta(max_steps, start_step),
            "batch_size": self.batch_size,
        }
        event.update(self._cuda_memory())
        return event

    def _eta(self, max_steps: int, start_step: int) -> float | None:
        """Seconds left, from the pace of the steps after warm-up; None while warming up."""
        now = time.monotonic()
        if self.eta_origin is None:
            if self.step - start_step >= ETA_WARMUP_STEPS:
                self.eta_origin = (self.step, now)
            return None
        origin_step, origin_time = self.eta_origin
        done = self.step - origin_step
        if done <= 0:
            return None
        return (max_steps - self.step) * (now - origin_time) / done

    def _memory_snapshot_events(self) -> Iterator[dict[str, Any]]:
        """Starts or finishes a requested CUDA memory-history recording (one stat() per step otherwise)."""
        if self.snapshot_until is not None and self.step >= self.snapshot_until:
            yield self._dump_memory_snapshot()
        request = os.path.join(self.run_dir, MEMORY_SNAPSHOT_REQUEST)
        if not os.path.exists(request):
            return
        try:
            with open(request, encoding="utf-8") as handle:
                steps = max(1, int(handle.read().strip() or "1"))
        except ValueError:
            steps = 1
        os.remove(request)
        if self.device != "cuda":
            yield {
                "type": "memory_snapshot",
                "step": self.step,
                "steps": 0,
                "path": "",
                "message": "a memory snapshot records the CUDA allocator's history; this run trains on the CPU",
            }
            return
        if self.snapshot_until is not None:
            return  # one recording at a time; the running one finishes first
        import torch

        torch.cuda.memory._record_memory_history(max_entries=MEMORY_SNAPSHOT_MAX_ENTRIES)
        self.snapshot_until = self.step + steps
        self.snapshot_steps = steps

    def _dump_memory_snapshot(self) -> dict[str, Any]:
        import torch

        path = os.path.join(self.run_dir, f"memory-snapshot-step-{self.step}.pickle")
        torch.cuda.memory._dump_snapshot(path)  # type: ignore[no-untyped-call]  # torch leaves it unannotated
        torch.cuda.memory._record_memory_history(enabled=None)
        self.snapshot_until = None
        return {
            "type": "memory_snapshot",
            "step": self.step,
            "steps": self.snapshot_steps,
            "path": path,
            "message": "drag the file onto https://pytorch.org/memory_viz to see every allocation",
        }

    def _eval_event(self) -> dict[str, Any]:
        import torch

        self.model.eval()
        loss_total, label_total = 0.0, 0
        with torch.no_grad():
            for micro in chunks(self.eval_examples, EVAL_BATCH_SIZE):
                batch = {
                    key: value.to(self.device) for key, value in collate(micro, self.tokenizer.pad_token_id).items()
                }
                labels = sum(_learned_tokens(example) for example in micro)
                loss_total += float(self.model(**batch).loss) * labels
                label_total += labels
        self.model.train()
        self.last_eval_loss = loss_total / label_total
        return {"type": "eval", "step": self.step, "eval_loss": self.last_eval_loss}

    def _checkpoint_event(self, session_elapsed: float) -> dict[str, Any]:
        state = {
            "examples_seen": self.examples_seen,
            "tokens_seen": self.tokens_seen,
            "loss_sum": self.loss_sum,
            "loss_count": self.loss_count,
            "elapsed_s": self.previous_elapsed + session_elapsed,
            "batch_size": self.batch_size,
            "base_model": self.base_model,
            "backend": self.backend,
            "config": self.config,
        }
        path = save_checkpoint(
            self.run_dir, self.step, self.model, self.tokenizer, self.optimizer, self.scheduler, state
        )
        return {"type": "checkpoint", "step": self.step, "path": path}

    def _cuda_memory(self) -> dict[str, int]:
        if self.device != "cuda":
            return {}
        import torch

        return {
            "allocated_bytes": int(torch.cuda.memory_allocated()),
            "reserved_bytes": int(torch.cuda.memory_reserved()),
            "peak_bytes": int(torch.cuda.max_memory_allocated()),
        }


def _learned_tokens(example: Example) -> int:
    # The model predicts token t+1 from token t, so the first label never counts.
    return sum(1 for label in example.labels[1:] if label != IGNORE_INDEX)
