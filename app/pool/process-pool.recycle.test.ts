import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../system/processes.js";
import { type LineConnection } from "./testing/line-worker-adapter.js";
import { cleanUpAfterEachTest, recordEvents, startedLinePool, waitUntil } from "./testing/test-support.js";

cleanUpAfterEachTest();

const pidOf = (_: LineConnection, worker: { pid: number }) => Promise.resolve(worker.pid);

describe("ProcessPool recycling and health", () => {
  it("replaces a worker gracefully after recycle.maxCalls calls", async () => {
    const { pool, adapter } = await startedLinePool(1, { recycle: { maxCalls: 2 } });
    const events = recordEvents(pool);
    const first = await pool.run(pidOf);
    expect(await pool.run(pidOf)).toBe(first);
    // The third call waits for the replacement instead of failing.
    const third = await pool.run(pidOf);
    expect(third).not.toBe(first);
    expect(adapter.spawned).toEqual([first, third]);
    expect(isProcessAlive(first)).toBe(false);
    expect(events.find((event) => event.type === "worker_recycled")).toMatchObject({ workerId: "w1", pid: first });
    expect(events.find((event) => event.type === "worker_recycled" && event.reason.includes("maxCalls"))).toBeDefined();
    expect(pool.snapshot().workers[0]).toMatchObject({ generation: 1, restarts: 1, callsTotal: 3 });
  });

  it("recycles a worker past recycle.maxCalls even when it never runs out of calls", async () => {
    const { pool, adapter } = await startedLinePool(1, { maxConcurrentPerWorker: 2, recycle: { maxCalls: 3 } });
    const events = recordEvents(pool);
    const pids: number[] = [];
    // Staggered by half a call: whenever one call ends, the other is still running, so the worker is never idle.
    const caller = async (delayMs: number): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      for (let i = 0; i < 4; i++) {
        pids.push(
          await pool.run(async (connection, worker) => {
            await connection.ok("sleep", "50");
            return worker.pid;
          }),
        );
      }
    };
    await Promise.all([caller(0), caller(25)]);
    const recycled = events.filter((event) => event.type === "worker_recycled");
    expect(recycled.length).toBeGreaterThanOrEqual(2);
    expect(recycled[0]?.type === "worker_recycled" && recycled[0].reason).toContain("recycle.maxCalls 3");
    expect(new Set(pids).size).toBeGreaterThanOrEqual(3);
    // No process ran more calls than the limit: the due one took no new calls while its last ones finished.
    for (const pid of new Set(pids)) expect(pids.filter((p) => p === pid).length).toBeLessThanOrEqual(3);
    expect(adapter.spawned.slice(0, -1).every((pid) => !isProcessAlive(pid))).toBe(true);
  });

  it("recycles a busy worker past recycle.maxAgeMs once its running calls end", async () => {
    const { pool } = await startedLinePool(1, {
      maxConcurrentPerWorker: 2,
      healthCheckIntervalMs: 50,
      recycle: { maxAgeMs: 200 },
    });
    const events = recordEvents(pool);
    const first = await pool.run(pidOf);
    let stop = false;
    // Staggered by half a call: whenever one call ends, the other is still running, so the worker is never idle.
    const caller = async (delayMs: number): Promise<number[]> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const seen: number[] = [];
      while (!stop) {
        seen.push(
          await pool.run(async (connection, worker) => {
            await connection.ok("sleep", "40");
            return worker.pid;
          }),
        );
      }
      return seen;
    };
    const callers = [caller(0), caller(20)];
    await waitUntil(
      () => events.some((event) => event.type === "worker_recycled" && event.reason.includes("maxAgeMs")),
      "the always-busy worker is recycled for its age",
    );
    stop = true;
    const seen = (await Promise.all(callers)).flat();
    expect(seen.some((pid) => pid !== first)).toBe(true);
  });

  it("recycles a busy worker past recycle.maxAgeMs with health checks off", async () => {
    const { pool } = await startedLinePool(1, {
      maxConcurrentPerWorker: 2,
      healthCheckIntervalMs: 0,
      recycle: { maxAgeMs: 200 },
    });
    const events = recordEvents(pool);
    let stop = false;
    // Staggered: one call is always running, so only the ends of calls can notice the worker's age.
    const caller = async (delayMs: number): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      while (!stop) await pool.run((connection) => connection.ok("sleep", "40"));
    };
    const callers = [caller(0), caller(20)];
    await waitUntil(
      () => events.some((event) => event.type === "worker_recycled" && event.reason.includes("maxAgeMs")),
      "the always-busy worker is recycled for its age",
    );
    stop = true;
    await Promise.all(callers);
  });

  it("recycles a replacement that reached its limit before the replacement settled", async () => {
    // maxCalls 1: the queued call runs first on the new worker as it starts and ends at once, which makes the
    // new worker due while its own start is still in progress. It must be replaced too, not left idle and unused.
    const { pool, adapter } = await startedLinePool(1, { recycle: { maxCalls: 1 } });
    const [first, second] = await Promise.all([pool.run(pidOf), pool.run(pidOf)]);
    expect(second).not.toBe(first);
    const third = await pool.run(pidOf, { queueTimeoutMs: 5000 });
    expect(new Set([first, second, third]).size).toBe(3);
    expect(adapter.spawned.slice(0, 3)).toEqual([first, second, third]);
  });

  it("replaces a worker whose health check fails, and records its rss while it is healthy", async () => {
    const { pool } = await startedLinePool(1, { healthCheckIntervalMs: 100, restartBackoff: { initialMs: 20 } });
    const events = recordEvents(pool);
    await waitUntil(() => (pool.snapshot().workers[0]?.rssBytes ?? 0) > 0, "a health check has reported rss");
    const sick = await pool.run(async (connection, worker) => {
      await connection.ok("sicken");
      return worker.pid;
    });
    await waitUntil(() => {
      const worker = pool.snapshot().workers[0];
      return worker !== undefined && worker.generation === 1 && worker.state === "idle";
    }, "the unhealthy worker is replaced");
    expect(events.find((event) => event.type === "worker_unhealthy")).toMatchObject({
      workerId: "w1",
      pid: sick,
      detail: "sick told to be unhealthy",
    });
    expect(isProcessAlive(sick)).toBe(false);
    expect(await pool.run(pidOf)).not.toBe(sick);
  });

  it("recycles a worker whose rss exceeds recycle.maxRssBytes", async () => {
    const { pool } = await startedLinePool(1, { healthCheckIntervalMs: 100, recycle: { maxRssBytes: 1024 } });
    const events = recordEvents(pool);
    await waitUntil(
      () => events.some((event) => event.type === "worker_recycled"),
      "the worker is recycled for memory",
    );
    const recycled = events.find((event) => event.type === "worker_recycled");
    expect(recycled?.type === "worker_recycled" && recycled.reason).toContain("maxRssBytes");
  });

  it("restartWorker replaces a worker after letting its running call finish", async () => {
    const { pool } = await startedLinePool(1);
    const before = await pool.run(pidOf);
    const running = pool.run((connection) => connection.ok("sleep", "200"));
    await waitUntil(() => pool.snapshot().workers[0]?.state === "busy", "the call runs");
    await pool.restartWorker("w1", "user asked");
    expect(await running).toBe("slept");
    const after = pool.snapshot().workers[0];
    expect(after?.generation).toBe(1);
    expect(after?.pid).not.toBe(before);
  });
});
