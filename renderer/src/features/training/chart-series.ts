// Helpers for the training charts: where telemetry samples (which have no step) fall on a step
// axis, series lookup, and number formats. Bucketing and smoothing live in series-index.ts.
import type { Point } from "../../api";
import type { SeriesPoint } from "../../api";

export type XAxisMode = "step" | "time";

/** Maps a wall-clock time to a (fractional) training step. */
export type StepClock = (at: number) => number | null;

/**
 * A step clock from a series that has steps (the loss): telemetry is sampled on a timer and has no step,
 * so on a step axis its points are placed by interpolating between the logged steps around them.
 */
export function stepClock(reference: readonly SeriesPoint[], startedAt: number): StepClock {
  const marks = reference
    .filter((p): p is SeriesPoint & { step: number } => p.step !== null)
    .map((p) => ({ at: p.at, step: p.step }));
  marks.sort((a, b) => a.at - b.at);
  const first = marks[0];
  const last = marks[marks.length - 1];
  return (at) => {
    if (!first || !last) return null;
    if (at <= first.at) {
      // Before the first log: from step 0 at the run's start up to the first logged step.
      const span = first.at - startedAt;
      return span > 0 ? Math.max(0, first.step * ((at - startedAt) / span)) : first.step;
    }
    if (at >= last.at) return last.step;
    let lo = 0;
    let hi = marks.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.at <= at) lo = mid;
      else hi = mid;
    }
    const a = marks[lo]!;
    const b = marks[hi]!;
    return b.at === a.at ? b.step : a.step + ((b.step - a.step) * (at - a.at)) / (b.at - a.at);
  };
}

export function toPoints(series: SeriesPoint[], mode: XAxisMode, startedAt: number, clock?: StepClock): Point[] {
  const points: Point[] = [];
  for (const point of series) {
    const x = mode === "step" ? (point.step ?? clock?.(point.at) ?? null) : (point.at - startedAt) / 1000;
    if (x === null || !Number.isFinite(point.value)) continue;
    points.push({ x, y: point.value });
  }
  return points;
}

/** Series names present in a run that match a pattern, e.g. every GPU's used memory. */
export function matchingSeries(series: Record<string, SeriesPoint[]>, pattern: RegExp): string[] {
  return Object.keys(series)
    .filter((name) => pattern.test(name) && (series[name]?.length ?? 0) > 0)
    .sort();
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
