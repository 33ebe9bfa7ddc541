import { describe, expect, it } from "vitest";
import { PoolClosedError } from "./errors.js";
import { isProcessAlive } from "../system/processes.js";
import { ProcessPool } from "./process-pool.js";
import { LineWorkerAdapter, type LineConnection } from "./testing/line-worker-adapter.js";
import {
  cleanUpAfterEachTest,
  onCleanup,
  recordEvents,
  rejectionOf,
  startedLinePool,
  tempStateDir,
  waitUntil,
} from "./testing/test-support.js";

cleanUpAfterEachTest();

describe("ProcessPool shutdown", () => {
  it("kills every worker's whole process group, grandchildren included", async () => {
    const { pool, adapter } = await startedLinePool(2);
    const grandchildren = await Promise.all(
      ["w1", "w2"].map((workerId) => pool.run((connection) => connection.ok("grandchild"), { workerId })),
    );
    const pids = grandchildren.map(Number);
    expect(pids.every(isProcessAlive)).toBe(true);

    await pool.shutdown();
    expect([...adapter.spawned, ...pids].filter(isProcessAlive)).toEqual([]);
  });

  it("lets running calls finish within drainMs, rejects queued calls and later calls with PoolClosedError", async () => {
    const { pool } = await startedLinePool(1, { shutdown: { drainMs: 2_000, termMs: 500 } });
    const running = pool.run((connection) => connection.ok("sleep", "200"));
    await waitUntil(() => pool.snapshot().workers[0]?.state === "busy", "the call runs");
    const queued = pool.run((connection) => connection.ok("echo", "never"));
    const closing = pool.shutdown();
    expect(pool.shutdown()).toBe(closing);
    expect(await rejectionOf(queued)).toBeInstanceOf(PoolClosedError);
    expect(await running).toBe("slept");
    await closing;
    const late = await rejectionOf(pool.run((connection) => connection.ok("echo", "late")));
    expect(late).toMatchObject({ code: "pool_closed" });
  });

  it("rejects a call still running after drainMs, and SIGKILLs a worker that ignores SIGTERM once termMs passes", async () => {
    const { pool, adapter } = await startedLinePool(
      1,
      { shutdown: { drainMs: 100, termMs: 300 } },
      new LineWorkerAdapter({ ignoreSigterm: true }),
    );
    const events = recordEvents(pool);
    const endless = pool.run((connection) => connection.ok("sleep", "60000"));
    await waitUntil(() => pool.snapshot().workers[0]?.state === "busy", "the call runs");
    const endlessError = rejectionOf(endless);
    const t0 = Date.now();
    await pool.shutdown();
    const shutdownMs = Date.now() - t0;
    // drain (100) + SIGTERM ignored for termMs (300) + SIGKILL; well under the defaults' 7 s.
    expect(shutdownMs).toBeGreaterThanOrEqual(400);
    expect(shutdownMs).toBeLessThan(2_000);
    expect(await endlessError).toBeInstanceOf(PoolClosedError);
    expect(adapter.spawned.filter(isProcessAlive)).toEqual([]);
    expect(events.find((event) => event.type === "worker_stopped")).toMatchObject({
      workerId: "w1",
      reason: "pool shutdown",
    });
  });

  it("stops a worker that was still starting when shutdown began", async () => {
    const state = tempStateDir();
    const adapter = new LineWorkerAdapter({ startDelayMs: 5_000 });
    const pool = new ProcessPool<LineConnection>(adapter, { size: 1, stateDir: state.dir, healthCheckIntervalMs: 0 });
    onCleanup(state.remove);
    const startError = rejectionOf(pool.start());
    await waitUntil(() => adapter.spawned.length === 1, "the worker was spawned");
    await pool.shutdown();
    expect(await startError).toBeInstanceOf(PoolClosedError);
    expect(adapter.spawned.filter(isProcessAlive)).toEqual([]);
  });
});
