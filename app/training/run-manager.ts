// The RunManager owns live training runs: it starts the Python training generator through the
// bridge, persists every event and telemetry sample to the run store as it arrives, and pushes
// the Workbench API's training events (updated, points, event) to its subscribers.

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";

import { stringify as toYaml } from "yaml";

import type { PythonBridge, PyValue } from "../bridge/index.js";
import { PythonError } from "../bridge/index.js";
import type { RunDetailView, RunSummaryView, SeriesPoint, WorkbenchEvents } from "../api/workbench-api.js";
import { parseTrainingEvent, type TrainingEvent } from "./events.js";
import { describeError, Emitter, type IDisposable } from "../base/index.js";
import { validateRunConfig, type RunConfig } from "./run-config.js";
import { resolveConfigPaths, runOutputFolder } from "./run-config-paths.js";
import { RunNotFoundError, type RunRecord, type RunStore } from "./run-store.js";
import {
  eventPayload,
  NO_PROGRESS,
  progressFromLog,
  runDetail,
  runSummary,
  storedProgress,
  type RunProgress,
} from "./run-views.js";
import { sampleTime, telemetryValues } from "./telemetry-values.js";

/** The Python generator that runs one training run. */
export const TRAINING_TARGET = "snakebridge_worker.training.run";

export interface RunManagerOptions {
  bridge: PythonBridge;
  store: RunStore;
  /** How often the training worker's memory and GPU are sampled while a run is active (default 1000 ms; 0 turns sampling off). */
  telemetryIntervalMs?: number;
  /** How long dispose() waits for a graceful stop (checkpoint) before cancelling hard (default 30 s). */
  disposeGraceMs?: number;
}

export interface StartRunInput {
  /** The parsed config (YAML or JSON already parsed); validated against the run-config schema. */
  config: unknown;
  /** The text the config was parsed from; used only to name the source in validation errors. */
  configText?: string;
  /** The run's label; default: config.name, then the output folder's name, then a timestamp. */
  name?: string;
  /** Folder that relative paths in the config are relative to (default: the current directory); output_dir defaults to its runs/. */
  configDir?: string;
}

/** The file a run's folder keeps its frozen config in (the text as started), and the resolved one beside it. */
export const FROZEN_CONFIG_FILE = "run-config.yaml";
export const RESOLVED_CONFIG_FILE = "run-config.resolved.json";
/** Dropped into a live run's folder to ask the loop for a CUDA memory snapshot (see the Python loop). */
export const MEMORY_SNAPSHOT_REQUEST = ".memory-snapshot-request";

export interface StopOptions {
  /** Cancel at once, without a checkpoint, instead of stopping at the end of the current step. */
  force?: boolean;
}

/** A problem that does not end a run but should be reported (e.g. telemetry could not be sampled). */
export interface RunWarning {
  runId: string;
  message: string;
  error: unknown;
}

type Listener<T> = (payload: T) => void;

/** A second stop within this window is taken as "stop now". */
const SECOND_STOP_WINDOW_MS = 10_000;
/** How often a failed telemetry stream is reopened during one run, and after what pause. */
const TELEMETRY_RETRIES = 3;
const TELEMETRY_RETRY_MS = 1000;
/** After a hard cancel, how long a run gets to end before dispose() gives up on it. */
const HARD_CANCEL_WAIT_MS = 5_000;

interface ActiveRun {
  runId: string;
  callId: string;
  progress: RunProgress;
  /** Every logged tokens/s so far, for the median the runs table shows. */
  throughput: number[];
  runDir: string;
  /** Aborts the pool call while it is still queued (a queued call has no worker to cancel on). */
  readonly queueAbort: AbortController;
  readonly telemetryAbort: AbortController;
  telemetry: Promise<void> | undefined;
  lastStopAt: number | undefined;
  forced: boolean;
  done: Promise<void>;
}

/** Starts, stops and watches training runs, and records them in a RunStore. */
export class RunManager {
  readonly #bridge: PythonBridge;
  readonly #store: RunStore;
  readonly #telemetryIntervalMs: number;
  readonly #disposeGraceMs: number;
  readonly #active = new Map<string, ActiveRun>();
  /** Progress of finished runs, read once from the store (it no longer changes). */
  readonly #finishedProgress = new Map<string, RunProgress>();
  readonly #updates = new Emitter<WorkbenchEvents["training.updated"]>("training.updated");
  readonly #points = new Emitter<WorkbenchEvents["training.points"]>("training.points");
  readonly #events = new Emitter<WorkbenchEvents["training.event"]>("training.event");
  readonly #warnings = new Emitter<RunWarning>("training warning");
  #disposed = false;

