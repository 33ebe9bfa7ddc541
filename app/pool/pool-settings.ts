import { defaultStateDir } from "./process-registry.js";
import type { PoolOptions } from "./types.js";

/** PoolOptions with every default filled in and every value checked. */
export interface Settings {
  size: number;
  maxQueue: number;
  queueTimeoutMs: number;
  maxConcurrentPerWorker: number;
  maxCalls: number;
  maxRssBytes: number;
  maxAgeMs: number;
  healthCheckIntervalMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  drainMs: number;
  termMs: number;
  stateDir: string;
  name: string;
  limits: PoolOptions["limits"];
}

function numberOption(value: number | undefined, fallback: number, name: string, min = 0): number {
  const result = value ?? fallback;
  if (Number.isNaN(result) || result < min) {
    throw new RangeError(`Pool option ${name} must be a number >= ${min}; got ${String(value)}.`);
  }
  return result;
}

/** Fills in defaults and rejects nonsensical values with a RangeError naming the option. */
export function resolveSettings(options: PoolOptions): Settings {
  const size = numberOption(options.size, 2, "size", 1);
  if (!Number.isInteger(size)) throw new RangeError(`Pool option size must be a whole number; got ${size}.`);
  return {
    size,
    maxQueue: numberOption(options.maxQueue, 1000, "maxQueue"),
    queueTimeoutMs: numberOption(options.queueTimeoutMs, 30_000, "queueTimeoutMs"),
    maxConcurrentPerWorker: numberOption(options.maxConcurrentPerWorker, 1, "maxConcurrentPerWorker", 1),
    maxCalls: numberOption(options.recycle?.maxCalls, Infinity, "recycle.maxCalls", 1),
    maxRssBytes: numberOption(options.recycle?.maxRssBytes, Infinity, "recycle.maxRssBytes", 1),
    maxAgeMs: numberOption(options.recycle?.maxAgeMs, Infinity, "recycle.maxAgeMs", 1),
    healthCheckIntervalMs: numberOption(options.healthCheckIntervalMs, 10_000, "healthCheckIntervalMs"),
    backoffInitialMs: numberOption(options.restartBackoff?.initialMs, 100, "restartBackoff.initialMs"),
    backoffMaxMs: numberOption(options.restartBackoff?.maxMs, 5_000, "restartBackoff.maxMs"),
    drainMs: numberOption(options.shutdown?.drainMs, 5_000, "shutdown.drainMs"),
    termMs: numberOption(options.shutdown?.termMs, 2_000, "shutdown.termMs"),
    stateDir: options.stateDir ?? defaultStateDir(),
    name: options.name ?? "process pool",
    limits: resolveLimits(options.limits),
  };
}

/** Checks resource limits: positive numbers, a known mechanism. */
function resolveLimits(limits: PoolOptions["limits"]): PoolOptions["limits"] {
  if (limits === undefined) return undefined;
  if (limits.memoryBytes !== undefined) numberOption(limits.memoryBytes, 0, "limits.memoryBytes", 1);
  if (limits.cpus !== undefined) numberOption(limits.cpus, 0, "limits.cpus", 0.01);
  if (limits.sampleIntervalMs !== undefined) numberOption(limits.sampleIntervalMs, 0, "limits.sampleIntervalMs", 10);
  if (limits.mechanism !== undefined && !["auto", "cgroup", "watchdog"].includes(limits.mechanism)) {
    throw new RangeError(
      `Pool option limits.mechanism must be "auto", "cgroup" or "watchdog"; got ${String(limits.mechanism)}.`,
    );
  }
  return limits;
}
