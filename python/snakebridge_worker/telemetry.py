"""Samples of this worker's resource use: host memory and CPU, GPUs (NVML), torch's allocator.

NVML reads GPU state from the driver without creating a CUDA context, so sampling never
costs GPU memory. The torch allocator is read only when a trainer in this process has
already initialised CUDA.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import psutil

from .proto import worker_pb2


class TelemetrySampler:
    """Takes TelemetrySample snapshots of one process (this one by default)."""

    def __init__(self, pid: int | None = None) -> None:
        self._process = psutil.Process(pid)
        # The first cpu_percent() call only starts the measurement window; prime it now so
        # the first sample reports a real figure rather than 0.0.
        self._process.cpu_percent(None)
        self._nvml: Any = None
        self._gpu_handles: list[Any] = []
        self._nvml_tried = False

    def sample(self) -> worker_pb2.TelemetrySample:
        """A snapshot now: RSS, CPU %, one entry per NVIDIA GPU, and torch allocator figures."""
        with self._process.oneshot():
            rss = self._process.memory_info().rss
            cpu = self._process.cpu_percent(None)
        return worker_pb2.TelemetrySample(
            timestamp_ms=int(time.time() * 1000),
            rss_bytes=rss,
            cpu_percent=cpu,
            gpus=self._gpu_samples(),
            allocators=_allocator_samples(),
        )

    def close(self) -> None:
        """Releases NVML if this sampler initialised it."""
        if self._nvml is not None:
            self._nvml.nvmlShutdown()
            self._nvml = None
            self._gpu_handles = []

    def _gpu_samples(self) -> list[worker_pb2.GpuSample]:
        nvml = self._ensure_nvml()
        if nvml is None:
            return []
        samples = []
        for index, handle in enumerate(self._gpu_handles):
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            sample = worker_pb2.GpuSample(
                index=index,
                name=_text(nvml.nvmlDeviceGetName(handle)),
                memory_used_bytes=int(memory.used),
                memory_total_bytes=int(memory.total),
            )
            # Each of these is unsupported on some boards (and under MIG); absent, not zero.
            utilization = _optional(nvml, lambda: nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
            if utilization is not None:
                sample.utilization_percent = float(utilization)
            temperature = _optional(nvml, lambda: nvml.nvmlDeviceGetTemperature(handle, nvml.NVML_TEMPERATURE_GPU))
            if temperature is not None:
                sample.temperature_c = float(temperature)
            power_mw = _optional(nvml, lambda: nvml.nvmlDeviceGetPowerUsage(handle))
            if power_mw is not None:
                sample.power_w = power_mw / 1000.0
            samples.append(sample)
        return samples

    def _ensure_nvml(self) -> Any:
        if self._nvml_tried:
            return self._nvml
        self._nvml_tried = True
        try:
            import pynvml
        except ImportError:
            return None  # nvidia-ml-py is not installed: report no GPUs
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError:
            return None  # no NVIDIA driver on this machine: report no GPUs
        count = pynvml.nvmlDeviceGetCount()
        self._gpu_handles = [pynvml.nvmlDeviceGetHandleByIndex(index) for index in range(count)]
        self._nvml = pynvml
        return pynvml


def _allocator_samples() -> list[worker_pb2.AllocatorSample]:
    if "torch" not in sys.modules:
        return []
    torch = sys.modules["torch"]
    # A trainer may still be importing torch on the main thread: nothing can have used CUDA yet.
    if getattr(getattr(torch, "__spec__", None), "_initializing", False):
        return []
    cuda = getattr(torch, "cuda", None)
    # is_initialized() is false until something in this process used CUDA; asking for memory
    # figures before that would create a context (hundreds of MB) just to report zeros.
    if cuda is None or not cuda.is_initialized():
        return []
    return [
        worker_pb2.AllocatorSample(
            device=device,
            allocated_bytes=int(torch.cuda.memory_allocated(device)),
            reserved_bytes=int(torch.cuda.memory_reserved(device)),
            peak_allocated_bytes=int(torch.cuda.max_memory_allocated(device)),
        )
        for device in range(torch.cuda.device_count())
    ]


def _optional(nvml: Any, read: Any) -> Any:
    try:
        return read()
    except nvml.NVMLError:
        return None


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
