#!/usr/bin/env python3
"""GPU verification for Snakebridge training, in Python only: no Node, no network, no gRPC worker.

Runs on a CUDA machine with torch, transformers, peft and nvidia-ml-py installed, and imports only
the worker's training and telemetry modules (plus pytest, when present). It checks:

- ``pytest -m gpu`` over the training and telemetry tests;
- a short LoRA run of a tiny model built from its config: with Unsloth when importable, and with
  transformers + PEFT;
- NVML telemetry beside torch's allocator (the CUDA context's share), read without creating a
  CUDA context in the reading process;
- OOM back-off: a real CUDA out-of-memory forced by a batch-size ramp under a memory cap;
- checkpoint and exact resume; a CUDA memory snapshot.

It prints one JSON object on stdout. On a machine without CUDA every GPU check reports
``skipped`` with the reason, and the CPU parts still run. Exit code: 0 when nothing failed.

    python3 scripts/gpu-check.py [--quick]
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON_DIR = os.path.join(ROOT, "python")
sys.path.insert(0, PYTHON_DIR)

TINY = {"hidden_size": 64, "layers": 2, "heads": 4, "kv_heads": 4, "vocab_size": 256}


class Skip(Exception):
    """A check that does not apply on this machine; the message says why."""


def _version(module: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return None
    try:
        return str(getattr(importlib.import_module(module), "__version__", "installed"))
    except Exception as error:  # noqa: BLE001 — an installed package that fails to import is reported, not fatal
        return f"import failed: {type(error).__name__}: {error}"


def _dataset(folder: str, rows: int = 240, long: bool = False) -> str:
    """A small learnable JSONL dataset; long=True makes rows of ~1,000 words for memory pressure."""
    rng = random.Random(7)
    path = os.path.join(folder, "long.jsonl" if long else "train.jsonl")
    words = ["cat", "dog", "fox", "owl", "river", "garden", "sleeps", "runs", "near", "the"]
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(rows):
            if long:
                handle.write(json.dumps({"text": " ".join(rng.choice(words) for _ in range(1000))}) + "\n")
            elif rng.random() < 0.7:
                handle.write(json.dumps({"text": f"the {rng.choice(words)} {rng.choice(words)} near the {rng.choice(words)}."}) + "\n")
            else:
                a, b = rng.randint(0, 9), rng.randint(0, 9)
                handle.write(json.dumps({"prompt": f"add {a} and {b}:", "completion": f" {a + b}"}) + "\n")
    return path


def _config(dataset: str, output_dir: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "model": {"tiny": dict(TINY)},
        "dataset": {"path": dataset, "eval_split": 0.1},
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0},
        "max_steps": 30,
        "learning_rate": 3e-3,
        "batch_size": 8,
        "seq_len": 64,
        "log_every": 1,
        "output_dir": output_dir,
        "device": "auto",
        "seed": 1,
    }
    config.update(overrides)
    return config


def _train(config: dict[str, Any]) -> list[dict[str, Any]]:
    from snakebridge_worker.training import run

    events = list(run(config))
    failed = [event for event in events if event["type"] == "failed"]
    if failed:
        raise RuntimeError(f"{failed[0]['message']}\n{failed[0]['traceback'][-2000:]}")
    return events


def _run_summary(events: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    started = events[0]
    logs = [event for event in events if event["type"] == "log"]
    finished = events[-1]
    losses = [log["loss"] for log in logs]
    head, tail = losses[: max(1, len(losses) // 5)], losses[-max(1, len(losses) // 5) :]
    summary = finished.get("summary", {})
    return {
        "device": started["device"],
        "backend": started["backend"],
        "trainable_params": started["trainable_params"],
        "total_params": started["total_params"],
        "steps": finished.get("step"),
        "first_loss": round(losses[0], 4) if losses else None,
        "final_loss": round(losses[-1], 4) if losses else None,
        "loss_went_down": bool(losses) and sum(tail) / len(tail) < sum(head) / len(head),
        "steps_per_s": round(summary["steps_per_s"], 2) if summary.get("steps_per_s") else None,
        "peak_allocated_bytes": summary.get("peak_bytes"),
        "eta_first_s": next((log["eta_s"] for log in logs if log["eta_s"] is not None), None),
        "wall_s": round(seconds, 1),
    }


def _cuda() -> Any:
    import torch

    if not torch.cuda.is_available():
        raise Skip("no CUDA GPU visible to torch on this machine")
    return torch


# -- checks ----------------------------------------------------------------------------------------


def check_environment() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        "peft": _version("peft"),
        "unsloth": "installed" if importlib.util.find_spec("unsloth") is not None else None,
        "pynvml": "installed" if importlib.util.find_spec("pynvml") is not None else None,
        "pytest": _version("pytest"),
    }
    missing = [name for name in ("torch", "transformers", "peft") if info[name] is None]
    if missing:
        raise RuntimeError(f"the training extra is missing ({', '.join(missing)}); nothing can be checked")
    import torch

    info["cuda_available"] = torch.cuda.is_available()
    if torch.cuda.is_available():
        info["cuda"] = torch.version.cuda
        info["devices"] = [torch.cuda.get_device_name(index) for index in range(torch.cuda.device_count())]
        info["bf16"] = torch.cuda.is_bf16_supported()
    return info


def check_pytest_gpu() -> dict[str, Any]:
    if importlib.util.find_spec("pytest") is None:
        raise Skip("pytest is not installed here")
    tests = [os.path.join("tests", name) for name in ("test_training.py", "test_telemetry.py")]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "gpu", "-q", "-rs", "-p", "no:cacheprovider", *tests],
        cwd=PYTHON_DIR,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,  # the exit code is part of the report
    )
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    outcome = {"exit_code": result.returncode, "summary": lines[-1] if lines else "", "wall_s": round(time.monotonic() - started, 1)}
    skips = [line for line in lines if line.startswith("SKIPPED")]
    if result.returncode == 0 and "passed" not in outcome["summary"] and skips:
        raise Skip(f"every GPU test skipped: {skips[0]}")
    if result.returncode not in (0, 5):
        outcome["output_tail"] = (result.stdout + result.stderr)[-3000:]
        raise RuntimeError(json.dumps(outcome))
    return outcome


def check_lora_transformers(work: str, dataset: str, quick: bool) -> dict[str, Any]:
    started = time.monotonic()
    events = _train(_config(dataset, os.path.join(work, "tp"), backend="transformers+peft", max_steps=10 if quick else 30))
    summary = _run_summary(events, time.monotonic() - started)
    if not summary["loss_went_down"]:
        raise RuntimeError(f"the loss did not go down: {summary}")
    return summary


def check_lora_unsloth(work: str, dataset: str, quick: bool) -> dict[str, Any]:
    _cuda()
    if importlib.util.find_spec("unsloth") is None:
        raise Skip("unsloth is not installed; the transformers+PEFT run covers LoRA")
    started = time.monotonic()
    events = _train(_config(dataset, os.path.join(work, "unsloth"), backend="unsloth", device="cuda", max_steps=10 if quick else 30))
    return _run_summary(events, time.monotonic() - started)


def check_nvml_telemetry(work: str, dataset: str) -> dict[str, Any]:
    from snakebridge_worker.process.telemetry import NvmlReader, allocator_readings

    # A fresh process that only reads NVML, as the monitor does: it must hold no CUDA context.
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {PYTHON_DIR!r})\n"
        "from snakebridge_worker.process.telemetry import NvmlReader\n"
        "reader = NvmlReader(); gpus = reader.read(); reason = reader.unavailable_reason; reader.close()\n"
        "print(json.dumps({'gpus': gpus, 'reason': reason, 'torch_imported': 'torch' in sys.modules}))\n"
    )
    monitor = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True).stdout)
    if not monitor["gpus"]:
        raise Skip(f"no GPU through NVML: {monitor['reason']}")
    if monitor["torch_imported"] or any(gpu.get("process_used_bytes", 0) > 0 for gpu in monitor["gpus"]):
        raise RuntimeError(f"reading NVML created a CUDA context in the monitor process: {monitor}")

    torch = _cuda()
    _train(_config(dataset, os.path.join(work, "telemetry"), backend="transformers+peft", device="cuda", max_steps=5))
    reader = NvmlReader()
    try:
        gpus = reader.read()
    finally:
        reader.close()
    allocators = allocator_readings()
    gpu, allocator = gpus[0], allocators[0]
    context = None if "process_used_bytes" not in gpu else gpu["process_used_bytes"] - allocator["reserved_bytes"]
    result = {
        "gpu": gpu["name"],
        "allocated_bytes": allocator["allocated_bytes"],
        "reserved_bytes": allocator["reserved_bytes"],
        "peak_allocated_bytes": allocator["peak_allocated_bytes"],
        "device_used_bytes": gpu["memory_used_bytes"],
        "device_total_bytes": gpu["memory_total_bytes"],
        "this_process_used_bytes": gpu.get("process_used_bytes"),
        "cuda_context_overhead_bytes": context,
        "utilization_percent": gpu.get("utilization_percent"),
        "power_w": gpu.get("power_w"),
        "temperature_c": gpu.get("temperature_c"),
        "monitor_process_held_no_context": True,
    }
    if not gpu["memory_used_bytes"] >= allocator["reserved_bytes"] >= allocator["allocated_bytes"] > 0:
        raise RuntimeError(f"memory figures out of order (expected used ≥ reserved ≥ allocated > 0): {result}")
    torch.cuda.empty_cache()
    return result


def check_oom_backoff(work: str) -> dict[str, Any]:
    torch = _cuda()
    # A memory cap makes a real out-of-memory reachable on any board; the ramp finds the first
    # batch size that hits it, and the loop must halve its way back down and finish the step.
    dataset = _dataset(work, rows=64, long=True)
    fraction = 0.03
    torch.cuda.set_per_process_memory_fraction(fraction)
    try:
        attempts = []
        for batch in (4, 16, 64, 256, 1024):
            events = _train(
                _config(
                    dataset,
                    os.path.join(work, f"oom-{batch}"),
                    model={"tiny": {"hidden_size": 256, "layers": 4, "heads": 4, "kv_heads": 4, "intermediate_size": 1024, "vocab_size": 512}},
                    backend="transformers+peft",
                    device="cuda",
                    batch_size=batch,
                    seq_len=1024,
                    max_steps=2,
                    dataset={"path": dataset, "eval_split": 0.0},
                )
            )
            backoffs = [event for event in events if event["type"] == "oom_backoff"]
            attempts.append({"batch_size": batch, "backoffs": len(backoffs)})
            if backoffs:
                finished = events[-1]
                return {
                    "memory_cap_fraction": fraction,
                    "ramp": attempts,
                    "first_oom_batch_size": batch,
                    "backoff": [(event["old_batch_size"], event["new_batch_size"], event["grad_accumulation"]) for event in backoffs],
                    "finished": finished["type"] == "finished" and finished["status"] == "completed",
                }
        raise RuntimeError(f"no out-of-memory up to batch 1024 under a {fraction:.0%} memory cap: {attempts}")
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
        torch.cuda.empty_cache()


def check_oom_backoff_injected(work: str, dataset: str) -> dict[str, Any]:
    events = _train(_config(dataset, os.path.join(work, "oom-injected"), backend="transformers+peft", max_steps=4, fault_injection={"oom_at_step": 2}))
    backoffs = [event for event in events if event["type"] == "oom_backoff"]
    if len(backoffs) != 1 or events[-1]["type"] != "finished":
        raise RuntimeError(f"expected one oom_backoff and a finished run, got {[event['type'] for event in events]}")
    return {"device": events[0]["device"], "batch": [backoffs[0]["old_batch_size"], backoffs[0]["new_batch_size"]], "grad_accumulation": backoffs[0]["grad_accumulation"]}


def check_checkpoint_resume(work: str, dataset: str) -> dict[str, Any]:
    full_dir, resumed_dir = os.path.join(work, "full"), os.path.join(work, "resumed")
    base = {"backend": "transformers+peft", "max_steps": 8, "save_every": 4}
    full = _train(_config(dataset, full_dir, **base))
    checkpoint = next(event["path"] for event in full if event["type"] == "checkpoint" and event["step"] == 4)
    resumed = _train(_config(dataset, resumed_dir, **base, resume_from=checkpoint))
    full_losses = {event["step"]: event["loss"] for event in full if event["type"] == "log" and event["step"] > 4}
    resumed_losses = {event["step"]: event["loss"] for event in resumed if event["type"] == "log"}
    if sorted(resumed_losses) != sorted(full_losses):
        raise RuntimeError(f"the resumed run logged steps {sorted(resumed_losses)}, expected {sorted(full_losses)}")
    difference = max(abs(full_losses[step] - resumed_losses[step]) for step in full_losses)
    device = full[0]["device"]
    # CPU is deterministic; CUDA kernels may differ in the last bits between processes and runs.
    tolerance = 1e-4 if device == "cpu" else 2e-2
    if difference > tolerance:
        raise RuntimeError(f"resumed losses differ from the uninterrupted run by {difference:.2e} (> {tolerance:g})")
    return {"device": device, "resumed_from_step": resumed[0]["start_step"], "max_loss_difference": difference, "tolerance": tolerance}


def check_memory_snapshot(work: str, dataset: str) -> dict[str, Any]:
    _cuda()
    run_dir = os.path.join(work, "snapshot")
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, ".memory-snapshot-request"), "w", encoding="utf-8") as handle:
        handle.write("3\n")
    events = _train(_config(dataset, run_dir, backend="transformers+peft", device="cuda", max_steps=6))
    snapshot = next((event for event in events if event["type"] == "memory_snapshot"), None)
    if snapshot is None or not snapshot["path"] or not os.path.isfile(snapshot["path"]):
        raise RuntimeError(f"no memory snapshot pickle was written: {snapshot}")
    return {"steps": snapshot["steps"], "bytes": os.path.getsize(snapshot["path"])}


# -- driver ----------------------------------------------------------------------------------------


def _run_check(name: str, check: Callable[[], dict[str, Any]], results: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        outcome: dict[str, Any] = {"status": "passed", **check()}
    except Skip as skip:
        outcome = {"status": "skipped", "reason": str(skip)}
    except Exception as error:  # noqa: BLE001 — one failed check must not hide the others
        outcome = {"status": "failed", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-2500:]}
    outcome["seconds"] = round(time.monotonic() - started, 1)
    results[name] = outcome
    print(f"[gpu-check] {name}: {outcome['status']}", file=sys.stderr, flush=True)


def main() -> int:
    quick = "--quick" in sys.argv
    started = time.monotonic()
    results: dict[str, Any] = {}
    _run_check("environment", check_environment, results)
    if results["environment"]["status"] == "passed":
        with tempfile.TemporaryDirectory(prefix="sb-gpu-check-") as work:
            dataset = _dataset(work)
            _run_check("pytest_gpu", check_pytest_gpu, results)
            _run_check("lora_transformers_peft", lambda: check_lora_transformers(work, dataset, quick), results)
            _run_check("lora_unsloth", lambda: check_lora_unsloth(work, dataset, quick), results)
            _run_check("nvml_telemetry", lambda: check_nvml_telemetry(work, dataset), results)
            _run_check("oom_backoff_real", lambda: check_oom_backoff(work), results)
            _run_check("oom_backoff_injected", lambda: check_oom_backoff_injected(work, dataset), results)
            _run_check("checkpoint_resume", lambda: check_checkpoint_resume(work, dataset), results)
            _run_check("memory_snapshot", lambda: check_memory_snapshot(work, dataset), results)
    statuses = [result["status"] for result in results.values()]
    report = {
        "script": "gpu-check",
        "ok": "failed" not in statuses,
        "counts": {status: statuses.count(status) for status in ("passed", "skipped", "failed")},
        "seconds": round(time.monotonic() - started, 1),
        "checks": results,
    }
    print(json.dumps(report, indent=2, default=str))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
