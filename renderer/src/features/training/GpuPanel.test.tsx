// The GPU panel from a recorded telemetry sample (an H100 run: 3 GiB allocated, 4 GiB reserved, 4.5 GiB device used).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "../../api";
import { GpuPanel } from "./GpuPanel";
import { gpuReadings } from "./gpu-readings";

const GiB = 1024 ** 3;
const at = 1_764_400_000_000;
const sample = (value: number, step: number | null = null): SeriesPoint[] => [{ step, at, value }];
const recorded: Record<string, SeriesPoint[]> = {
  "gpu0.memory_used_bytes": sample(4.5 * GiB),
  "gpu0.memory_total_bytes": sample(80 * GiB),
  "gpu0.utilization_percent": sample(97),
  "gpu0.power_w": sample(412.5),
  "gpu0.temperature_c": sample(61),
  "cuda0.allocated_bytes": sample(3 * GiB),
  "cuda0.reserved_bytes": sample(4 * GiB),
  "cuda0.peak_allocated_bytes": sample(3.5 * GiB),
  "host.rss_bytes": sample(2 * GiB),
};

function text(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}"[^>]*>(.*?)</div></div>`).exec(html);
  return (match?.[1] ?? "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("GPU panel", () => {
  it("shows allocated, reserved and device-used memory side by side, with the CUDA context's share", () => {
    const html = renderToStaticMarkup(<GpuPanel readings={gpuReadings(recorded)} />);
    expect(text(html, "gpu-allocated")).toBe("Allocated 3.00 GiB");
    expect(text(html, "gpu-reserved")).toBe("Reserved 4.00 GiB");
    expect(text(html, "gpu-used")).toBe("Device used (NVML) 4.50 GiB");
    expect(text(html, "gpu-overhead")).toBe("CUDA context + other 512 MiB");
    expect(html).toContain("util 97%");
    expect(html).toContain("power 413 W");
    expect(html).toContain("61 °C");
    expect(html).toContain("80.0 GiB total");
  });

  it("falls back to the loop's own allocator metrics, and says when the board has no gauges", () => {
    const readings = gpuReadings({ allocated_bytes: sample(GiB, 3), reserved_bytes: sample(2 * GiB, 3) });
    expect(readings).toHaveLength(1);
    const html = renderToStaticMarkup(<GpuPanel readings={readings} />);
    expect(text(html, "gpu-allocated")).toBe("Allocated 1.00 GiB");
    expect(text(html, "gpu-used")).toBe("Device used (NVML) —");
    expect(html).toContain("not reported by this board");
  });

  it("says there is no GPU on a CPU run", () => {
    const html = renderToStaticMarkup(<GpuPanel readings={gpuReadings({ "host.rss_bytes": sample(GiB) })} />);
    expect(html).toContain("No GPU telemetry");
  });
});