  /** Takes over the store: runs a crashed host left "running" are marked interrupted (their data stays). */
  constructor(options: RunManagerOptions) {
    this.#bridge = options.bridge;
    this.#store = options.store;
    this.#telemetryIntervalMs = options.telemetryIntervalMs ?? 1000;
    this.#disposeGraceMs = options.disposeGraceMs ?? 30_000;
    this.#store.markInterruptedRuns();
  }

  /** Validates the config, records a new run and starts training it; resolves once it is launched. */
  async start(input: StartRunInput): Promise<{ runId: string }> {
    if (this.#disposed) throw new Error("the run manager has been disposed; start runs on a new one");
    const valid = validateRunConfig(input.config, input.configText === undefined ? "run config" : "run config text");
    const resolved = resolveConfigPaths(valid, input.configDir ?? process.cwd());
    const id = randomUUID();
    const name = input.name ?? defaultName(valid);
    // output_dir is the parent of every run of this config; this run writes only to its own folder.
    const runDir = runOutputFolder(resolved.output_dir ?? join(process.cwd(), "runs"), name, id);
    const config: RunConfig = { ...resolved, output_dir: runDir };
    const configText = input.configText ?? toYaml(valid);
    freezeConfig(runDir, configText, config);
    const record = this.#store.createRun({ id, name, config, configText });
    const active: ActiveRun = {
      runId: record.id,
      callId: `training-${record.id}`,
      progress: NO_PROGRESS,
      throughput: [],
      runDir,
      queueAbort: new AbortController(),
      telemetryAbort: new AbortController(),
      telemetry: undefined,
      lastStopAt: undefined,
      forced: false,
      done: Promise.resolve(),
    };
    this.#active.set(record.id, active);
    this.#emitUpdate(record.id);
    active.done = this.#pump(active, config);
    return { runId: record.id };
  }

  /**
   * Starts a new run that continues from one of runId's checkpoints (default: the latest) with the
   * run's frozen config. The new run has its own folder beside the old one; the old run is untouched.
   */
  async resume(runId: string, checkpoint?: string): Promise<{ runId: string }> {
    const record = this.#requireRun(runId);
    const detail = runDetail(this.#store, record, NO_PROGRESS);
    const chosen =
      checkpoint === undefined
        ? detail.checkpoints.at(-1)
        : detail.checkpoints.find((c) => c.path === checkpoint || String(c.step) === checkpoint);
    if (chosen === undefined) {
      throw new RunResumeError(
        checkpoint === undefined
          ? `run ${runId} saved no checkpoint, so there is nothing to resume; start it again instead`
          : `run ${runId} has no checkpoint "${checkpoint}"; its checkpoints are ${detail.checkpoints.map((c) => c.path).join(", ") || "none"}`,
      );
    }
    if (!existsSync(chosen.path))
      throw new RunResumeError(
        `checkpoint ${chosen.path} no longer exists on disk; pick another checkpoint of run ${runId}`,
      );
    const config = { ...(record.config as RunConfig), resume_from: chosen.path };
    // The resumed run goes beside the one it continues: same parent, its own folder.
    const parent = detail.runDir === null ? dirname(dirname(chosen.path)) : dirname(detail.runDir);
    const name = `${record.name.replace(/ \(from step \d+\)$/, "")} (from step ${chosen.step})`;
    const text = `# resumed from ${chosen.path} (run ${runId})\n${toYaml({ ...config, output_dir: parent })}`;
    return this.start({ config: { ...config, output_dir: parent }, configText: text, name, configDir: parent });
  }

  /**
   * Asks a live run to record CUDA allocator history for `steps` steps and save a pickle that
   * pytorch.org/memory_viz opens (a "memory_snapshot" event names it). CPU runs have no allocator history.
   */
  requestMemorySnapshot(runId: string, steps: number): { requested: boolean; message: string } {
    this.#requireRun(runId);
    const active = this.#active.get(runId);
    if (active === undefined)
      return { requested: false, message: `run ${runId} is not training; a snapshot records live steps` };
    if (!Number.isInteger(steps) || steps < 1 || steps > 1000)
      return { requested: false, message: `steps must be a whole number from 1 to 1000, got ${steps}` };
    // The loop polls for this file once per step: no new control channel to the worker is needed.
    writeFileSync(join(active.runDir, MEMORY_SNAPSHOT_REQUEST), `${steps}\n`);
    return { requested: true, message: `recording ${steps} steps; the pickle is saved in ${active.runDir}` };
  }

  /**
   * Stops a run gracefully (it saves a checkpoint and ends "stopped"); with force, or when asked
   * again within 10 s, cancels it at once. Resolves false when the run is not active.
   */
  async stop(runId: string, options: StopOptions = {}): Promise<{ stopping: boolean }> {
    this.#requireRun(runId);
    const active = this.#active.get(runId);
    if (active === undefined) return { stopping: false };
    const now = Date.now();
    const again = active.lastStopAt !== undefined && now - active.lastStopAt < SECOND_STOP_WINDOW_MS;
    active.lastStopAt = now;
    if (options.force === true || again) {
      await this.#cancelHard(active);
      return { stopping: true };
    }
    // A run still waiting for a worker has nothing to checkpoint: cancel it in the queue.
    if (!(await this.#bridge.requestStop(active.callId))) await this.#cancelHard(active);
    return { stopping: true };
  }

  /** Resolves with the run's summary once it is no longer active. */
  async whenFinished(runId: string): Promise<RunSummaryView> {
    await this.#active.get(runId)?.done;
    return this.summary(runId);
  }

  /** True while the run's training stream is open. */
  isActive(runId: string): boolean {
    return this.#active.has(runId);
  }

  /** Every run in the store, newest first. */
  list(): RunSummaryView[] {
    return this.#store.listRuns().map((record) => runSummary(record, this.#progress(record)));
  }

  /** One run's summary. */
  summary(runId: string): RunSummaryView {
    const record = this.#requireRun(runId);
    return runSummary(record, this.#progress(record));
  }

  /** One run in full: config, every series, every event and its error. */
  detail(runId: string): RunDetailView {
    const record = this.#requireRun(runId);
    return runDetail(this.#store, record, this.#progress(record));
  }

  /** Subscribes to run summaries as they change ("training.updated"). */
  onUpdate(listener: Listener<WorkbenchEvents["training.updated"]>): IDisposable {
    return this.#updates.event(listener);
  }

  /** Subscribes to new series points ("training.points"). */
  onPoints(listener: Listener<WorkbenchEvents["training.points"]>): IDisposable {
    return this.#points.event(listener);
  }

  /** Subscribes to training events as they arrive ("training.event"). */
  onEvent(listener: Listener<WorkbenchEvents["training.event"]>): IDisposable {
    return this.#events.event(listener);
  }

  /** Subscribes to problems that do not end a run (telemetry lost, a listener that threw). */
  onWarning(listener: Listener<RunWarning>): IDisposable {
    return this.#warnings.event(listener);
  }

  /**
   * Stops every active run gracefully (checkpoint), cancels those that miss the deadline, waits for
   * them to end, and drops all listeners. The bridge and store stay open: their owner closes them.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const runs = [...this.#active.values()];
    await Promise.all(runs.map((active) => this.#stopWithDeadline(active)));
    this.#updates.dispose();
    this.#points.dispose();
    this.#events.dispose();
    this.#warnings.dispose();
  }

  // -- one run ----------------------------------------------------------------------------------

  /** Reads the run's stream to its end, persisting and publishing each event; never rejects. */
  async #pump(active: ActiveRun, config: RunConfig): Promise<void> {
    const { runId } = active;
    let ended: TrainingEvent["type"] | undefined;
    try {
      const stream = this.#bridge.stream(
        TRAINING_TARGET,
        [config as unknown as PyValue],
        {},
        {
          callId: active.callId,
          signal: active.queueAbort.signal,
        },
      );
      this.#startTelemetry(active);
      for await (const item of stream) {
        const event = parseTrainingEvent(item);
        const at = Date.now();
        this.#store.appendEvent(runId, event, at);
        this.#startTelemetry(active);
        if (event.type === "started") active.progress = { ...active.progress, maxSteps: event.max_steps };
        if (event.type === "log") {
          active.throughput.push(event.tokens_per_s);
          active.progress = progressFromLog(event, active.progress, active.throughput);
        }
        if (event.type === "finished" || event.type === "failed") {
          ended = event.type;
          active.progress = { ...active.progress, etaS: null };
        }
        this.#events.fire({ runId, at, type: event.type, payload: eventPayload(event) });
        const points = metricPoints(event, at);
        if (points !== undefined) this.#points.fire({ runId, points });
        if (event.type !== "checkpoint" && event.type !== "eval") this.#emitUpdate(runId);
      }
      if (ended === undefined) {
        this.#store.setStatus(runId, "failed", {
          error: bridgeFailure(
            "internal",
            "the training stream ended without a finished or failed event; see the worker log",
          ),
        });
      }
    } catch (error) {
      try {
        this.#recordFailure(active, error);
      } catch (storeError) {
        // The store itself failed (disk full, closed): the run's end cannot be recorded, only reported.
        this.#warn(
          runId,
          `run ${runId} ended (${describeError(error)}) but the run store could not record it: ${describeError(storeError)}`,
          storeError,
        );
      }
    } finally {
      active.telemetryAbort.abort();
      await active.telemetry;
      this.#active.delete(runId);
      this.#emitUpdate(runId);
    }
  }

  #recordFailure(active: ActiveRun, error: unknown): void {
    const cancelled = error instanceof PythonError && error.classification === "cancelled";
    if (active.forced && cancelled) {
      this.#store.setStatus(active.runId, "stopped", {
        error: bridgeFailure("cancelled", "stopped at once on request; steps since the last checkpoint were not saved"),
      });
      return;
    }
    if (error instanceof PythonError) {
      this.#store.setStatus(active.runId, "failed", {
        error: {
          classification: error.classification,
          error_type: error.pythonType,
          module: error.pythonModule,
          message: error.pythonMessage,
          traceback: error.traceback,
        },
      });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#store.setStatus(active.runId, "failed", {
      error: { ...bridgeFailure("internal", message), traceback: error instanceof Error ? (error.stack ?? "") : "" },
    });
  }

  /** Starts sampling the worker that runs the call, once it is known (the call may wait in the pool queue). */
  #startTelemetry(active: ActiveRun): void {
    if (active.telemetry !== undefined || active.telemetryAbort.signal.aborted || this.#telemetryIntervalMs <= 0)
      return;
    const workerId = this.#bridge.workerOf(active.callId);
    if (workerId === undefined) return;
    active.telemetry = this.#sampleTelemetry(active, workerId);
  }

  /** Samples until the run ends; a failed telemetry stream is reopened a few times before giving up. */
  async #sampleTelemetry(active: ActiveRun, workerId: string): Promise<void> {
    const signal = active.telemetryAbort.signal;
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        await this.#readTelemetry(active, workerId, signal);
        return;
      } catch (error) {
        if (signal.aborted) return; // the run ended while a sample was in flight
        const last = attempt > TELEMETRY_RETRIES;
        const what = describeError(error);
        this.#warn(
          active.runId,
          last
            ? `telemetry of worker ${workerId} failed ${attempt} times (${what}); the run continues without memory charts`
            : `telemetry of worker ${workerId} failed (${what}); retrying in ${TELEMETRY_RETRY_MS} ms`,
          error,
        );
        if (last) return;
        await abortableDelay(TELEMETRY_RETRY_MS, signal);
      }
    }
  }

  async #readTelemetry(active: ActiveRun, workerId: string, signal: AbortSignal): Promise<void> {
    for await (const sample of this.#bridge.telemetry(workerId, this.#telemetryIntervalMs, signal)) {
      if (signal.aborted) return;
      const at = sampleTime(sample);
      const values = telemetryValues(sample);
      this.#store.appendTelemetry(active.runId, at, values);
      const points: Record<string, SeriesPoint[]> = {};
      for (const [name, value] of Object.entries(values)) {
        if (Number.isFinite(value)) points[name] = [{ step: null, at, value }];
      }
      this.#points.fire({ runId: active.runId, points });
    }
  }

  async #cancelHard(active: ActiveRun): Promise<void> {
    active.forced = true;
    if (await this.#bridge.cancel(active.callId)) return;
    active.queueAbort.abort(
      PythonError.bridge("cancelled", `run ${active.runId} was stopped before it started`, TRAINING_TARGET),
    );
  }

  async #stopWithDeadline(active: ActiveRun): Promise<void> {
    const finished = (ms: number): Promise<boolean> => raceTimeout(active.done, ms);
    try {
      if (!(await this.#bridge.requestStop(active.callId))) await this.#cancelHard(active);
      if (await finished(this.#disposeGraceMs)) return;
      await this.#cancelHard(active);
      if (await finished(HARD_CANCEL_WAIT_MS)) return;
    } catch (error) {
      this.#warn(active.runId, `could not stop run ${active.runId}: ${describeError(error)}`, error);
    }
    // The worker ignores even a hard cancel: leave the run recorded as interrupted, not running.
    active.telemetryAbort.abort();
    try {
      this.#store.setStatus(active.runId, "interrupted", {
        error: bridgeFailure(
          "cancelled",
          "the workbench shut down and the run did not stop in time; resume it from its last checkpoint (resume_from)",
        ),
      });
    } catch (error) {
      this.#warn(active.runId, `could not record run ${active.runId} as interrupted: ${describeError(error)}`, error);
    }
  }

  // -- views and events -------------------------------------------------------------------------

  #progress(record: RunRecord): RunProgress {
    const active = this.#active.get(record.id);
    if (active !== undefined) return active.progress;
    const cached = this.#finishedProgress.get(record.id);
    if (cached !== undefined) return cached;
    const progress = storedProgress(this.#store, record);
    // Only a run no process is writing to can be cached; "running" here means another process owns it.
    if (record.status !== "running" && record.status !== "created") this.#finishedProgress.set(record.id, progress);
    return progress;
  }

  #requireRun(runId: string): RunRecord {
    const record = this.#store.getRun(runId);
    if (record === undefined) throw new RunNotFoundError(runId);
    return record;
  }

  #emitUpdate(runId: string): void {
    if (!this.#updates.hasListeners) return;
    let run: RunSummaryView;
    try {
      run = this.summary(runId);
    } catch (error) {
      this.#warn(runId, `could not read run ${runId} back from the run store: ${describeError(error)}`, error);
      return;
    }
    this.#updates.fire({ run });
  }

  #warn(runId: string, message: string, error: unknown): void {
    if (!this.#warnings.hasListeners) {
      // Nobody subscribed: the process log is the only place left to say it.
      process.emitWarning(message, { code: "SNAKEBRIDGE_TRAINING", detail: `run ${runId}` });
      return;
    }
    this.#warnings.fire({ runId, message, error });
  }
}

