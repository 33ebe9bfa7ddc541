"""TelemetrySampler: host figures always, GPU figures only when NVML sees a GPU."""

from __future__ import annotations

import subprocess
import sys
import time

from snakebridge_worker.telemetry import TelemetrySampler


def _nvml_gpu_count() -> int:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # noqa: BLE001 — no library or no driver both mean "no GPU"
        return 0
    try:
        return pynvml.nvmlDeviceGetCount()
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
