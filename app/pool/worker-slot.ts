import { RestartBackoff } from "./backoff.js";
import type { WorkerInfo, WorkerProcess, WorkerState } from "./types.js";
import { Emitter, ReleasingMap } from "../base/index.js";

/** A call running on a worker process; `fail` rejects it at once (used when the process dies). */
export interface RunningCall {
  fail(error: unknown): void;
}

/** How a worker process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running worker process (one generation of a slot) and the calls it is running. */
export class WorkerInstance<C> {
  readonly pid: number;
  readonly startedAt = Date.now();
  /**
   * The calls running here, by ticket (see begin). Releasing, and keyed by number rather than by the call: a deleted
   * call must not stay reachable from the collection (app/base/releasing-map.ts).
   */
  readonly running = new ReleasingMap<number, RunningCall>();
  #tickets = 0;
  /** Calls started on this process, for recycling by maxCalls. */
  calls = 0;
  rssBytes: number | undefined;
  /** Set once the pool decided to stop this process; no new calls go to it. */
  stopReason: string | undefined;
  /**
   * Why the pool recycles this process once its running calls end (a recycle limit reached while it was busy); no
   * new calls go to it meanwhile, or a worker that always has a call running would never be recycled.
   */
  recycleDue: string | undefined;
  /** Set by killWorker so the crash error says who killed it and why. */
  killReason: string | undefined;
  /** Set when the memory watchdog killed it, so its calls fail with out_of_memory rather than worker_crashed. */
  outOfMemory: string | undefined;
  /** The cgroup leaf's OOM-kill count when this process joined it; a higher count at exit means the kernel killed it. */
  oomKillsAtStart = 0;
  exitInfo: ExitInfo | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  readonly #idle = new Emitter<void>("worker idle");

  constructor(
    readonly process: WorkerProcess,
    readonly connection: C,
    readonly generation: number,
    onExit: (info: ExitInfo) => void,
    onError: (error: Error) => void,
  ) {
    if (process.pid === undefined) {
      throw new Error(
        "The worker adapter returned a process without a pid; it must resolve only after spawn succeeded.",
      );
    }
    this.pid = process.pid;
    this.exited = new Promise<ExitInfo>((resolve) => {
      const finish = (info: ExitInfo): void => {
        if (this.exitInfo !== undefined) return;
        this.exitInfo = info;
        process.off("error", onError);
        resolve(info);
        onExit(info);
      };
      process.on("error", onError);
      if (process.exitCode !== null || process.signalCode !== null) {
        // It died before the pool took it over; report that like any other exit, but asynchronously.
        const info = { code: process.exitCode, signal: process.signalCode };
        queueMicrotask(() => finish(info));
      } else {
        process.once("exit", (code, signal) => finish({ code, signal }));
      }
    });
  }

  /** Whether the process can take another call under the given per-worker limit. */
  hasCapacity(maxConcurrent: number): boolean {
    return (
      this.stopReason === undefined &&
      this.recycleDue === undefined &&
      this.exitInfo === undefined &&
      this.running.size < maxConcurrent
    );
  }

  /** Adds a call that starts running here; returns its ticket for finish. */
  begin(call: RunningCall): number {
    const ticket = ++this.#tickets;
    this.running.set(ticket, call);
    return ticket;
  }

  /** Removes a finished call (by its ticket from begin) and wakes drain waiters when none is left. */
  finish(ticket: number): void {
    this.running.delete(ticket);
    if (this.running.size > 0) return;
    this.#idle.fire();
  }

  /** Resolves when no call is running, or after timeoutMs; true if it drained. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.running.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const subscription = this.#idle.event(() => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(true);
      });
      const timer = setTimeout(() => {
        subscription.dispose();
        resolve(false);
      }, timeoutMs);
    });
  }
}

/** A stable worker position ("w1", "w2", ...) whose process is replaced over time. */
export class WorkerSlot<C> {
  instance: WorkerInstance<C> | undefined;
  /** What the slot is doing while it has no process. */
  phase: "starting" | "crashed" = "starting";
  /** Generation the next successful start gets (0 for the first process). */
  nextGeneration = 0;
  callsTotal = 0;
  startFailures = 0;
  lastError: string | undefined;
  lastStartError: unknown;
  restartTimer: NodeJS.Timeout | undefined;
  startAbort: AbortController | undefined;
  /** The start in progress, if any. */
  starting: Promise<void> | undefined;
  /** The graceful replacement in progress, if any. */
  replacing: Promise<void> | undefined;
  checking = false;
  readonly backoff: RestartBackoff;

  constructor(
    readonly id: string,
    backoffInitialMs: number,
    backoffMaxMs: number,
  ) {
    this.backoff = new RestartBackoff(backoffInitialMs, backoffMaxMs);
  }

  /** The instance if it can still take calls (not stopping, not exited). */
  get live(): WorkerInstance<C> | undefined {
    const instance = this.instance;
    if (instance === undefined || instance.stopReason !== undefined || instance.exitInfo !== undefined)
      return undefined;
    return instance;
  }

  /** Replacements so far: every generation after the first. */
  get restarts(): number {
    return Math.max(0, this.nextGeneration - 1);
  }

  /** The state shown to users. */
  get state(): WorkerState {
    const instance = this.instance;
    if (instance === undefined)
      return this.replacing !== undefined && this.starting === undefined ? "stopping" : this.phase;
    if (instance.stopReason !== undefined) return "stopping";
    return instance.running.size > 0 ? "busy" : "idle";
  }

  /** Identity handed to tasks. */
  info(instance: WorkerInstance<C>): WorkerInfo {
    return { id: this.id, pid: instance.pid, generation: instance.generation };
  }
}
