// Flattens a worker telemetry sample into the named values the run store keeps per run.
// Names: host.rss_bytes, host.cpu_percent, gpu<i>.memory_used_bytes / memory_total_bytes /
// utilization_percent / temperature_c / power_w (NVML index, each only where the board reports it), cuda<d>.allocated_bytes / reserved_bytes / peak_allocated_bytes
// (torch device index). A machine without a GPU yields no gpu or cuda names at all, never zeros.
// The prefixes keep telemetry apart from the log events' own allocated_bytes/... metrics.

import type { TelemetrySample } from "../bridge/index.js";

/** The named values of one telemetry sample. */
export function telemetryValues(sample: TelemetrySample): Record<string, number> {
  const values: Record<string, number> = {
    "host.rss_bytes": Number(sample.rssBytes),
    "host.cpu_percent": sample.cpuPercent,
  };
  for (const gpu of sample.gpus) {
    const prefix = `gpu${gpu.index}`;
    values[`${prefix}.memory_used_bytes`] = Number(gpu.memoryUsedBytes);
    values[`${prefix}.memory_total_bytes`] = Number(gpu.memoryTotalBytes);
    if (gpu.utilizationPercent !== undefined) values[`${prefix}.utilization_percent`] = gpu.utilizationPercent;
    if (gpu.temperatureC !== undefined) values[`${prefix}.temperature_c`] = gpu.temperatureC;
    if (gpu.powerW !== undefined) values[`${prefix}.power_w`] = gpu.powerW;
  }
  for (const allocator of sample.allocators) {
    const prefix = `cuda${allocator.device}`;
    values[`${prefix}.allocated_bytes`] = Number(allocator.allocatedBytes);
    values[`${prefix}.reserved_bytes`] = Number(allocator.reservedBytes);
    values[`${prefix}.peak_allocated_bytes`] = Number(allocator.peakAllocatedBytes);
  }
  return values;
}

/** When a sample was taken (the worker's clock; the host's when the worker sent none). */
export function sampleTime(sample: TelemetrySample): number {
  const at = Number(sample.timestampMs);
  return at > 0 ? at : Date.now();
}
