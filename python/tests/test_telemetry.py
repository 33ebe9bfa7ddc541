"""TelemetrySampler: host figures always, GPU figures only when NVML sees a GPU."""

from __future__ import annotations

import subprocess
import sys
import time

from snakebridge_worker.process.telemetry import TelemetrySampler


def _nvml_gpu_count() -> int:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # noqa: BLE001 — no library or no driver both mean "no GPU"
        return 0
    try:
        count: int = pynvml.nvmlDeviceGetCount()
        return count
    finally:
        pynvml.nvmlShutdown()


def test_sample_of_this_process_has_host_memory_and_gpus_only_when_present() -> None:
    sampler = TelemetrySampler()
    try:
        sample = sampler.sample()
    finally:
        sampler.close()
    assert sample.rss_bytes > 10 * 1024 * 1024, f"RSS of a Python process should exceed 10 MiB, got {sample.rss_bytes}"
    assert sample.cpu_percent >= 0.0
    assert abs(sample.timestamp_ms - time.time() * 1000) < 60_000, "timestamp_ms is not Unix time in milliseconds"
    gpus = _nvml_gpu_count()
    assert len(sample.gpus) == gpus, f"NVML sees {gpus} GPUs but the sample lists {len(sample.gpus)}"
    for gpu in sample.gpus:
        assert gpu.memory_total_bytes > 0


def test_allocators_stay_empty_until_cuda_is_initialised_in_this_process() -> None:
    torch_cuda_initialised = "torch" in sys.modules and sys.modules["torch"].cuda.is_initialized()
    sampler = TelemetrySampler()
    try:
        sample = sampler.sample()
    finally:
        sampler.close()
    if not torch_cuda_initialised:
        assert list(sample.allocators) == [], "allocator figures appeared although CUDA was never initialised"


def test_sample_of_another_process_reports_its_cpu_use() -> None:
    busy = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 5\nwhile time.time() < end: pass"])
    try:
        sampler = TelemetrySampler(busy.pid)
        time.sleep(0.5)
        sample = sampler.sample()
        sampler.close()
    finally:
        busy.kill()
        busy.wait()
    assert sample.rss_bytes > 0
    assert sample.cpu_percent > 10.0, f"a busy-looping child should use CPU, sampled {sample.cpu_percent}%"


def test_reading_nvml_never_creates_a_cuda_context_or_imports_torch() -> None:
    # A fresh interpreter: only the readers, as scripts/gpu-check.py and the monitor use them.
    code = (
        "import sys, json\n"
        "from snakebridge_worker.process.telemetry import NvmlReader, allocator_readings\n"
        "reader = NvmlReader()\n"
        "gpus = reader.read()\n"
        "reader.close()\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'grpc': 'grpc' in sys.modules,"
        " 'allocators': allocator_readings(),"
        " 'mine': [g.get('process_used_bytes', 0) for g in gpus]}))\n"
    )
    import json
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root, check=True)
    result = json.loads(out.stdout)
    assert result["torch"] is False, "reading NVML imported torch"
    assert result["grpc"] is False, "the telemetry readers must not need grpc (scripts/gpu-check.py runs without it)"
    assert result["allocators"] == []
    # NVML lists processes holding a CUDA context; the reader's own process must hold none.
    assert all(used == 0 for used in result["mine"]), f"the NVML reader's process holds GPU memory: {result['mine']}"
