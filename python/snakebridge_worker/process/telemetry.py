"""Samples of this worker's resource use: host memory and CPU, GPUs (NVML), torch's allocator.

NVML reads GPU state from the driver without creating a CUDA context, so sampling never
costs GPU memory. The torch allocator is read only when a trainer in this process has
already initialised CUDA.

The readers return plain dicts and import nothing but the standard library (and pynvml when
present), so scripts/gpu-check.py can use them on a machine without grpc, protobuf or psutil;
only ``TelemetrySampler.sample`` builds the worker's protobuf message.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


class NvmlReader:
    """Reads every NVIDIA GPU through NVML; reads nothing (and never fails) where NVML is absent."""

    def __init__(self) -> None:
        self._nvml: Any = None
        self._handles: list[Any] = []
        self._tried = False
        self.unavailable_reason: str | None = None

    def read(self) -> list[dict[str, Any]]:
        """One dict per GPU: index, name, memory_used_bytes, memory_total_bytes, process_used_bytes
        (this process, where the driver reports it), and utilization_percent / temperature_c /
        power_w where the board supports them (absent, not zero, elsewhere)."""
        nvml = self._ensure()
        if nvml is None:
            return []
        pid = os.getpid()
        return [_reading(nvml, index, handle, pid) for index, handle in enumerate(self._handles)]


    def close(self) -> None:
        """Releases NVML if this reader initialised it."""
        if self._nvml is not None:
            self._nvml.nvmlShutdown()
            self._nvml = None
            self._handles = []

    def _ensure(self) -> Any:
        if self._tried:
            return self._nvml
        self._tried = True
        try:
            import pynvml
        except ImportError:
            self.unavailable_reason = "nvidia-ml-py (pynvml) is not installed"
            return None
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError as error:
            self.unavailable_reason = f"NVML could not start ({error}): no NVIDIA driver on this machine"
            return None
        count = pynvml.nvmlDeviceGetCount()
        self._handles = [pynvml.nvmlDeviceGetHandleByIndex(index) for index in range(count)]
        self._nvml = pynvml
        return pynvml


def allocator_readings() -> list[dict[str, int]]:
    """torch's caching-allocator figures per CUDA device; empty until this process has used CUDA."""
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
        {
            "device": device,
            "allocated_bytes": int(torch.cuda.memory_allocated(device)),
            "reserved_bytes": int(torch.cuda.memory_reserved(device)),
            "peak_allocated_bytes": int(torch.cuda.max_memory_allocated(device)),
        }
        for device in range(torch.cuda.device_count())
    ]


class TelemetrySampler:
    """Takes TelemetrySample snapshots of one process (this one by default)."""

    def __init__(self, pid: int | None = None) -> None:
        import psutil

        self._process = psutil.Process(pid)
        # The first cpu_percent() call only starts the measurement window; prime it now so
        # the first sample reports a real figure rather than 0.0.
        self._process.cpu_percent(None)
        self._nvml = NvmlReader()

    def sample(self) -> Any:
        """A snapshot now (a worker_pb2.TelemetrySample): RSS, CPU %, one entry per NVIDIA GPU, and torch allocator
        figures."""
        from ..proto import worker_pb2

        with self._process.oneshot():
            rss = self._process.memory_info().rss
            cpu = self._process.cpu_percent(None)
        gpus = []
        for reading in self._nvml.read():
            gpu = worker_pb2.GpuSample(
                index=reading["index"],
                name=reading["name"],
                memory_used_bytes=reading["memory_used_bytes"],
                memory_total_bytes=reading["memory_total_bytes"],
            )
            for field in ("utilization_percent", "temperature_c", "power_w"):
                if field in reading:
                    setattr(gpu, field, reading[field])
            gpus.append(gpu)
        return worker_pb2.TelemetrySample(
            timestamp_ms=int(time.time() * 1000),
            rss_bytes=rss,
            cpu_percent=cpu,
            gpus=gpus,
            allocators=[worker_pb2.AllocatorSample(**reading) for reading in allocator_readings()],
        )

    def close(self) -> None:
        """Releases NVML if this sampler initialised it."""
        self._nvml.close()


def _optional(nvml: Any, read: Any) -> Any:
    try:
        return read()
    except nvml.NVMLError:
        return None


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _reading(nvml: Any, index: int, handle: Any, pid: int) -> dict[str, Any]:
    memory = nvml.nvmlDeviceGetMemoryInfo(handle)
    reading: dict[str, Any] = {
        "index": index,
        "name": _text(nvml.nvmlDeviceGetName(handle)),
        "memory_used_bytes": int(memory.used),
        "memory_total_bytes": int(memory.total),
    }
    # Each of these is unsupported on some boards (and under MIG); absent, not zero.
    utilization = _optional(nvml, lambda: nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
    if utilization is not None:
        reading["utilization_percent"] = float(utilization)
    temperature = _optional(nvml, lambda: nvml.nvmlDeviceGetTemperature(handle, nvml.NVML_TEMPERATURE_GPU))
    if temperature is not None:
        reading["temperature_c"] = float(temperature)
    power_mw = _optional(nvml, lambda: nvml.nvmlDeviceGetPowerUsage(handle))
    if power_mw is not None:
        reading["power_w"] = power_mw / 1000.0
    processes = _optional(nvml, lambda: nvml.nvmlDeviceGetComputeRunningProcesses(handle))
    if processes is not None:
        mine = [p.usedGpuMemory for p in processes if p.pid == pid and p.usedGpuMemory is not None]
        reading["process_used_bytes"] = int(sum(mine))
        reading["process_pids"] = [int(p.pid) for p in processes]
    return reading
