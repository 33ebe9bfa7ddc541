import { describeError } from "../base/index.js";

/** Base of every error the pool raises; `code` is stable so callers can branch on it. */
export abstract class PoolError extends Error {
  abstract readonly code: string;
}

/** The wait queue is full: the pool is receiving calls faster than its workers finish them. */
export class PoolSaturatedError extends PoolError {
  readonly code = "pool_saturated";
  constructor(poolName: string, maxQueue: number) {
    super(
      `${poolName}: pool saturated — ${maxQueue} calls are already waiting for a worker. ` +
        `Retry later, raise maxQueue, or add workers (size).`,
    );
    this.name = "PoolSaturatedError";
  }
}

/** A call waited longer than its queue timeout without getting a worker. */
export class QueueTimeoutError extends PoolError {
  readonly code = "queue_timeout";
  constructor(poolName: string, waitedMs: number, target: string) {
    super(
      `${poolName}: no worker became free for ${target} within ${waitedMs} ms. ` +
        `Workers are busy or restarting; raise queueTimeoutMs, add workers, or look for hung calls.`,
    );
    this.name = "QueueTimeoutError";
  }
}

/** The worker process died (or was killed) while the call was running on it. */
export class WorkerCrashedError extends PoolError {
  readonly code = "worker_crashed";
  constructor(
    readonly workerId: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    why: string,
  ) {
    super(
      `Worker ${workerId} ${why} (exit code ${exitCode ?? "none"}, signal ${signal ?? "none"}) while the call ran. ` +
        `The pool is replacing it; retry the call if it is safe to repeat.`,
    );
    this.name = "WorkerCrashedError";
  }
}

/** The worker went past its memory limit while the call ran, and was killed (by the watchdog or the kernel). */
export class WorkerOutOfMemoryError extends PoolError {
  readonly code = "out_of_memory";
  constructor(
    readonly workerId: string,
    readonly limitBytes: number,
    how: string,
  ) {
    super(
      `Worker ${workerId} went past its memory limit of ${(limitBytes / 2 ** 20).toFixed(0)} MiB (${how}) and was killed while the call ran. ` +
        `The pool is replacing it. Use less memory in the call (smaller batches or arrays), or raise limits.memoryBytes.`,
    );
    this.name = "WorkerOutOfMemoryError";
  }
}

/** The worker a call was pinned to (by workerId or strict session affinity) no longer exists. */
export class WorkerGoneError extends PoolError {
  readonly code = "worker_gone";
  constructor(
    readonly workerId: string,
    why: string,
    /** How a new call gets a live worker, for the message. */
    retry = "a new call without workerId picks a live worker",
  ) {
    super(`Worker ${workerId} is gone: ${why}. Objects that lived in it are lost; recreate them (${retry}) and retry.`);
    this.name = "WorkerGoneError";
  }
}

/** The pool is shutting down or shut down, so it runs no more calls. */
export class PoolClosedError extends PoolError {
  readonly code = "pool_closed";
  constructor(poolName: string, why: string) {
    super(`${poolName}: pool is closed (${why}). Create and start a new pool to run more calls.`);
    this.name = "PoolClosedError";
  }
}

/** Workers could not be started; wraps the adapter's own error (in `cause`). */
export class WorkerStartError extends PoolError {
  readonly code = "worker_start_failed";
  constructor(
    readonly workerId: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `Worker ${workerId} failed to start ${attempts} time(s) in a row: ${describeError(cause)}. ` +
        `Fix the cause above; the pool keeps retrying with backoff.`,
      { cause },
    );
    this.name = "WorkerStartError";
  }
}
