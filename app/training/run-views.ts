// Builds the Workbench API's run views (RunSummaryView, RunDetailView) from the run store.
// Shared by the RunManager (live runs) and read-only readers such as `snakebridge runs`, which
// must not take ownership of runs another process may still be training.

import { stringify as toYaml } from "yaml";

import type { RunDetailView, RunEventView, RunSummaryView, SeriesPoint } from "../api/workbench-api.js";
import type { ErrorClassificationView, PythonErrorView } from "../api/values-view.js";
import { isRecord, type TrainingEvent } from "./events.js";
import type { RunRecord, RunStore, StoredEvent } from "./run-store.js";

/** What a list view shows of a run's progress. */
export interface RunProgress {
  step: number | null;
  loss: number | null;
  etaS: number | null;
  bestLoss: number | null;
  maxSteps: number | null;
  tokensPerS: number | null;
}

/** Progress before the first logged step. */
export const NO_PROGRESS: RunProgress = {
  step: null,
  loss: null,
  etaS: null,
  bestLoss: null,
  maxSteps: null,
  tokensPerS: null,
};

/** The config fields the runs table shows, in column order (dotted paths into the resolved config). */
export const KEY_PARAMS = [
  "model",
  "learning_rate",
  "batch_size",
  "lora.r",
  "lora.alpha",
  "max_steps",
  "seq_len",
] as const;

const CLASSIFICATIONS: ReadonlySet<string> = new Set<ErrorClassificationView>([
  "import_error",
  "attribute_error",
  "type_error",
  "value_error",
  "key_error",
  "index_error",
  "runtime_error",
  "serialization_error",
  "not_found",
  "timeout",
  "cancelled",
  "worker_crashed",
  "out_of_memory",
  "pool_saturated",
  "internal",
]);

/** The summary view of a stored run with the given progress. */
export function runSummary(record: RunRecord, progress: RunProgress): RunSummaryView {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    step: progress.step,
    loss: progress.loss,
    etaS: progress.etaS,
    bestLoss: progress.bestLoss,
    maxSteps: progress.maxSteps,
    tokensPerS: progress.tokensPerS,
    params: keyParams(record.config),
  };
}

/** The runs table's hyperparameters of a config: numbers and strings; a tiny model shows as "tiny". */
export function keyParams(config: unknown): Record<string, string | number | null> {
  const flat = flattenConfig(config);
  const params: Record<string, string | number | null> = {};
  for (const key of KEY_PARAMS) {
    const value =
      key === "model" && flat["model"] === undefined && Object.keys(flat).some((k) => k.startsWith("model.tiny"))
        ? "tiny"
        : flat[key];
    params[key] = typeof value === "number" || typeof value === "string" ? value : null;
  }
  return params;
}

/** A config as dotted paths to leaf values ("lora.r": 8, "lora.target_modules": "q_proj, v_proj"). */
export function flattenConfig(config: unknown, prefix = ""): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if (!isRecord(config)) return flat;
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isRecord(value)) Object.assign(flat, flattenConfig(value, path));
    else flat[path] = Array.isArray(value) ? value.map(String).join(", ") : value;
  }
  return flat;
}

/** Progress of a run read back from the store: the last logged loss and step (no ETA: it is not live). */
export function storedProgress(store: RunStore, record: RunRecord): RunProgress {
  const losses = store.series(record.id, "loss");
  const last = losses[losses.length - 1];
  const summarySteps =
    isRecord(record.summary) && typeof record.summary["steps"] === "number" ? record.summary["steps"] : null;
  let best: number | null = null;
  for (const point of losses)
    if (Number.isFinite(point.value) && (best === null || point.value < best)) best = point.value;
  return {
    step: summarySteps ?? last?.step ?? null,
    loss: last?.value ?? null,
    etaS: null,
    bestLoss: best,
    maxSteps: startedMaxSteps(store, record.id),
    tokensPerS: median(store.series(record.id, "tokens_per_s").map((point) => point.value)),
  };
}

/** Progress after a log event, carrying forward what the previous progress knew. */
export function progressFromLog(
  event: TrainingEvent & { type: "log" },
  previous: RunProgress,
  throughput: number[],
): RunProgress {
  const best = previous.bestLoss === null || event.loss < previous.bestLoss ? event.loss : previous.bestLoss;
  return {
    ...previous,
    step: event.step,
    loss: event.loss,
    etaS: event.eta_s,
    bestLoss: Number.isFinite(best) ? best : previous.bestLoss,
    tokensPerS: median(throughput),
  };
}

function startedMaxSteps(store: RunStore, runId: string): number | null {
  const started = store.eventsOfType(runId, "started").at(-1)?.event;
  return started?.type === "started" ? started.max_steps : null;
}

/** The median of the finite values; null when there are none. */
export function median(values: number[]): number | null {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1
    ? (finite[mid] as number)
    : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** The API's view of one stored event. */
export function eventView(stored: StoredEvent): RunEventView {
  return { at: stored.at, type: stored.event.type, payload: eventPayload(stored.event) };
}

/** An event's fields other than `type`. */
export function eventPayload(event: TrainingEvent): Record<string, unknown> {
  const { type: _type, ...payload } = event;
  return payload;
}

/** The full detail view of a run: config, every series, every event, and its error. */
export function runDetail(store: RunStore, record: RunRecord, progress: RunProgress): RunDetailView {
  const series: Record<string, SeriesPoint[]> = {};
  for (const name of store.seriesNames(record.id)) series[name] = store.series(record.id, name);
  const started = store.eventsOfType(record.id, "started").at(-1)?.event;
  const checkpoints = store
    .eventsOfType(record.id, "checkpoint")
    .flatMap((stored) =>
      stored.event.type === "checkpoint" ? [{ step: stored.event.step, path: stored.event.path }] : [],
    );
  return {
    ...runSummary(record, progress),
    configText: store.configText(record.id) ?? configText(record.config),
    config: isRecord(record.config) ? record.config : {},
    runDir:
      started?.type === "started"
        ? started.run_dir
        : isRecord(record.config) && typeof record.config["output_dir"] === "string"
          ? record.config["output_dir"]
          : null,
    checkpoints,
    series,
    events: store.events(record.id).map(eventView),
    error: errorView(record.error),
  };
}

/** The run's config as YAML, for runs whose original text was not kept. */
export function configText(config: unknown): string {
  return toYaml(config ?? {});
}

/**
 * The stored error of a run as a PythonErrorView. Errors come in three shapes: a `failed` event,
 * a bridge error recorded by the RunManager (same fields plus module), and the store's own
 * "interrupted" marker, shown as worker_crashed because the worker died with its host.
 */
export function errorView(error: unknown): PythonErrorView | null {
  if (!isRecord(error)) return null;
  const classification = typeof error["classification"] === "string" ? error["classification"] : "internal";
  const interrupted = classification === "interrupted";
  return {
    type: stringField(error, "error_type") ?? (interrupted ? "RunInterrupted" : "Error"),
    module: stringField(error, "module") ?? (interrupted ? "snakebridge" : ""),
    message: stringField(error, "message") ?? "the run failed without a message",
    traceback: stringField(error, "traceback") ?? "",
    classification: interrupted
      ? "worker_crashed"
      : CLASSIFICATIONS.has(classification)
        ? (classification as ErrorClassificationView)
        : "internal",
  };
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}
