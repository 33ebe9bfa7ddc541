import type { ReactElement } from "react";
import { formatBytes } from "../../base";
import type { GpuReading } from "./gpu-readings";

/** Allocated, reserved and device-used side by side, with the CUDA context's share and the board's gauges. */
export function GpuPanel({ readings }: { readings: GpuReading[] }): ReactElement {
  if (readings.length === 0) {
    return (
      <div className="gpu-panel empty-small" data-testid="gpu-panel">
        No GPU telemetry: this run's worker has no NVIDIA GPU (or NVML is unavailable).
      </div>
    );
  }
  const bytes = (value: number | null): string => (value === null ? "—" : formatBytes(value));
  return (
    <div className="gpu-panel" data-testid="gpu-panel">
      {readings.map((gpu) => (
        <div key={gpu.index} className="gpu-card" data-testid={`gpu-${gpu.index}`}>
          <div className="gpu-head">
            GPU {gpu.index}
            {gpu.total !== null ? <span className="muted"> · {formatBytes(gpu.total)} total</span> : null}
          </div>
          <div className="gpu-figures">
            <Figure
              label="Allocated"
              value={bytes(gpu.allocated)}
              hint="torch.cuda.memory_allocated: memory held by live tensors"
              testId="gpu-allocated"
            />
            <Figure
              label="Reserved"
              value={bytes(gpu.reserved)}
              hint="torch.cuda.memory_reserved: allocated plus blocks PyTorch's caching allocator keeps for reuse"
              testId="gpu-reserved"
            />
            <Figure
              label="Device used (NVML)"
              value={bytes(gpu.used)}
              hint="What nvidia-smi shows: every process on the GPU, each with its CUDA context"
              testId="gpu-used"
            />
            <Figure
              label="CUDA context + other"
              value={bytes(gpu.overhead)}
              hint="Device used − reserved: the CUDA context (typically 300–600 MB) and other processes; PyTorch never counts it"
              testId="gpu-overhead"
            />
          </div>
          <MemoryBar gpu={gpu} />
          <div className="gpu-gauges muted">
            {gpu.utilization !== null ? <span>util {gpu.utilization.toFixed(0)}%</span> : null}
            {gpu.powerW !== null ? <span>power {gpu.powerW.toFixed(0)} W</span> : null}
            {gpu.temperatureC !== null ? <span>{gpu.temperatureC.toFixed(0)} °C</span> : null}
            {gpu.utilization === null && gpu.powerW === null && gpu.temperatureC === null ? (
              <span>utilization, power and temperature are not reported by this board</span>
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint: string;
  testId: string;
}): ReactElement {
  return (
    <div className="gpu-figure" title={hint} data-testid={testId}>
      <div className="gpu-label">{label}</div>
      <div className="gpu-value mono">{value}</div>
    </div>
  );
}

/** One bar: allocated inside reserved inside used, against the device's total. */
function MemoryBar({ gpu }: { gpu: GpuReading }): ReactElement | null {
  const total = gpu.total ?? gpu.used;
  if (total === null || total <= 0) return null;
  const pct = (value: number | null): string =>
    `${Math.min(100, Math.max(0, ((value ?? 0) / total) * 100)).toFixed(2)}%`;
  return (
    <div className="gpu-bar" aria-hidden="true">
      <div className="gpu-bar-used" style={{ width: pct(gpu.used) }} />
      <div className="gpu-bar-reserved" style={{ width: pct(gpu.reserved) }} />
      <div className="gpu-bar-allocated" style={{ width: pct(gpu.allocated) }} />
    </div>
  );
}
