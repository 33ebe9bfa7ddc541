import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WorkerStartError } from "./errors.js";
import { isProcessAlive } from "../system/processes.js";
import type { RegistryRecord } from "./process-registry.js";
import { LineWorkerAdapter } from "./testing/line-worker-adapter.js";
import { cleanUpAfterEachTest, newLinePool, recordEvents, rejectionOf } from "./testing/test-support.js";

cleanUpAfterEachTest();

describe("ProcessPool start", () => {
  it("starts all workers concurrently, so four slow starters take about as long as one", async () => {
    const startDelayMs = 600;
    const one = newLinePool(1, {}, new LineWorkerAdapter({ startDelayMs })).pool;
    let t0 = Date.now();
    await one.start();
    const oneMs = Date.now() - t0;

    const four = newLinePool(4, {}, new LineWorkerAdapter({ startDelayMs })).pool;
    const events = recordEvents(four);
    t0 = Date.now();
    await four.start();
    const fourMs = Date.now() - t0;

    console.info(
      `[pool start] 1 worker: ${oneMs} ms, 4 workers: ${fourMs} ms (each worker sleeps ${startDelayMs} ms before ready)`,
    );
    // Started one after another, four would need at least 4 × 600 ms.
    expect(fourMs).toBeLessThan(4 * startDelayMs);
    const started = events.filter((event) => event.type === "worker_started").map((event) => event.workerId);
    expect(started.sort()).toEqual(["w1", "w2", "w3", "w4"]);
    expect(four.snapshot().workers.map((worker) => [worker.id, worker.state, worker.generation])).toEqual([
      ["w1", "idle", 0],
      ["w2", "idle", 0],
      ["w3", "idle", 0],
      ["w4", "idle", 0],
    ]);
  });

  it("records its workers in a registry file and deletes it on shutdown", async () => {
    const adapter = new LineWorkerAdapter();
    const { pool, stateDir } = newLinePool(2, { name: "registry-test" }, adapter);
    await pool.start();
    const file = join(stateDir, "processes", `${pool.runId}.json`);
    const record = JSON.parse(readFileSync(file, "utf8")) as RegistryRecord;
    expect(record.hostPid).toBe(process.pid);
    expect(record.name).toBe("registry-test");
    expect(record.workers.map((worker) => worker.pid).sort()).toEqual([...adapter.spawned].sort());
    if (process.platform === "linux")
      expect(record.workers.every((worker) => typeof worker.startTime === "string")).toBe(true);

    await pool.shutdown();
    expect(existsSync(file)).toBe(false);
    expect(adapter.spawned.filter(isProcessAlive)).toEqual([]);
  });

  it("rejects start() with the adapter's message when no worker ever comes up", async () => {
    const adapter = new LineWorkerAdapter({
      failFirstStarts: 100,
      failMessage: "ModuleNotFoundError: no module named snake",
    });
    const { pool } = newLinePool(2, { restartBackoff: { initialMs: 5, maxMs: 20 } }, adapter);
    const error = await rejectionOf(pool.start());
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as WorkerStartError).code).toBe("worker_start_failed");
    expect((error as Error).message).toContain("ModuleNotFoundError: no module named snake");
    // Other slots may still be failing when the first gives up, so a slot can have retried once more.
    expect((error as WorkerStartError).attempts).toBeGreaterThanOrEqual(5);
    expect(adapter.spawned.filter(isProcessAlive)).toEqual([]);
  });

  it("retries failed starts with backoff and serves calls once a start succeeds", async () => {
    const adapter = new LineWorkerAdapter({ failFirstStarts: 2 });
    const { pool } = newLinePool(1, { restartBackoff: { initialMs: 10, maxMs: 50 } }, adapter);
    const events = recordEvents(pool);
    await pool.start();
    expect(await pool.run((connection) => connection.ok("echo", "hello"))).toBe("hello");
    const failures = events.filter((event) => event.type === "worker_start_failed");
    expect(failures.map((event) => event.type === "worker_start_failed" && event.retryInMs)).toEqual([10, 20]);
  });
});
