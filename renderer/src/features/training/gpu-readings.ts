// What the GPU panel shows: for each GPU, torch's allocated and reserved memory beside what the
// driver (NVML) says the device uses, and the difference: the CUDA context and anything else on the
// GPU, which is why nvidia-smi always shows more than PyTorch does.
import type { SeriesPoint } from "../../api";

export interface GpuReading {
  /** NVML index (the telemetry's gpu<i>). */
  index: number;
  /** torch.cuda.memory_allocated: live tensors. */
  allocated: number | null;
  /** torch.cuda.memory_reserved: allocated plus the caching allocator's free blocks. */
  reserved: number | null;
  /** NVML device memory used: every process, plus each process's CUDA context. */
  used: number | null;
  total: number | null;
  /** used − reserved: the CUDA context(s) and other processes; null without both numbers. */
  overhead: number | null;
  utilization: number | null;
  powerW: number | null;
  temperatureC: number | null;
  /** When the latest of these figures was sampled (epoch ms). */
  at: number | null;
}

function last(series: Record<string, SeriesPoint[]>, name: string): SeriesPoint | null {
  const points = series[name];
  return points && points.length > 0 ? (points[points.length - 1] as SeriesPoint) : null;
}

/**
 * The latest reading per GPU from a run's series. torch's figures come from telemetry
 * (cuda<d>.*, same index when CUDA_VISIBLE_DEVICES does not reorder devices), else from the
 * training loop's own log metrics (allocated_bytes / reserved_bytes, device 0).
 */
export function gpuReadings(series: Record<string, SeriesPoint[]>): GpuReading[] {
  const indexes = new Set<number>();
  for (const name of Object.keys(series)) {
    const match = /^(?:gpu|cuda)(\d+)\./.exec(name);
    if (match?.[1] !== undefined) indexes.add(Number(match[1]));
  }
  if (indexes.size === 0 && (series["allocated_bytes"]?.length ?? 0) > 0) indexes.add(0);
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => {
      const used = last(series, `gpu${index}.memory_used_bytes`);
      const allocated =
        last(series, `cuda${index}.allocated_bytes`) ?? (index === 0 ? last(series, "allocated_bytes") : null);
      const reserved =
        last(series, `cuda${index}.reserved_bytes`) ?? (index === 0 ? last(series, "reserved_bytes") : null);
      const times = [used, allocated, reserved].flatMap((point) => (point === null ? [] : [point.at]));
      return {
        index,
        allocated: allocated?.value ?? null,
        reserved: reserved?.value ?? null,
        used: used?.value ?? null,
        total: last(series, `gpu${index}.memory_total_bytes`)?.value ?? null,
        overhead: used !== null && reserved !== null ? Math.max(0, used.value - reserved.value) : null,
        utilization: last(series, `gpu${index}.utilization_percent`)?.value ?? null,
        powerW: last(series, `gpu${index}.power_w`)?.value ?? null,
        temperatureC: last(series, `gpu${index}.temperature_c`)?.value ?? null,
        at: times.length > 0 ? Math.max(...times) : null,
      };
    });
}
