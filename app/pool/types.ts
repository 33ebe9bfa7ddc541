import type { ResourceLimits } from "./resource-limits.js";

export type { ResourceLimits };

/**
 * The part of a worker process the pool watches. A ChildProcess satisfies it; so does a proxy for a worker
 * forked by a warm template process, which the pool never spawned itself.
 */
export interface WorkerProcess {
  readonly pid?: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  once(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** What the pool hands the adapter when it asks for one worker. */
export interface StartContext {
  workerId: string;
  runId: string;
  /** Aborted when the pool shuts down mid-start; the adapter should kill what it spawned and reject. */
  signal: AbortSignal;
}

/** A worker the adapter has spawned and made ready for calls. */
export interface StartedWorker<C> {
  /** Leads its own process group (spawned with `detached: true`, or setpgid after a fork), so its pid is its group id. */
  process: WorkerProcess;
  /** Whatever the adapter uses to talk to the worker. */
  connection: C;
}

/** Result of one health probe. */
export interface HealthReport {
  ok: boolean;
  rssBytes?: number;
  detail?: string;
}

/** Teaches the pool how to start, probe and stop one kind of worker; the pool never learns what it is. */
export interface WorkerAdapter<C> {
  /** Starts one worker process; resolves when it can take calls. Rejects with an actionable Error. */
  start(ctx: StartContext): Promise<StartedWorker<C>>;
  /** Probes a live worker (used by periodic health checks and memory recycling). */
  check?(connection: C): Promise<HealthReport>;
  /** Asks the worker to finish gracefully (close channels); the pool then signals the group. */
  stop?(connection: C): Promise<void>;
}

/**
 * Limits that make the pool replace a worker. An idle worker past one is replaced at once; a busy one takes no new
 * calls from then on and is replaced when its running calls end (calls waiting meanwhile go to the others, or to
 * its replacement). Age and memory are checked after each call and in health rounds; calls at every call's start.
 */
export interface RecycleOptions {
  /** Calls (pool tasks) a process runs before it is replaced. */
  maxCalls?: number;
  /** Resident memory, as the adapter's health check reports it, at which a process is replaced. */
  maxRssBytes?: number;
  /** Age at which a process is replaced. */
  maxAgeMs?: number;
}

export interface PoolOptions {
  /** Workers kept running (default 2). */
  size: number;
  /** Calls allowed to wait (default 1000); beyond that run() rejects with PoolSaturatedError. */
  maxQueue?: number;
  /** How long a call may wait for a worker (default 30_000) before QueueTimeoutError. */
  queueTimeoutMs?: number;
  /** Calls one worker runs at once (default 1). */
  maxConcurrentPerWorker?: number;
  recycle?: RecycleOptions;
  /** Period of adapter.check probes (default 10_000); 0 disables them. */
  healthCheckIntervalMs?: number;
  /** Delay before replacing a crashed worker: default 100 → 5000 ms, doubling, reset after a healthy minute. */
  restartBackoff?: { initialMs?: number; maxMs?: number };
  /** Default 5000 ms to drain in-flight calls, then 2000 ms between SIGTERM and SIGKILL. */
  shutdown?: { drainMs?: number; termMs?: number };
  /** Where the process registry lives (default $SNAKEBRIDGE_STATE_DIR or ~/.snakebridge/state). */
  stateDir?: string;
  /** Label for registry entries and messages. */
  name?: string;
  /** Memory and CPU limits per worker: cgroup v2 where delegated, else an RSS watchdog (memory only). */
  limits?: ResourceLimits;
}

export type Affinity = "none" | "hint" | "strict";

export interface RunOptions {
  /** Session id for affinity. */
  session?: string;
  /** hint: prefer the session's last worker if free; strict: only that worker (waits for it). */
  affinity?: Affinity;
  /** Run on exactly this worker slot (e.g. it owns a live object); WorkerGoneError if it is gone. */
  workerId?: string;
  /** With workerId: the generation that owns the object; WorkerGoneError if the slot was replaced since. */
  generation?: number;
  queueTimeoutMs?: number;
  /** Aborting while queued removes the call; while running rejects the promise (the task gets the signal too). */
  signal?: AbortSignal;
  /** For telemetry events (e.g. "math.sqrt"). */
  label?: string;
}

/** Identifies the worker a task runs on; `generation` counts how often slot `id` was replaced. */
export interface WorkerInfo {
  id: string;
  pid: number;
  generation: number;
}

/** The work run() executes on a worker. */
export type PoolTask<C, T> = (connection: C, worker: WorkerInfo, call: PoolCall) => Promise<T>;

/** The running call as its task sees it. */
export interface PoolCall {
  /** Aborted when the call is cancelled or its worker crashes; created on first use (most tasks never look). */
  readonly signal: AbortSignal;
}

export type WorkerState = "starting" | "idle" | "busy" | "stopping" | "crashed";

export interface WorkerSnapshot {
  id: string;
  /** 0 while no process is running in the slot. */
  pid: number;
  generation: number;
  state: WorkerState;
  /** Calls run by this slot across all its generations. */
  callsTotal: number;
  inFlight: number;
  restarts: number;
  sessions: string[];
  /** Epoch ms when the current process became ready (0 while none is). */
  startedAt: number;
  rssBytes?: number;
  lastError?: string;
}

export interface PoolSnapshot {
  runId: string;
  size: number;
  queued: number;
  workers: WorkerSnapshot[];
}

interface EventBase {
  at: number;
  runId: string;
}

/** Typed telemetry, discriminated on `type`. */
export type PoolEvent = EventBase &
  (
    | { type: "worker_starting"; workerId: string; attempt: number }
    | { type: "worker_started"; workerId: string; pid: number; generation: number; startMs: number }
    | { type: "worker_start_failed"; workerId: string; attempt: number; error: string; retryInMs: number }
    | { type: "worker_stopped"; workerId: string; pid: number; reason: string }
    | {
        type: "worker_crashed";
        workerId: string;
        pid: number;
        exitCode: number | null;
        signal: NodeJS.Signals | null;
        inFlight: number;
        restartInMs: number;
      }
    | { type: "worker_recycled"; workerId: string; pid: number; reason: string }
    | { type: "worker_unhealthy"; workerId: string; pid: number; detail: string }
    | { type: "call_queued"; label: string; queueDepth: number }
    | { type: "call_started"; label: string; workerId: string; waitMs: number }
    | { type: "call_finished"; label: string; workerId: string; durationMs: number; ok: boolean }
    | { type: "pool_saturated"; label: string; queueDepth: number; maxQueue: number }
    | { type: "orphans_reaped"; pids: number[]; problems: string[] }
  );

export type PoolEventType = PoolEvent["type"];
