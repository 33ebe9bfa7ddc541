import { randomUUID } from "node:crypto";
import {
  PoolClosedError,
  PoolSaturatedError,
  QueueTimeoutError,
  WorkerCrashedError,
  WorkerGoneError,
  WorkerOutOfMemoryError,
  WorkerStartError,
} from "./errors.js";
import { Emitter, describeError, type IDisposable } from "../base/index.js";
import { killGroup, signalGroup, terminateGroup } from "./process-group.js";
import { type Settings, resolveSettings } from "./pool-settings.js";
import { ProcessRegistry, reapOrphans } from "./process-registry.js";
import { LimitEnforcer } from "./limit-enforcer.js";
import type { LimitMechanism } from "./resource-limits.js";
import type {
  HealthReport,
  PoolEvent,
  PoolEventType,
  PoolOptions,
  PoolSnapshot,
  PoolCall,
  PoolTask,
  RunOptions,
  StartedWorker,
  WorkerAdapter,
  WorkerSnapshot,
} from "./types.js";
import { WaitQueue } from "./wait-queue.js";
import { withTimeout } from "./with-timeout.js";
import { type ExitInfo, type RunningCall, WorkerInstance, WorkerSlot } from "./worker-slot.js";

/** Consecutive failed starts of one slot after which waiting calls are rejected with WorkerStartError. */
export const MAX_START_FAILURES = 5;

type EventPayload = {
  [K in PoolEventType]: Omit<Extract<PoolEvent, { type: K }>, "at" | "runId">;
}[PoolEventType];

/** A call waiting for (or being handed) a worker. */
interface PendingCall<C> {
  label: string;
  /** Human description of where the call may run, for error messages. */
  target: string;
  accepts(slot: WorkerSlot<C>, instance: WorkerInstance<C>): boolean;
  preferredWorkerId(): string | undefined;
  /** Which slot generation the call cannot live without, if any. */
  pinnedTo(): { workerId: string; generation: number } | undefined;
  execute(slot: WorkerSlot<C>, instance: WorkerInstance<C>, waitMs: number): void;
  reject(error: unknown): void;
}

interface SessionBinding {
  workerId: string;
  generation: number;
}

/**
 * A fixed-size pool of OS worker processes: concurrent start, bounded wait queue, session affinity,
 * crash replacement with backoff, recycling, health checks, group-wide shutdown and orphan reaping.
 */
export class ProcessPool<C> {
  readonly runId: string = randomUUID();
  readonly #settings: Settings;
  readonly #slots: WorkerSlot<C>[];
  readonly #queue = new WaitQueue<PendingCall<C>>();
  readonly #sessions = new Map<string, SessionBinding>();
  readonly #events = new Emitter<PoolEvent>("pool event");
  readonly #registry: ProcessRegistry;
  /** Group kills of crashed workers still in progress; shutdown waits for them. */
  readonly #groupKills = new Set<Promise<void>>();
  readonly #startProgress = new Emitter<void>("pool start progress");
  #phase: "new" | "running" | "closing" | "closed" = "new";
  #healthTimer: NodeJS.Timeout | undefined;
  #shutdownPromise: Promise<void> | undefined;
  #dispatching = false;
  #redispatch = false;
  #limits: LimitEnforcer | undefined;
  readonly #adapter: WorkerAdapter<C>;

