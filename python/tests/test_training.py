"""Real LoRA training runs on CPU with the built-in tiny model: events, stop, resume, OOM back-off, export."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import threading
from typing import Any

import pytest

pytestmark = pytest.mark.training

_MISSING = [name for name in ("torch", "transformers", "peft", "tokenizers") if importlib.util.find_spec(name) is None]
if _MISSING:
    pytest.skip(
        f"training extra not installed (missing {', '.join(_MISSING)}); npm run setup:python -- --extra training",
        allow_module_level=True,
    )

from snakebridge_worker.call_control import CallControl, bind_control  # noqa: E402
from snakebridge_worker.training import export, run, validate_config  # noqa: E402

PLAIN = (int, float, str, bool, type(None))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small, learnable JSONL dataset with both row shapes."""
    rng = random.Random(3)
    animals, places = ["cat", "dog", "fox", "owl"], ["garden", "river", "forest", "barn"]
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(160):
            handle.write(json.dumps({"text": f"the {rng.choice(animals)} sleeps in the {rng.choice(places)}."}) + "\n")
        for _ in range(40):
            a, b = rng.randint(0, 9), rng.randint(0, 9)
            handle.write(json.dumps({"prompt": f"add {a} and {b}:", "completion": f" {a + b}"}) + "\n")
    return str(path)


def _config(dataset: str, output_dir: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "model": {"tiny": {"hidden_size": 64, "layers": 2, "heads": 4, "vocab_size": 256}},
        "dataset": {"path": dataset, "eval_split": 0.1},
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0},
        "max_steps": 40,
        "learning_rate": 3e-3,
        "batch_size": 8,
        "seq_len": 32,
        "log_every": 1,
        "output_dir": output_dir,
        "device": "cpu",
        "seed": 1,
    }
    config.update(overrides)
    return config


def _collect(config: dict[str, Any], on_event: Any = None) -> list[dict[str, Any]]:
    events = []
    for event in run(config):
        events.append(event)
        if on_event is not None:
            on_event(event)
    failures = [event for event in events if event["type"] == "failed"]
    assert not failures, f"run failed: {failures[0]['message']}\n{failures[0]['traceback']}"
    return events


def _assert_plain(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where}: non-str key {key!r}"
            _assert_plain(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _assert_plain(item, f"{where}[{index}]")
    else:
        assert isinstance(value, PLAIN), f"{where}: {type(value).__name__} is not a plain value"


@pytest.fixture(scope="module")
def completed_run(dataset: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]]]:
    run_dir = str(tmp_path_factory.mktemp("completed"))
    return run_dir, _collect(_config(dataset, run_dir, eval_every=20))


def test_loss_goes_down_and_events_are_plain_and_complete(completed_run: tuple[str, list[dict[str, Any]]]) -> None:
    run_dir, events = completed_run
    for index, event in enumerate(events):
        _assert_plain(event, f"event[{index}]")
    types = [event["type"] for event in events]
    assert types[0] == "started" and types[-1] == "finished", types
    started = events[0]
    assert started["backend"] == "transformers+peft" and started["device"] == "cpu"
    assert 0 < started["trainable_params"] < started["total_params"]
    assert started["run_dir"] == run_dir

    logs = [event for event in events if event["type"] == "log"]
    assert [log["step"] for log in logs] == list(range(1, 41))
    for log in logs:
        for key in ("epoch", "loss", "learning_rate", "grad_norm", "tokens_seen", "tokens_per_s", "elapsed_s"):
            assert isinstance(log[key], (int, float)), f"log.{key} missing or not a number: {log}"
        assert "allocated_bytes" not in log, "CUDA memory figures on a CPU run"
    first, last = [log["loss"] for log in logs[:5]], [log["loss"] for log in logs[-5:]]
    assert sum(last) / 5 < sum(first) / 5 - 0.05, f"loss did not go down: first 5 {first}, last 5 {last}"
    assert logs[-1]["tokens_seen"] > logs[0]["tokens_seen"] > 0

    evals = [event for event in events if event["type"] == "eval"]
    assert [event["step"] for event in evals] == [20, 40]
    checkpoint = [event for event in events if event["type"] == "checkpoint"][-1]
    assert checkpoint["step"] == 40 and os.path.isfile(os.path.join(checkpoint["path"], "adapter_model.safetensors"))

    finished = events[-1]
    assert finished["status"] == "completed" and finished["step"] == 40
    mean = sum(log["loss"] for log in logs) / len(logs)
    assert finished["summary"]["train_loss_mean"] == pytest.approx(mean), "train_loss_mean is the mean over the run"


