// The runs table's rows, sorting, filtering and config diff: pure functions the component and tests share.
import type { RunSummaryView } from "../../api";

export type RunColumn =
  | "name"
  | "status"
  | "model"
  | "learning_rate"
  | "batch_size"
  | "lora.r"
  | "steps"
  | "finalLoss"
  | "bestLoss"
  | "duration"
  | "tokensPerS";

export const RUN_COLUMNS: { id: RunColumn; label: string; numeric: boolean }[] = [
  { id: "name", label: "Name", numeric: false },
  { id: "status", label: "Status", numeric: false },
  { id: "model", label: "Model", numeric: false },
  { id: "learning_rate", label: "LR", numeric: true },
  { id: "batch_size", label: "Batch", numeric: true },
  { id: "lora.r", label: "LoRA r", numeric: true },
  { id: "steps", label: "Steps", numeric: true },
  { id: "finalLoss", label: "Final loss", numeric: true },
  { id: "bestLoss", label: "Best loss", numeric: true },
  { id: "duration", label: "Duration", numeric: true },
  { id: "tokensPerS", label: "Tokens/s", numeric: true },
];

/** Seconds from start to finish (to now while running); null before it starts. */
export function runDuration(run: RunSummaryView, now: number): number | null {
  if (run.startedAt === null) return null;
  return ((run.finishedAt ?? now) - run.startedAt) / 1000;
}

/** The value a column sorts by. */
export function columnValue(run: RunSummaryView, column: RunColumn, now: number): string | number | null {
  switch (column) {
    case "name":
      return run.name;
    case "status":
      return run.status;
    case "steps":
      return run.step;
    case "finalLoss":
      return run.loss;
    case "bestLoss":
      return run.bestLoss;
    case "duration":
      return runDuration(run, now);
    case "tokensPerS":
      return run.tokensPerS;
    default:
      return run.params[column] ?? null;
  }
}

/** Runs whose name, status, model or id contain every word of the filter (case-insensitive), sorted by a column; blanks last. */
export function visibleRuns(
  runs: readonly RunSummaryView[],
  filter: string,
  sort: { column: RunColumn; descending: boolean },
  now: number,
): RunSummaryView[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = runs.filter((run) => {
    const haystack = `${run.name} ${run.status} ${String(run.params["model"] ?? "")} ${run.id}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const direction = sort.descending ? -1 : 1;
  return matching.sort((a, b) => {
    const x = columnValue(a, sort.column, now);
    const y = columnValue(b, sort.column, now);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return (x - y) * direction;
    return String(x).localeCompare(String(y)) * direction;
  });
}

export interface ConfigDifference {
  key: string;
  left: string;
  right: string;
}

/** The dotted config keys whose values differ between two resolved configs (output folders aside: they always do). */
export function configDiff(left: Record<string, unknown>, right: Record<string, unknown>): ConfigDifference[] {
  const a = flatten(left);
  const b = flatten(right);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => key !== "output_dir").sort();
  return keys.flatMap((key) => {
    const x = show(a[key]);
    const y = show(b[key]);
    return x === y ? [] : [{ key, left: x, right: y }];
  });
}

function flatten(value: unknown, prefix = ""): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return flat;
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) Object.assign(flat, flatten(inner, path));
    else flat[path] = inner;
  }
  return flat;
}

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  if (Array.isArray(value)) return value.map(String).join(", ");
  return value === null ? "null" : String(value);
}