  constructor(adapter: WorkerAdapter<C>, options: PoolOptions) {
    this.#adapter = adapter;
    this.#settings = resolveSettings(options);
    const { size, backoffInitialMs, backoffMaxMs } = this.#settings;
    this.#slots = Array.from(
      { length: size },
      (_, i) => new WorkerSlot<C>(`w${i + 1}`, backoffInitialMs, backoffMaxMs),
    );
    this.#registry = new ProcessRegistry(this.#settings.stateDir, this.runId, this.#settings.name);
  }

  /** Reaps orphans from the registry, then starts `size` workers concurrently; resolves when each is up or gave up. */
  async start(): Promise<void> {
    if (this.#phase !== "new") {
      throw new Error(
        `${this.#settings.name}: start() was already called; a pool starts once. Create a new pool instead.`,
      );
    }
    this.#limits = new LimitEnforcer(this.#settings.limits, this.runId, {
      live: () =>
        this.#slots.flatMap((slot) => (slot.live === undefined ? [] : [{ slotId: slot.id, instance: slot.live }])),
      kill: (slotId, reason) => this.killWorker(slotId, reason),
    });
    this.#phase = "running";
    const reaped = reapOrphans(this.#settings.stateDir, this.runId);
    if (reaped.pids.length > 0 || reaped.problems.length > 0) this.#emit({ type: "orphans_reaped", ...reaped });
    this.#registry.write();
    if (this.#settings.healthCheckIntervalMs > 0) {
      this.#healthTimer = setInterval(() => this.#checkAll(), this.#settings.healthCheckIntervalMs);
      this.#healthTimer.unref();
    }
    for (const slot of this.#slots) void this.#startSlot(slot);
    await this.#untilEachSlotUpOrFailed();
    if (this.#phase !== "running")
      throw new PoolClosedError(this.#settings.name, "shutdown() was called during start()");
    if (this.#slots.some((slot) => slot.live !== undefined)) return;
    const failed = this.#slots[0];
    const error = new WorkerStartError(failed?.id ?? "w1", failed?.startFailures ?? 0, failed?.lastStartError);
    await this.shutdown();
    throw error;
  }

  /** Runs task on a worker. If the worker process dies while the task runs, rejects with WorkerCrashedError. */
  run<T>(task: PoolTask<C, T>, options: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const label = options.label ?? "call";
      if (this.#phase === "closing" || this.#phase === "closed") {
        reject(new PoolClosedError(this.#settings.name, "shutdown() was called"));
        return;
      }
      if (options.signal?.aborted === true) {
        reject(options.signal.reason);
        return;
      }
      const call = this.#prepareCall(task, options, label, resolve, reject);
      if (call instanceof Error) {
        reject(call);
        return;
      }
      const chosen = this.#pickSlot(call);
      if (chosen !== undefined) {
        call.execute(chosen.slot, chosen.instance, 0);
        return;
      }
      const unstartable = this.#unstartableError();
      if (unstartable !== undefined) {
        reject(unstartable);
        return;
      }
      if (this.#queue.size >= this.#settings.maxQueue) {
        this.#emit({ type: "pool_saturated", label, queueDepth: this.#queue.size, maxQueue: this.#settings.maxQueue });
        reject(new PoolSaturatedError(this.#settings.name, this.#settings.maxQueue));
        return;
      }
      const timeoutMs = options.queueTimeoutMs ?? this.#settings.queueTimeoutMs;
      this.#queue.push(
        call,
        timeoutMs,
        options.signal,
        () => reject(new QueueTimeoutError(this.#settings.name, timeoutMs, call.target)),
        (reason) => reject(reason),
      );
      this.#emit({ type: "call_queued", label, queueDepth: this.#queue.size });
    });
  }

  /** Gracefully replaces a worker: drain, stop, start a new generation; rejects if the replacement cannot start. */
  async restartWorker(workerId: string, reason: string): Promise<void> {
    const slot = this.#slotOrThrow(workerId);
    await this.#replaceWorker(slot, reason);
    if (slot.live === undefined && this.#phase === "running") {
      throw new WorkerStartError(slot.id, slot.startFailures, slot.lastStartError);
    }
  }

  /** SIGKILLs the worker's process group; the crash path then replaces it with backoff. */
  killWorker(workerId: string, reason: string): void {
    const slot = this.#slotOrThrow(workerId);
    const instance = slot.instance;
    if (instance === undefined || instance.exitInfo !== undefined) return;
    instance.killReason = reason;
    slot.lastError = `killed: ${reason}`;
    signalGroup(instance.pid, "SIGKILL");
  }

  /** Forgets a session's worker binding (call when the session ends). */
  forgetSession(session: string): void {
    this.#sessions.delete(session);
  }

  /** Current state of the pool and each worker slot. */
  snapshot(): PoolSnapshot {
    return {
      runId: this.runId,
      size: this.#settings.size,
      queued: this.#queue.size,
      workers: this.#slots.map((slot) => this.#snapshotSlot(slot)),
    };
  }

  /** How this pool enforces its resource limits (cgroup, watchdog, or none), and why. */
  get limits(): LimitMechanism {
    return this.#limits?.mechanism ?? { kind: "none", detail: "no limits set" };
  }

  /** Subscribes to pool telemetry. */
  on(listener: (event: PoolEvent) => void): IDisposable {
    return this.#events.event(listener);
  }

  /** Stops accepting calls, drains, stops every worker group (SIGTERM, then SIGKILL) and deletes the registry file; idempotent. */
  shutdown(): Promise<void> {
    this.#shutdownPromise ??= this.#close();
    return this.#shutdownPromise;
  }

  // ---- calls -------------------------------------------------------------------------------

  #prepareCall<T>(
    task: PoolTask<C, T>,
    options: RunOptions,
    label: string,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ): PendingCall<C> | Error {
    const { session, workerId } = options;
    const affinity = session === undefined ? "none" : (options.affinity ?? "none");
    let pin: SessionBinding | undefined;
    if (workerId !== undefined) {
      const slot = this.#slots.find((candidate) => candidate.id === workerId);
      if (slot === undefined) {
        return new WorkerGoneError(
          workerId,
          `this pool has no such worker (it has ${this.#slots.map((s) => s.id).join(", ")})`,
        );
      }
      const generation = options.generation ?? slot.live?.generation;
      if (generation === undefined || slot.live?.generation !== generation) {
        return new WorkerGoneError(workerId, this.#goneReason(slot, generation));
      }
      pin = { workerId, generation };
    } else if (session !== undefined && affinity === "strict") {
      const binding = this.#sessions.get(session);
      if (binding !== undefined && !this.#bindingIsLive(binding)) {
        this.#sessions.delete(session);
        return new WorkerGoneError(
          binding.workerId,
          `session "${session}" lived in its process of generation ${binding.generation}, which has been replaced since`,
          "the session's next call starts on a live worker",
        );
      }
    }
    const strictSession = affinity === "strict" ? session : undefined;
    const pinnedTo = (): SessionBinding | undefined =>
      pin ?? (strictSession === undefined ? undefined : this.#sessions.get(strictSession));
    const target =
      pin !== undefined
        ? `${label} on worker ${pin.workerId}`
        : strictSession !== undefined
          ? `${label} in session "${strictSession}"`
          : label;

    return {
      label,
      target,
      pinnedTo,
      accepts: (slot, instance) => {
        const pinned = pinnedTo();
        return pinned === undefined || (pinned.workerId === slot.id && pinned.generation === instance.generation);
      },
      preferredWorkerId: () =>
        session !== undefined && affinity === "hint" ? this.#sessions.get(session)?.workerId : undefined,
      reject,
      execute: (slot, instance, waitMs) => {
        if (session !== undefined && affinity !== "none") {
          this.#sessions.set(session, { workerId: slot.id, generation: instance.generation });
        }
        this.#runOn(slot, instance, task, options.signal, label, waitMs, resolve, reject);
      },
    };
  }

  #runOn<T>(
    slot: WorkerSlot<C>,
    instance: WorkerInstance<C>,
    task: PoolTask<C, T>,
    signal: AbortSignal | undefined,
    label: string,
    waitMs: number,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ): void {
    instance.calls += 1;
    slot.callsTotal += 1;
    if (instance.calls >= this.#settings.maxCalls) instance.recycleDue ??= this.#recycleReason(instance);
    const startedAt = Date.now();
    // An AbortController per call costs more than a small call itself: made only if the task asks for it.
    let controller: AbortController | undefined;
    let abortReason: { reason: unknown } | undefined;
    const abortTask = (reason: unknown): void => {
      abortReason = { reason };
      controller?.abort(reason);
    };
    const poolCall: PoolCall = {
      get signal(): AbortSignal {
        if (controller === undefined) {
          controller = new AbortController();
          if (abortReason !== undefined) controller.abort(abortReason.reason);
        }
        return controller.signal;
      },
    };
    let settled = false;
    const settle = (ok: boolean, outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      this.#emit({ type: "call_finished", label, workerId: slot.id, durationMs: Date.now() - startedAt, ok });
      outcome();
    };
    const call: RunningCall = {
      fail: (error) => {
        abortTask(error);
        settle(false, () => reject(error));
      },
    };
    const onAbort = (): void => {
      const reason: unknown = signal?.reason;
      abortTask(reason);
      settle(false, () => reject(reason));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const ticket = instance.begin(call);
    this.#emit({ type: "call_started", label, workerId: slot.id, waitMs });

    let promise: Promise<T>;
    try {
      promise = task(instance.connection, slot.info(instance), poolCall);
    } catch (error) {
      promise = Promise.reject(error);
    }
    // The task's own outcome is always observed, even after a crash or abort already rejected the call.
    const done = (): void => {
      instance.finish(ticket);
      this.#afterCall(slot, instance);
    };
    promise.then(
      (value) => {
        settle(true, () => resolve(value));
        done();
      },
      (error: unknown) => {
        settle(false, () => reject(error));
        done();
      },
    );
  }

  #afterCall(slot: WorkerSlot<C>, instance: WorkerInstance<C>): void {
    // A worker that never runs out of calls is checked here too, or its age would only count in health rounds.
    if (slot.instance === instance) this.#recycleWhenIdle(slot, instance);
    this.#dispatch();
  }

  /** Picks a worker with free capacity that the call accepts: the session's preferred one, else the least loaded. */
  #pickSlot(call: PendingCall<C>): { slot: WorkerSlot<C>; instance: WorkerInstance<C> } | undefined {
    const preferred = call.preferredWorkerId();
    let best: { slot: WorkerSlot<C>; instance: WorkerInstance<C> } | undefined;
    for (const slot of this.#slots) {
      const instance = slot.live;
      if (instance === undefined || !instance.hasCapacity(this.#settings.maxConcurrentPerWorker)) continue;
      if (!call.accepts(slot, instance)) continue;
      if (slot.id === preferred) return { slot, instance };
      if (best === undefined || instance.running.size < best.instance.running.size) best = { slot, instance };
    }
    return best;
  }

  /** Hands free workers to waiting calls in arrival order. */
  #dispatch(): void {
    if (this.#dispatching) {
      // A task started below called back into the pool; finish the current pass, then go again.
      this.#redispatch = true;
      return;
    }
    this.#dispatching = true;
    try {
      do {
        this.#redispatch = false;
        for (const entry of this.#queue.list()) {
          if (!this.#queue.has(entry)) continue;
          const chosen = this.#pickSlot(entry.payload);
          if (chosen === undefined) continue;
          this.#queue.remove(entry);
          entry.payload.execute(chosen.slot, chosen.instance, Date.now() - entry.enqueuedAt);
        }
      } while (this.#redispatch);
    } finally {
      this.#dispatching = false;
    }
  }

  #bindingIsLive(binding: SessionBinding): boolean {
    const slot = this.#slots.find((candidate) => candidate.id === binding.workerId);
    return slot?.live?.generation === binding.generation;
  }

  /** Rejects waiting calls that need a generation that just ended. */
  #failPinnedCalls(slot: WorkerSlot<C>, generation: number, why: string): void {
    const orphaned = this.#queue.removeWhere((call) => {
      const pinned = call.pinnedTo();
      return pinned !== undefined && pinned.workerId === slot.id && pinned.generation === generation;
    });
    for (const entry of orphaned) entry.payload.reject(new WorkerGoneError(slot.id, why));
    for (const [session, binding] of this.#sessions) {
      // Strict sessions that had calls waiting were told above; forget them so their next call binds afresh.
      if (binding.workerId === slot.id && binding.generation === generation && orphaned.length > 0)
        this.#sessions.delete(session);
    }
  }

  #goneReason(slot: WorkerSlot<C>, generation: number | undefined): string {
    const live = slot.live;
    if (live === undefined)
      return `it is ${slot.state} and has no process that can take calls${slot.lastError === undefined ? "" : ` (last error: ${slot.lastError})`}`;
    return `generation ${String(generation)} was replaced; the slot now runs generation ${live.generation}`;
  }

  /** WorkerStartError when no worker is up and every slot has failed to start MAX_START_FAILURES times in a row. */
  #unstartableError(): WorkerStartError | undefined {
    if (this.#slots.some((slot) => slot.live !== undefined || slot.startFailures < MAX_START_FAILURES))
      return undefined;
    const slot = this.#slots[0];
    if (slot === undefined) return undefined;
    return new WorkerStartError(slot.id, slot.startFailures, slot.lastStartError);
  }

  // ---- worker lifecycle ----------------------------------------------------------------------

  /** Starts one process in slot; never rejects (failures are recorded, reported and retried with backoff). */
  #startSlot(slot: WorkerSlot<C>): Promise<void> {
    if (slot.starting !== undefined) return slot.starting;
    const starting = this.#startSlotOnce(slot).finally(() => {
      slot.starting = undefined;
      this.#startProgress.fire();
    });
    slot.starting = starting;
    return starting;
  }

  async #startSlotOnce(slot: WorkerSlot<C>): Promise<void> {
    slot.phase = "starting";
    const attempt = slot.startFailures + 1;
    this.#emit({ type: "worker_starting", workerId: slot.id, attempt });
    const abort = new AbortController();
    slot.startAbort = abort;
    const t0 = Date.now();
    let started: StartedWorker<C>;
    try {
      started = await this.#adapter.start({ workerId: slot.id, runId: this.runId, signal: abort.signal });
    } catch (error) {
      this.#startFailed(slot, error);
      return;
    } finally {
      slot.startAbort = undefined;
    }
    let instance: WorkerInstance<C>;
    try {
      instance = new WorkerInstance<C>(
        started.process,
        started.connection,
        slot.nextGeneration,
        (info) => this.#onExit(slot, instance, info),
        (error) => {
          slot.lastError = `process error: ${error.message}`;
        },
      );
    } catch (error) {
      this.#startFailed(slot, error);
      return;
    }
    try {
      this.#limits?.admit(slot.id, instance);
    } catch (error) {
      // A worker we could not limit must not run unlimited: kill it (it is not the slot's instance yet, so its
      // exit is not a crash) and retry the start with backoff.
      signalGroup(instance.pid, "SIGKILL");
      this.#startFailed(slot, error);
      return;
    }
    slot.nextGeneration += 1;
    slot.instance = instance;
    this.#updateRegistry(slot, () => this.#registry.add(slot.id, instance.pid));
    if (this.#phase !== "running") {
      await this.#stopInstance(slot, instance, "pool shut down while the worker was starting");
      return;
    }
    slot.startFailures = 0;
    slot.lastStartError = undefined;
    this.#emit({
      type: "worker_started",
      workerId: slot.id,
      pid: instance.pid,
      generation: instance.generation,
      startMs: Date.now() - t0,
    });
    this.#dispatch();
  }

  #startFailed(slot: WorkerSlot<C>, error: unknown): void {
    slot.phase = "crashed";
    slot.startFailures += 1;
    slot.lastStartError = error;
    slot.lastError = `start failed: ${describeError(error)}`;
    if (this.#phase !== "running") return;
    const retryInMs = slot.backoff.nextDelayMs();
    this.#emit({
      type: "worker_start_failed",
      workerId: slot.id,
      attempt: slot.startFailures,
      error: describeError(error),
      retryInMs,
    });
    if (slot.startFailures >= MAX_START_FAILURES) {
      const unstartable = this.#unstartableError();
      if (unstartable !== undefined) {
        for (const entry of this.#queue.removeWhere(() => true)) entry.payload.reject(unstartable);
      }
    }
    this.#scheduleStart(slot, retryInMs);
  }

  #scheduleStart(slot: WorkerSlot<C>, delayMs: number): void {
    clearTimeout(slot.restartTimer);
    // Left ref'd on purpose (it is short and cleared on shutdown): calls queued for the replacement
    // must not be abandoned because the host's event loop ran out of other work.
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.#phase === "running") void this.#startSlot(slot);
    }, delayMs);
  }

  #onExit(slot: WorkerSlot<C>, instance: WorkerInstance<C>, info: ExitInfo): void {
    const stopping = instance.stopReason;
    const why =
      stopping !== undefined
        ? `was stopped (${stopping})`
        : instance.killReason !== undefined
          ? `was killed (${instance.killReason})`
          : "exited unexpectedly";
    const inFlight = instance.running.size;
    const oom = this.#limits?.outOfMemoryCause(slot.id, instance);
    const error =
      stopping !== undefined && this.#phase !== "running"
        ? new PoolClosedError(this.#settings.name, `the worker was stopped by shutdown() before the call finished`)
        : oom !== undefined
          ? new WorkerOutOfMemoryError(slot.id, this.#settings.limits?.memoryBytes ?? 0, oom)
          : new WorkerCrashedError(slot.id, info.code, info.signal, why);
    for (const call of [...instance.running.values()]) call.fail(error);
    if (stopping !== undefined || slot.instance !== instance) return;

    slot.instance = undefined;
    slot.phase = "crashed";
    slot.lastError = `${why} with code ${info.code ?? "none"}, signal ${info.signal ?? "none"}`;
    this.#failPinnedCalls(slot, instance.generation, `its process ${why}`);
    this.#trackGroupKill(slot, instance);
    slot.backoff.noteUptime(Date.now() - instance.startedAt);
    const restartInMs = slot.backoff.nextDelayMs();
    this.#emit({
      type: "worker_crashed",
      workerId: slot.id,
      pid: instance.pid,
      exitCode: info.code,
      signal: info.signal,
      inFlight,
      restartInMs,
    });
    if (this.#phase === "running") this.#scheduleStart(slot, restartInMs);
  }

  /** Kills what is left of a dead worker's group (its grandchildren), then drops it from the registry. */
  #trackGroupKill(slot: WorkerSlot<C>, instance: WorkerInstance<C>): void {
    const kill = killGroup(instance.pid).then(
      () => this.#updateRegistry(slot, () => this.#registry.delete(slot.id, instance.pid)),
      (error: unknown) => {
        this.#warn(slot, describeError(error));
      },
    );
    this.#groupKills.add(kill);
    void kill.finally(() => this.#groupKills.delete(kill));
  }

  /** Drains, asks the adapter to stop, then SIGTERM/SIGKILLs the group; calls still running then reject. */
  async #stopInstance(slot: WorkerSlot<C>, instance: WorkerInstance<C>, reason: string): Promise<void> {
    instance.stopReason ??= reason;
    const { drainMs, termMs } = this.#settings;
    await instance.drained(drainMs);
    const stop = this.#adapter.stop;
    if (stop !== undefined && instance.exitInfo === undefined) {
      try {
        await withTimeout(
          stop.call(this.#adapter, instance.connection),
          termMs,
          `adapter.stop for ${slot.id}`,
          (error) => {
            slot.lastError = `graceful stop failed late: ${describeError(error)}`;
          },
        );
      } catch (error) {
        // Not fatal: the signals below end the process anyway; the reason stays visible in the snapshot.
        slot.lastError = `graceful stop failed: ${describeError(error)}`;
      }
    }
    try {
      await terminateGroup(instance.pid, termMs);
      this.#updateRegistry(slot, () => this.#registry.delete(slot.id, instance.pid));
    } catch (error) {
      this.#warn(slot, describeError(error));
    }
    // The leader is our child, so its exit event follows the group's end almost at once.
    await withTimeout(instance.exited, 1_000, `exit event of ${slot.id}`, () => {}).catch((error: unknown) => {
      slot.lastError = describeError(error);
    });
    if (slot.instance === instance) {
      slot.instance = undefined;
      slot.phase = "starting";
    }
    this.#emit({ type: "worker_stopped", workerId: slot.id, pid: instance.pid, reason });
  }

  /** Replaces slot's process gracefully (recycling, restartWorker); never rejects. */
  #replaceWorker(slot: WorkerSlot<C>, reason: string): Promise<void> {
    if (slot.replacing !== undefined) return slot.replacing;
    if (this.#phase !== "running") return Promise.resolve();
    const instance = slot.live;
    if (instance === undefined) {
      // Nothing to stop: start now instead of waiting out a backoff, or join the start in progress.
      clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      return this.#startSlot(slot);
    }
    instance.stopReason = reason;
    this.#emit({ type: "worker_recycled", workerId: slot.id, pid: instance.pid, reason });
    this.#failPinnedCalls(slot, instance.generation, `it was replaced (${reason})`);
    const replacing = (async () => {
      await this.#stopInstance(slot, instance, reason);
      if (this.#phase === "running") await this.#startSlot(slot);
    })().finally(() => {
      slot.replacing = undefined;
      // The new process may have reached a limit already (its first calls ran as it started, and ended before
      // this replacement did): its recycle was asked for while this one was in progress, and waited for it.
      const live = slot.live;
      if (live !== undefined) this.#recycleWhenIdle(slot, live);
    });
    slot.replacing = replacing;
    return replacing;
  }

  #recycleIfDue(slot: WorkerSlot<C>, instance: WorkerInstance<C>): void {
    if (this.#phase !== "running" || slot.live !== instance) return;
    const reason = instance.recycleDue ?? this.#recycleReason(instance);
    if (reason !== undefined) void this.#replaceWorker(slot, reason);
  }

  /** Recycles an idle worker that is past a recycle limit; a busy one takes no new calls and is recycled once idle. */
  #recycleWhenIdle(slot: WorkerSlot<C>, instance: WorkerInstance<C>): void {
    if (instance.running.size === 0) this.#recycleIfDue(slot, instance);
    else instance.recycleDue ??= this.#recycleReason(instance);
  }

  /** Which recycle limit the worker has reached, as the event's reason; undefined while it is within them all. */
  #recycleReason(instance: WorkerInstance<C>): string | undefined {
    const { maxCalls, maxAgeMs, maxRssBytes } = this.#settings;
    if (instance.calls >= maxCalls) return `ran ${instance.calls} calls (recycle.maxCalls ${maxCalls})`;
    if (Date.now() - instance.startedAt >= maxAgeMs) return `older than recycle.maxAgeMs ${maxAgeMs} ms`;
    if (instance.rssBytes !== undefined && instance.rssBytes >= maxRssBytes)
      return `rss ${instance.rssBytes} bytes reached recycle.maxRssBytes ${maxRssBytes}`;
    return undefined;
  }

  /** One health round: probe every live worker, kill the unhealthy, recycle idle ones past their limits. */
  #checkAll(): void {
    for (const slot of this.#slots) {
      const instance = slot.live;
      if (instance === undefined || slot.checking) continue;
      if (this.#adapter.check === undefined) {
        this.#recycleWhenIdle(slot, instance);
        continue;
      }
      slot.checking = true;
      void this.#checkOne(slot, instance)
        .catch((error: unknown) => this.#warn(slot, `health round failed: ${describeError(error)}`))
        .finally(() => {
          slot.checking = false;
        });
    }
  }

  async #checkOne(slot: WorkerSlot<C>, instance: WorkerInstance<C>): Promise<void> {
    const check = this.#adapter.check;
    if (check === undefined) return;
    let report: HealthReport;
    try {
      const timeoutMs = Math.max(1_000, this.#settings.healthCheckIntervalMs);
      report = await withTimeout(check.call(this.#adapter, instance.connection), timeoutMs, "health check", (error) => {
        slot.lastError = `health check failed after its timeout: ${describeError(error)}`;
      });
    } catch (error) {
      report = { ok: false, detail: describeError(error) };
    }
    if (slot.live !== instance) return;
    if (report.rssBytes !== undefined) instance.rssBytes = report.rssBytes;
    if (!report.ok) {
      const detail = report.detail ?? "the adapter reported it unhealthy";
      this.#emit({ type: "worker_unhealthy", workerId: slot.id, pid: instance.pid, detail });
      this.killWorker(slot.id, `health check failed: ${detail}`);
      return;
    }
    this.#recycleWhenIdle(slot, instance);
  }

  /** Resolves once every slot is up or has failed MAX_START_FAILURES times, or the pool is closing. */
  #untilEachSlotUpOrFailed(): Promise<void> {
    return new Promise<void>((resolve) => {
      const settled = (): boolean =>
        this.#phase !== "running" ||
        this.#slots.every((slot) => slot.live !== undefined || slot.startFailures >= MAX_START_FAILURES);
      if (settled()) return resolve();
      const subscription = this.#startProgress.event(() => {
        if (!settled()) return;
        subscription.dispose();
        resolve();
      });
    });
  }

  // ---- shutdown ------------------------------------------------------------------------------

  async #close(): Promise<void> {
    this.#phase = "closing";
    clearInterval(this.#healthTimer);
    const closed = new PoolClosedError(this.#settings.name, "shutdown() was called");
    for (const entry of this.#queue.removeWhere(() => true)) entry.payload.reject(closed);
    this.#startProgress.fire();
    await Promise.all(this.#slots.map((slot) => this.#closeSlot(slot)));
    await Promise.all([...this.#groupKills]);
    this.#updateRegistry(undefined, () => this.#registry.remove());
    for (const problem of this.#limits?.close() ?? []) this.#warn(undefined, `cgroup not removed: ${problem}`);
    this.#phase = "closed";
    this.#events.dispose();
    this.#startProgress.dispose();
  }

  async #closeSlot(slot: WorkerSlot<C>): Promise<void> {
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    slot.startAbort?.abort(
      new PoolClosedError(this.#settings.name, "shutdown() was called while the worker was starting"),
    );
    // A start or replacement in flight sees the closing phase and stops what it spawned itself.
    const limit = this.#settings.drainMs + this.#settings.termMs + 1_000;
    for (const pending of [slot.replacing, slot.starting]) {
      if (pending === undefined) continue;
      await withTimeout(pending, limit, `start of ${slot.id}`, () => {}).catch((error: unknown) => {
        process.emitWarning(
          `${this.#settings.name}: ${describeError(error)} after shutdown began; the adapter ignored the abort signal, ` +
            `so its process is stopped when the start finishes.`,
        );
      });
    }
    const instance = slot.instance;
    if (instance !== undefined && instance.exitInfo === undefined) {
      await this.#stopInstance(slot, instance, "pool shutdown");
    }
  }

  // ---- misc ------------------------------------------------------------------------------------

  #slotOrThrow(workerId: string): WorkerSlot<C> {
    const slot = this.#slots.find((candidate) => candidate.id === workerId);
    if (slot === undefined) {
      throw new WorkerGoneError(
        workerId,
        `this pool has no such worker (it has ${this.#slots.map((s) => s.id).join(", ")})`,
      );
    }
    return slot;
  }

  #snapshotSlot(slot: WorkerSlot<C>): WorkerSnapshot {
    const instance = slot.instance;
    const sessions: string[] = [];
    for (const [session, binding] of this.#sessions) {
      if (instance !== undefined && binding.workerId === slot.id && binding.generation === instance.generation)
        sessions.push(session);
    }
    return {
      id: slot.id,
      pid: instance?.pid ?? 0,
      generation: instance?.generation ?? Math.max(0, slot.nextGeneration - 1),
      state: slot.state,
      callsTotal: slot.callsTotal,
      inFlight: instance?.running.size ?? 0,
      restarts: slot.restarts,
      sessions,
      startedAt: instance?.startedAt ?? 0,
      ...(instance?.rssBytes === undefined ? {} : { rssBytes: instance.rssBytes }),
      ...(slot.lastError === undefined ? {} : { lastError: slot.lastError }),
    };
  }

  /** Runs a registry write; a failing disk must not take workers down, so the failure is reported instead. */
  #updateRegistry(slot: WorkerSlot<C> | undefined, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.#warn(
        slot,
        `could not update the process registry ${this.#registry.file} (orphans may survive a host crash): ${describeError(error)}`,
      );
    }
  }

  /** Records a problem the pool worked around where users look: the slot's lastError and a process warning. */
  #warn(slot: WorkerSlot<C> | undefined, message: string): void {
    if (slot !== undefined) slot.lastError = message;
    process.emitWarning(`${this.#settings.name}${slot === undefined ? "" : ` worker ${slot.id}`}: ${message}`);
  }

  #emit(payload: EventPayload): void {
    if (!this.#events.hasListeners) return;
    this.#events.fire({ ...payload, at: Date.now(), runId: this.runId } as PoolEvent);
  }
}