def test_stop_mid_run_checkpoints_and_resume_continues_the_step_count(dataset: str, tmp_path: Any) -> None:
    control = CallControl(call_id="stop-test")
    reached_step_10 = threading.Event()

    def stop_at_step_10() -> None:
        if reached_step_10.wait(60):
            control.request_stop()

    stopper = threading.Thread(target=stop_at_step_10)
    stopper.start()

    def watch(event: dict[str, Any]) -> None:
        if event["type"] == "log" and event["step"] >= 10:
            reached_step_10.set()

    bind_control(control)
    try:
        events = _collect(_config(dataset, str(tmp_path / "first"), max_steps=200), watch)
    finally:
        bind_control(None)
        reached_step_10.set()
        stopper.join()

    finished = events[-1]
    assert finished["type"] == "finished" and finished["status"] == "stopped", finished
    stopped_at = finished["step"]
    assert 10 <= stopped_at < 200
    assert events[-2]["type"] == "checkpoint" and events[-2]["step"] == stopped_at
    assert [e for e in events if e["type"] == "log"][-1]["step"] == stopped_at, "the last step before a stop is logged"

    resumed = _collect(
        _config(dataset, str(tmp_path / "second"), max_steps=stopped_at + 5, resume_from=events[-2]["path"])
    )
    assert resumed[0]["start_step"] == stopped_at
    steps = [event["step"] for event in resumed if event["type"] == "log"]
    assert steps == list(range(stopped_at + 1, stopped_at + 6))
    assert resumed[-1]["status"] == "completed" and resumed[-1]["step"] == stopped_at + 5
    first_resumed_lr = next(event for event in resumed if event["type"] == "log")["learning_rate"]
    assert first_resumed_lr < 3e-3, "the linear schedule restarted instead of resuming"


def test_out_of_memory_halves_the_batch_and_keeps_training(dataset: str, tmp_path: Any) -> None:
    events = _collect(_config(dataset, str(tmp_path), max_steps=6, batch_size=4, fault_injection={"oom_at_step": 3}))
    backoffs = [event for event in events if event["type"] == "oom_backoff"]
    assert backoffs == [
        {"type": "oom_backoff", "step": 3, "old_batch_size": 4, "new_batch_size": 2, "grad_accumulation": 2}
    ]
    logs = {event["step"]: event for event in events if event["type"] == "log"}
    assert logs[2]["batch_size"] == 4 and logs[3]["batch_size"] == 2
    assert events[-1]["status"] == "completed" and events[-1]["step"] == 6


def test_out_of_memory_at_batch_size_one_fails_with_advice(dataset: str, tmp_path: Any) -> None:
    events = list(run(_config(dataset, str(tmp_path), max_steps=3, batch_size=1, fault_injection={"oom_at_step": 2})))
    failed = events[-1]
    assert failed["type"] == "failed" and failed["classification"] == "out_of_memory", failed
    assert "batch_size 1" in failed["message"] and "lower seq_len" in failed["message"]


def test_missing_dataset_is_a_failed_event_and_bad_config_raises_before_any_event(tmp_path: Any) -> None:
    events = list(run(_config(str(tmp_path / "nope.jsonl"), str(tmp_path))))
    assert [event["type"] for event in events] == ["failed"]
    assert events[0]["classification"] == "value_error" and "nope.jsonl" in events[0]["message"]
    with pytest.raises(ValueError, match="batch_size: expected an integer >= 1"):
        run(_config(str(tmp_path / "d.jsonl"), str(tmp_path), batch_size=0))


def test_export_adapter_and_merged_and_gguf_says_what_to_do(
    completed_run: tuple[str, list[dict[str, Any]]], tmp_path: Any
) -> None:
    run_dir, _ = completed_run
    adapter = export(run_dir, "adapter", str(tmp_path / "adapter"))
    assert adapter["kind"] == "adapter" and "adapter_model.safetensors" in adapter["files"]
    assert "adapter_config.json" in adapter["files"]

    merged = export(run_dir, "merged", str(tmp_path / "merged"))
    assert "model.safetensors" in merged["files"] and "config.json" in merged["files"]
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(merged["path"])
    assert not any("lora" in name for name, _ in model.named_parameters()), "merged model still carries LoRA layers"

    with pytest.raises(
        ValueError, match='GGUF export is not available with the transformers\\+peft backend; export kind "merged"'
    ):
        export(run_dir, "gguf", str(tmp_path / "gguf"))


