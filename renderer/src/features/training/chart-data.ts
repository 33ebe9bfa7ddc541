// Keeps one SeriesIndex per (run, series, x axis) and feeds it only the points that arrived since
// the last render: the store's series only ever grow while a run is live, so each update costs the
// new points, not the whole run. A series that shrank or was replaced (a reload) is rebuilt.
import type { SeriesPoint } from "../../api";
import { SeriesIndex } from "./series-index";

export type XAxisKind = "step" | "time" | "tokens";

/** Maps a stored point to its x on the chosen axis, or null when it has none there. */
export type XOf = (point: SeriesPoint) => number | null;

interface Entry {
  index: SeriesIndex;
  source: readonly SeriesPoint[];
  first: SeriesPoint | undefined;
  consumed: number;
}

const cache = new Map<string, Entry>();

/** The index of `points` on an axis; key names the run, series and axis (and anything else x depends on). */
export function seriesIndex(key: string, points: readonly SeriesPoint[], xOf: XOf, smoothing: number): SeriesIndex {
  let entry = cache.get(key);
  if (entry === undefined || points.length < entry.consumed || points[0] !== entry.first) {
    entry = { index: new SeriesIndex(smoothing), source: points, first: points[0], consumed: 0 };
    cache.set(key, entry);
  }
  entry.index.setSmoothing(smoothing);
  if (points.length > entry.consumed) {
    const n = points.length - entry.consumed;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let k = 0; k < n; k += 1) {
      const point = points[entry.consumed + k] as SeriesPoint;
      xs[k] = xOf(point) ?? Number.NaN;
      ys[k] = point.value;
    }
    entry.index.append(xs, ys);
    entry.consumed = points.length;
    entry.source = points;
  }
  return entry.index;
}

/** Forgets the indexes of runs no longer shown (their memory goes with them). */
export function dropSeriesIndexes(keep: (key: string) => boolean): void {
  for (const key of cache.keys()) if (!keep(key)) cache.delete(key);
}

/** A step → tokens_seen lookup from the tokens_seen series, interpolating between logged steps. */
export function tokensAtStep(tokens: readonly SeriesPoint[]): (step: number) => number | null {
  return (step) => {
    let lo = 0;
    let hi = tokens.length - 1;
    if (hi < 0) return null;
    const first = tokens[0] as SeriesPoint;
    const last = tokens[hi] as SeriesPoint;
    if (first.step === null || last.step === null) return null;
    if (step <= first.step) return first.step === 0 ? first.value : (first.value * step) / first.step;
    if (step >= last.step) return last.value;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (((tokens[mid] as SeriesPoint).step ?? 0) <= step) lo = mid;
      else hi = mid;
    }
    const a = tokens[lo] as SeriesPoint & { step: number };
    const b = tokens[hi] as SeriesPoint & { step: number };
    return b.step === a.step ? b.value : a.value + ((b.value - a.value) * (step - a.step)) / (b.step - a.step);
  };
}

const assigned = new Map<string, string>();

/**
 * Gives runs their colours in the order they were created: a run keeps its colour when runs are
 * focused, ticked, filtered or sorted, and the first ten runs never share one.
 */
export function assignRunColours(runs: readonly { id: string; createdAt: number }[]): void {
  const oldestFirst = [...runs].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  for (const run of oldestFirst) {
    if (!assigned.has(run.id)) assigned.set(run.id, RUN_PALETTE[assigned.size % RUN_PALETTE.length] as string);
  }
}

/** The run's colour (see assignRunColours); a run not yet listed gets one from its id. */
export function runColour(runId: string): string {
  const colour = assigned.get(runId);
  if (colour !== undefined) return colour;
  let hash = 2166136261;
  for (let i = 0; i < runId.length; i += 1) hash = Math.imul(hash ^ runId.charCodeAt(i), 16777619);
  return RUN_PALETTE[(hash >>> 0) % RUN_PALETTE.length] as string;
}

const RUN_PALETTE = [
  "#4daafc",
  "#f0a35e",
  "#73c991",
  "#c586c0",
  "#e5c07b",
  "#f48771",
  "#56d4dd",
  "#b5cea8",
  "#d7ba7d",
  "#9cdcfe",
];
