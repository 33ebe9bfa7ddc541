// Enforces a pool's resource limits on its workers: a cgroup v2 leaf per worker where this user may create one,
// else an RSS watchdog on the host that kills a worker past its memory limit (resource-limits.ts chooses).
import { describeError } from "../base/index.js";
import {
  chooseLimitMechanism,
  PoolCgroup,
  processTreeRssBytes,
  type LimitMechanism,
  type ResourceLimits,
} from "./resource-limits.js";
import type { WorkerInstance } from "./worker-slot.js";

/** The live workers the watchdog samples, and how it stops one. */
export interface LimitedWorkers {
  live(): Iterable<{ slotId: string; instance: WorkerInstance<unknown> }>;
  kill(slotId: string, reason: string): void;
}

const MiB = 2 ** 20;

/** One pool's limits, from start to close. */
export class LimitEnforcer {
  /** How the limits are enforced here (cgroup, watchdog, or none), and why. */
  readonly mechanism: LimitMechanism;
  readonly #cgroup: PoolCgroup | undefined;
  readonly #watchdog: NodeJS.Timeout | undefined;

  /** Chooses the mechanism (throws when a limit cannot be enforced here) and starts it. */
  constructor(limits: ResourceLimits | undefined, runId: string, workers: LimitedWorkers) {
    this.mechanism = chooseLimitMechanism(limits);
    if (this.mechanism.kind === "cgroup" && limits !== undefined) {
      this.#cgroup = new PoolCgroup(this.mechanism.parent, runId, limits);
    } else if (this.mechanism.kind === "watchdog" && limits?.memoryBytes !== undefined) {
      const limit = limits.memoryBytes;
      this.#watchdog = setInterval(() => sampleMemory(workers, limit), limits.sampleIntervalMs ?? 200);
      this.#watchdog.unref();
    }
  }

  /** Puts a started worker under the limits; throws, saying why, when it cannot (the worker must not run). */
  admit(slotId: string, instance: WorkerInstance<unknown>): void {
    if (this.#cgroup === undefined) return;
    try {
      instance.oomKillsAtStart = this.#cgroup.oomKills(slotId);
      this.#cgroup.attach(slotId, instance.pid);
    } catch (error) {
      throw new Error(`could not put worker ${slotId} into cgroup ${this.#cgroup.dir}: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  /** Why an exited worker counts as out of memory (watchdog kill, or a kernel OOM kill in its cgroup), if it does. */
  outOfMemoryCause(slotId: string, instance: WorkerInstance<unknown>): string | undefined {
    if (instance.outOfMemory !== undefined) return instance.outOfMemory;
    if (this.#cgroup !== undefined && this.#cgroup.oomKills(slotId) > instance.oomKillsAtStart)
      return "the kernel's OOM killer in its cgroup";
    return undefined;
  }

  /** Stops the watchdog and removes the pool's cgroup; returns what could not be removed. */
  close(): string[] {
    clearInterval(this.#watchdog);
    return this.#cgroup?.remove() ?? [];
  }
}

/** One watchdog round: kills each worker whose process tree holds more than `limit` resident bytes. */
function sampleMemory(workers: LimitedWorkers, limit: number): void {
  for (const { slotId, instance } of workers.live()) {
    if (instance.exitInfo !== undefined || instance.outOfMemory !== undefined) continue;
    const rss = processTreeRssBytes(instance.pid);
    instance.rssBytes = rss;
    if (rss <= limit) continue;
    instance.outOfMemory = `the RSS watchdog saw ${(rss / MiB).toFixed(0)} MiB`;
    workers.kill(slotId, `memory limit: ${instance.outOfMemory} > ${(limit / MiB).toFixed(0)} MiB`);
  }
}
