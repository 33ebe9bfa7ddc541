// The events a training run streams from the Python adapter (snakebridge_worker.training.run),
// as the bridge hands them over: plain objects with the Python dict's snake_case keys.

export type TrainingBackend = "unsloth" | "transformers+peft";

export interface StartedEvent {
  type: "started";
  /** The resolved config (defaults filled in, paths absolute). */
  config: Record<string, unknown>;
  trainable_params: number;
  total_params: number;
  device: string;
  backend: TrainingBackend;
  run_dir: string;
  /** 0 for a fresh run; the checkpoint's step when resuming. */
  start_step: number;
  max_steps: number;
  train_examples: number;
  eval_examples: number;
}

export interface LogEvent {
  type: "log";
  step: number;
  epoch: number;
  /** Mean training loss over the steps since the previous log event. */
  loss: number;
  learning_rate: number;
  grad_norm: number;
  tokens_seen: number;
  tokens_per_s: number;
  elapsed_s: number;
  eta_s: number | null;
  batch_size: number;
  /** Present only when the run uses CUDA. */
  allocated_bytes?: number;
  reserved_bytes?: number;
  peak_bytes?: number;
}

export interface EvalEvent {
  type: "eval";
  step: number;
  eval_loss: number;
}

export interface CheckpointEvent {
  type: "checkpoint";
  step: number;
  path: string;
}

export interface OomBackoffEvent {
  type: "oom_backoff";
  step: number;
  old_batch_size: number;
  new_batch_size: number;
  grad_accumulation: number;
}

export interface MemorySnapshotEvent {
  type: "memory_snapshot";
  step: number;
  /** Steps recorded; 0 when no snapshot could be taken (a CPU run). */
  steps: number;
  /** The pickle pytorch.org/memory_viz opens; empty when none was written. */
  path: string;
  message: string;
}

export interface FinishedSummary {
  /** Mean of every step's loss over the whole run (resumes included), not a step loss. */
  train_loss_mean: number | null;
  final_loss: number | null;
  eval_loss: number | null;
  steps: number;
  tokens_seen: number;
  elapsed_s: number;
  steps_per_s: number | null;
  checkpoint: string;
  [extra: string]: unknown;
}

export interface FinishedEvent {
  type: "finished";
  status: "completed" | "stopped";
  step: number;
  summary: FinishedSummary;
}

export interface FailedEvent {
  type: "failed";
  /** out_of_memory, value_error, import_error, not_found, runtime_error, internal, ... */
  classification: string;
  error_type: string;
  /** What failed and what to do about it. */
  message: string;
  traceback: string;
}

export type TrainingEvent =
  | StartedEvent
  | LogEvent
  | EvalEvent
  | CheckpointEvent
  | OomBackoffEvent
  | MemorySnapshotEvent
  | FinishedEvent
  | FailedEvent;

export type TrainingEventType = TrainingEvent["type"];

/** Thrown when a value is not a well-formed training event. */
export class TrainingEventError extends Error {
  override readonly name = "TrainingEventError";
}

type FieldKind = "number" | "number?" | "number|null" | "string" | "object";

const FIELDS: { [K in TrainingEventType]: Record<string, FieldKind> } = {
  started: {
    config: "object",
    trainable_params: "number",
    total_params: "number",
    device: "string",
    backend: "string",
    run_dir: "string",
    start_step: "number",
    max_steps: "number",
    train_examples: "number",
    eval_examples: "number",
  },
  log: {
    step: "number",
    epoch: "number",
    loss: "number",
    learning_rate: "number",
    grad_norm: "number",
    tokens_seen: "number",
    tokens_per_s: "number",
    elapsed_s: "number",
    eta_s: "number|null",
    batch_size: "number",
    allocated_bytes: "number?",
    reserved_bytes: "number?",
    peak_bytes: "number?",
  },
  eval: { step: "number", eval_loss: "number" },
  checkpoint: { step: "number", path: "string" },
  oom_backoff: { step: "number", old_batch_size: "number", new_batch_size: "number", grad_accumulation: "number" },
  memory_snapshot: { step: "number", steps: "number", path: "string", message: "string" },
  finished: { step: "number", summary: "object" },
  failed: { classification: "string", error_type: "string", message: "string", traceback: "string" },
};

const BACKENDS: readonly string[] = ["unsloth", "transformers+peft"];
const FINISHED_STATUSES: readonly string[] = ["completed", "stopped"];

/** Checks that value is a training event and returns it typed; throws TrainingEventError naming the bad field. */
export function parseTrainingEvent(value: unknown): TrainingEvent {
  if (!isRecord(value)) {
    throw new TrainingEventError(`training event: expected an object, got ${describe(value)}`);
  }
  const type = value["type"];
  if (typeof type !== "string" || !Object.hasOwn(FIELDS, type)) {
    throw new TrainingEventError(
      `training event: "type" must be one of ${Object.keys(FIELDS).join(", ")}, got ${describe(type)}`,
    );
  }
  const fields = FIELDS[type as TrainingEventType];
  const event: Record<string, unknown> = { ...value };
  for (const [field, kind] of Object.entries(fields)) {
    event[field] = checkField(type, field, kind, value[field]);
  }
  if (type === "started" && !BACKENDS.includes(String(event["backend"]))) {
    throw new TrainingEventError(`training event "started": "backend" must be one of ${BACKENDS.join(", ")}`);
  }
  if (type === "finished" && !FINISHED_STATUSES.includes(String(value["status"]))) {
    throw new TrainingEventError(
      `training event "finished": "status" must be completed or stopped, got ${describe(value["status"])}`,
    );
  }
  return event as unknown as TrainingEvent;
}

function checkField(type: string, field: string, kind: FieldKind, raw: unknown): unknown {
  const value = typeof raw === "bigint" ? toSafeNumber(type, field, raw) : raw;
  const ok =
    (kind === "number" && isNumber(value)) ||
    (kind === "number?" && (value === undefined || isNumber(value))) ||
    (kind === "number|null" && (value === null || isNumber(value))) ||
    (kind === "string" && typeof value === "string") ||
    (kind === "object" && isRecord(value));
  if (!ok) {
    throw new TrainingEventError(
      `training event "${type}": "${field}" must be ${expected(kind)}, got ${describe(value)}`,
    );
  }
  return value;
}

function toSafeNumber(type: string, field: string, value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new TrainingEventError(
      `training event "${type}": "${field}" (${value}) is too large for a JavaScript number`,
    );
  }
  return number;
}

function expected(kind: FieldKind): string {
  switch (kind) {
    case "number":
      return "a number";
    case "number?":
      return "a number or absent";
    case "number|null":
      return "a number or null";
    case "string":
      return "a string";
    case "object":
      return "an object";
  }
}

// NaN and infinities pass: a diverging loss is exactly what a user needs to see arrive.
function isNumber(value: unknown): value is number {
  return typeof value === "number";
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
