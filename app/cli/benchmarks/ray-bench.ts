// `snakebridge bench --ray ADDRESS`: the same call measurements through workers that are Ray actors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PythonBridge } from "../../bridge/index.js";
import type { RayPlacement } from "../../bridge/placement/index.js";
import { elapsedUs, quantile, round } from "./stats.js";

export interface RayBenchResult {
  ray_address: string;
  /** Bridge start with 4 actor workers, from nothing: for "local" this includes starting the head. */
  ray_pool_start_ms_4: number;
  /** All 4 workers replaced at once on the running cluster: actor start without the head. */
  ray_pool_restart_ms_4: number;
  ray_call_p50_us: number;
  ray_call_p99_us: number;
  ray_throughput_calls_per_s: number;
  /** Workers behind the throughput figure (the local figure uses 2). */
  ray_throughput_pool_size: number;
}

export interface RayBenchOptions {
  placement: RayPlacement;
  calls: number;
  python: string;
  progress: (message: string) => void;
  signal?: AbortSignal;
}

/** Starts a pool of 4 actors, then times sequential calls and 16 in flight, like the local figures. */
export async function runRayBench(options: RayBenchOptions): Promise<RayBenchResult> {
  const { calls, progress, signal } = options;
  const stateDir = mkdtempSync(join(tmpdir(), "sb-bench-ray-"));
  progress(`ray: pool of 4 actor workers on ${options.placement.address}`);
  const t0 = process.hrtime.bigint();
  const bridge = await PythonBridge.start({
    python: options.python,
    poolSize: 4,
    placement: options.placement,
    pool: { stateDir, healthCheckIntervalMs: 0 },
  });
  const startMs = elapsedUs(t0) / 1000;
  try {
    const t1 = process.hrtime.bigint();
    await Promise.all(
      bridge.pool
        .snapshot()
        .workers.map((w) => bridge.pool.restartWorker(w.id, "bench: actor start on a running cluster")),
    );
    const restartMs = elapsedUs(t1) / 1000;

    progress(`ray: ${calls} sequential calls through an actor worker`);
    for (let i = 0; i < Math.max(1000, calls / 2); i++) {
      signal?.throwIfAborted();
      await bridge.call("operator.add", [i, 1]);
    }
    const us: number[] = [];
    for (let i = 0; i < calls; i++) {
      signal?.throwIfAborted();
      const t = process.hrtime.bigint();
      await bridge.call("operator.add", [i, 1]);
      us.push(elapsedUs(t));
    }

    // The same load as the local figure: 16 calls in flight. Four actors here (local uses a pool of 2).
    progress("ray: throughput, 16 calls in flight");
    const total = calls * 2;
    let next = 0;
    const t2 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          signal?.throwIfAborted();
          const n = next++;
          await bridge.call("operator.add", [n, 1]);
        }
      }),
    );
    const throughput = total / (elapsedUs(t2) / 1e6);
    return {
      ray_address: options.placement.address,
      ray_pool_start_ms_4: round(startMs),
      ray_pool_restart_ms_4: round(restartMs),
      ray_call_p50_us: round(quantile(us, 0.5)),
      ray_call_p99_us: round(quantile(us, 0.99)),
      ray_throughput_calls_per_s: Math.round(throughput),
      ray_throughput_pool_size: 4,
    };
  } finally {
    await bridge.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
