// Builds the Workbench API's run views (RunSummaryView, RunDetailView) from the run store.
// Shared by the RunManager (live runs) and read-only readers such as `snakebridge runs`, which
// must not take ownership of runs another process may still be training.

import { stringify as toYaml } from "yaml";

import type { RunDetailView, RunSummaryView, SeriesPoint } from "../api/workbench-api.js";
import type { ErrorClassificationView, PythonErrorView } from "../api/values-view.js";
import { isRecord, type TrainingEvent } from "./events.js";
import type { RunRecord, RunStore, StoredEvent } from "./run-store.js";

/** What a list view shows of a run's progress. */
export interface RunProgress {
  step: number | null;
  loss: number | null;
  etaS: number | null;
}

/** One event as the API shows it: its fields other than `type` go in payload. */
export interface RunEventView {
  at: number;
  type: string;
  payload: Record<string, unknown>;
}

const CLASSIFICATIONS: ReadonlySet<string> = new Set<ErrorClassificationView>([
  "import_error", "attribute_error", "type_error", "value_error", "key_error", "index_error",
  "runtime_error", "serialization_error", "not_found", "timeout", "cancelled", "worker_crashed",
  "out_of_memory", "pool_saturated", "internal",
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
  };
}

/** Progress of a run read back from the store: the last logged loss and step (no ETA: it is not live). */
export function storedProgress(store: RunStore, record: RunRecord): RunProgress {
  const losses = store.series(record.id, "loss");
  const last = losses[losses.length - 1];
  const summarySteps = isRecord(record.summary) && typeof record.summary["steps"] === "number" ? record.summary["steps"] : null;
  return { step: summarySteps ?? last?.step ?? null, loss: last?.value ?? null, etaS: null };
}

/** Progress after a log event. */
export function progressFromLog(event: TrainingEvent & { type: "log" }): RunProgress {
  return { step: event.step, loss: event.loss, etaS: event.eta_s };
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
  return {
    ...runSummary(record, progress),
    configText: store.configText(record.id) ?? configText(record.config),
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
    classification: interrupted ? "worker_crashed" : CLASSIFICATIONS.has(classification) ? (classification as ErrorClassificationView) : "internal",
  };
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}
