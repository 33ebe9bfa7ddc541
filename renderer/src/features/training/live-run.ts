// Live updates of a run's detail. A run's series and events only grow while it is live, so they are
// append-only buffers: a tick pushes its points onto the arrays the detail already holds (amortised
// O(points added), never a copy of the run) and the store bumps the run's version, which the charts
// select. The chart's SeriesIndex then reads only the new tail (chart-data.ts).
import type { RunDetailView, SeriesPoint } from "../../api";

type RunEvent = RunDetailView["events"][number];

/** Pushes `points` onto `series` in place; a series seen for the first time gets its own array. */
export function appendSeries(series: Record<string, SeriesPoint[]>, points: Record<string, SeriesPoint[]>): void {
  for (const [name, added] of Object.entries(points)) {
    const existing = series[name];
    if (existing === undefined) series[name] = [...added];
    else for (const point of added) existing.push(point);
  }
}

/**
 * Pushes `event` onto the run's events in place, and returns the facts it changes (a new checkpoint, the run
 * folder and max steps when it started), or null when it changes none: then the detail object can stay.
 */
export function appendEvent(
  detail: RunDetailView,
  event: RunEvent,
): Partial<Pick<RunDetailView, "checkpoints" | "runDir" | "maxSteps">> | null {
  detail.events.push(event);
  const { type, payload } = event;
  const step = payload["step"];
  const path = payload["path"];
  if (type === "checkpoint" && typeof step === "number" && typeof path === "string")
    return { checkpoints: [...detail.checkpoints, { step, path }] };
  if (type !== "started") return null;
  const runDir = payload["run_dir"];
  const maxSteps = payload["max_steps"];
  return {
    runDir: typeof runDir === "string" ? runDir : detail.runDir,
    maxSteps: typeof maxSteps === "number" ? maxSteps : detail.maxSteps,
  };
}