/** The metric points a log or eval event adds (the store keeps the same fields). */
function metricPoints(event: TrainingEvent, at: number): Record<string, SeriesPoint[]> | undefined {
  if (event.type !== "log" && event.type !== "eval") return undefined;
  const points: Record<string, SeriesPoint[]> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name !== "type" && name !== "step" && typeof value === "number" && Number.isFinite(value)) {
      points[name] = [{ step: event.step, at, value }];
    }
  }
  return points;
}

function defaultName(config: RunConfig): string {
  if (typeof config.name === "string" && config.name.trim() !== "") return config.name;
  return `run ${new Date().toISOString().slice(0, 19).replace("T", " ")}`;
}

/** A resume request that cannot be met (no such checkpoint); the message says what to pick instead. */
export class RunResumeError extends Error {
  override readonly name = "RunResumeError";
}

/** Keeps the config as started in the run's folder, so the folder alone says how it was trained. */
function freezeConfig(runDir: string, text: string, resolved: RunConfig): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, FROZEN_CONFIG_FILE), text.endsWith("\n") ? text : `${text}\n`);
  writeFileSync(join(runDir, RESOLVED_CONFIG_FILE), `${JSON.stringify(resolved, null, 2)}\n`);
}

/** True when path lies inside folder. */
export function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
}

function bridgeFailure(classification: string, message: string): Record<string, string> {
  return { classification, error_type: "RunError", module: "snakebridge", message, traceback: "" };
}

/** Resolves after ms, or at once when signal aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolvePromise();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** True when promise settles within ms. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