def test_started_config_is_the_resolved_config_and_validates_unchanged(
    completed_run: tuple[str, list[dict[str, Any]]],
) -> None:
    _, events = completed_run
    resolved = events[0]["config"]
    assert resolved["model"]["tiny"]["vocab_size"] == 256 and resolved["lr_scheduler"] == "linear"
    assert validate_config(resolved) == resolved


@pytest.mark.gpu
def test_short_cuda_run_reports_allocator_and_nvml_memory(dataset: str, tmp_path: Any) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU visible to torch")
    from snakebridge_worker.process.telemetry import NvmlReader, allocator_readings

    events = _collect(_config(dataset, str(tmp_path), max_steps=5, device="cuda", backend="transformers+peft"))
    logs = [event for event in events if event["type"] == "log"]
    assert events[0]["device"] == "cuda"
    assert all(log["allocated_bytes"] > 0 and log["peak_bytes"] >= log["allocated_bytes"] for log in logs)
    reader = NvmlReader()
    try:
        gpus = reader.read()
    finally:
        reader.close()
    assert gpus and gpus[0]["memory_total_bytes"] > 0
    allocators = allocator_readings()
    assert allocators and allocators[0]["peak_allocated_bytes"] > 0
    # The device's used memory covers this process's reserved memory plus its CUDA context.
    assert gpus[0]["memory_used_bytes"] >= allocators[0]["reserved_bytes"]


@pytest.mark.gpu
def test_memory_snapshot_records_the_requested_steps_on_cuda(dataset: str, tmp_path: Any) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU visible to torch")
    run_dir = str(tmp_path / "snap")
    os.makedirs(run_dir)
    with open(os.path.join(run_dir, ".memory-snapshot-request"), "w", encoding="utf-8") as handle:
        handle.write("2\n")
    events = _collect(_config(dataset, run_dir, max_steps=6, device="cuda", backend="transformers+peft"))
    snapshots = [event for event in events if event["type"] == "memory_snapshot"]
    assert len(snapshots) == 1 and snapshots[0]["steps"] == 2
    assert os.path.getsize(snapshots[0]["path"]) > 0


def test_a_memory_snapshot_on_cpu_says_why_there_is_none(dataset: str, tmp_path: Any) -> None:
    run_dir = str(tmp_path / "cpu-snap")
    os.makedirs(run_dir)
    with open(os.path.join(run_dir, ".memory-snapshot-request"), "w", encoding="utf-8") as handle:
        handle.write("3\n")
    events = _collect(_config(dataset, run_dir, max_steps=3))
    snapshot = next(event for event in events if event["type"] == "memory_snapshot")
    assert snapshot["steps"] == 0 and snapshot["path"] == "" and "CPU" in snapshot["message"]
    assert not os.path.exists(os.path.join(run_dir, ".memory-snapshot-request"))


def test_eta_waits_for_warm_up_then_tracks_the_remaining_steps(completed_run: tuple[str, list[dict[str, Any]]]) -> None:
    _, events = completed_run
    etas = [event["eta_s"] for event in events if event["type"] == "log"]
    # No guess from the first (slow) steps: ETA appears after warm-up and falls to 0 at the end.
    assert etas[:3] == [None, None, None]
    assert all(isinstance(eta, float) for eta in etas[3:])
    assert etas[-1] == 0.0
    assert etas[3] > etas[-2]


def test_generate_compares_the_base_model_with_the_adapter(completed_run: tuple[str, list[dict[str, Any]]]) -> None:
    from snakebridge_worker.training import environment, generate

    run_dir, _ = completed_run
    result = generate(run_dir, "the cat", 8)
    assert set(result) == {"base", "adapter"}
    assert all(isinstance(text, str) for text in result.values())
    # Same greedy decoding, different weights: a trained adapter changes the continuation.
    assert result["base"] != result["adapter"]
    with pytest.raises(ValueError, match="prompt"):
        generate(run_dir, "   ")
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate(run_dir, "the cat", 0)
    assert environment() == {"missing": []}
