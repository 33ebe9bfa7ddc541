// The bridge's public option and result types: how it starts, how a call may be shaped, what a cell yields.
import type { Affinity, PoolOptions } from "../pool/index.js";
import type { AllowPolicy } from "./allowlist.js";
import type { ArgumentBinder } from "./argument-binder.js";
import type { CallObserver } from "./call-observer.js";
import type { Placement } from "./placement/index.js";
import type { StartMode } from "./python-adapter.js";
import type { PythonError } from "./python-error.js";
import type { StateStore } from "./session-state.js";
import type { PyValue } from "./values.js";

/** How a bridge starts: its interpreter, pool, placement, limits and policies. */
export interface BridgeOptions {
  /** Interpreter to use; otherwise SNAKEBRIDGE_PYTHON, the project venv, then python3 on PATH. */
  python?: string;
  poolSize?: number;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Deadline for calls that set none (default 60 s; 0 or Infinity: none). */
  defaultTimeoutMs?: number;
  /** After a deadline, how long the worker gets to honour the interrupt before it is replaced (default 2 s). */
  hungCallGraceMs?: number;
  /** How workers start: forked from a warm template (Linux default) or spawned. */
  startMode?: StartMode;
  /** ndarray results at least this large travel through shared memory (default 1 MiB; 0 disables). */
  shmThresholdBytes?: number;
  /** Where workers run: child processes (default) or actors on a Ray cluster (docs/ray.md). */
  placement?: Placement;
  pool?: Partial<Omit<PoolOptions, "size">>;
  /** Enforce mode: only these entrypoints may be called, checked here and in every worker (see allowlist.ts). */
  allow?: AllowPolicy;
  /** Told about every call and stream (the audit log and metrics); nothing is measured without one. */
  observer?: CallObserver;
  /** Arguments bound to calls by the host (manifest `bind:`), whose values are redacted from results, errors and logs. */
  bind?: ArgumentBinder;
  /** Where session state (bridge.state) lives: memory by default; the workbench passes a SqliteStateStore. */
  stateStore?: StateStore;
}

/** How one call runs: its deadline, session, cancellation and result mode. */
export interface CallOptions {
  /** Milliseconds the call may take (0 or Infinity: no deadline); a negative or NaN value is refused. */
  timeoutMs?: number;
  session?: string;
  affinity?: Exclude<Affinity, "none">;
  signal?: AbortSignal;
  /** "handle" keeps the result in Python even when it is plain data. */
  resultMode?: "auto" | "handle";
  /**
   * Identifies the call for cancel()/requestStop(); generated when absent. A call whose id another call of this
   * bridge still holds is refused (value_error); an interrupted call holds its id until its worker has stopped it.
   */
  callId?: string;
}

/** What a running cell yields: its output, then its result or error. */
export type EvalEvent =
  | { type: "stdout" | "stderr"; text: string }
  | { type: "result"; value: PyValue | undefined; repr: string; executionCount: number }
  | { type: "error"; error: PythonError };

/** One worker's answer to a health check. */
export interface WorkerHealth {
  workerId: string;
  pid: number;
  pythonVersion: string;
  rssBytes: number;
  liveHandles: number;
  callsTotal: number;
  uptimeS: number;
  busy: boolean;
}

/** Told about what workers print. */
export type WorkerOutputListener = (workerId: string, stream: "stdout" | "stderr", text: string) => void;
