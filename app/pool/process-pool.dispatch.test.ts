import { describe, expect, it } from "vitest";
import { PoolSaturatedError, QueueTimeoutError, WorkerGoneError } from "./errors.js";
import { type LineConnection } from "./testing/line-worker-adapter.js";
import { cleanUpAfterEachTest, recordEvents, rejectionOf, startedLinePool, waitUntil } from "./testing/test-support.js";

cleanUpAfterEachTest();

/** A task that holds its worker until release() is called. */
function heldTask() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const task = async (connection: LineConnection, worker: { id: string }) => {
    await connection.ok("echo", "held");
    await released;
    return worker.id;
  };
  return { task, release };
}

describe("ProcessPool dispatch", () => {
  it("shows a worker busy while it runs a call and idle again afterwards", async () => {
    const { pool } = await startedLinePool(2);
    const held = heldTask();
    const result = pool.run(held.task, { label: "hold" });
    await waitUntil(() => pool.snapshot().workers.some((worker) => worker.state === "busy"), "one worker is busy");
    const busy = pool.snapshot().workers.find((worker) => worker.state === "busy");
    expect(busy?.inFlight).toBe(1);
    expect(pool.snapshot().workers.filter((worker) => worker.state === "idle")).toHaveLength(1);
    held.release();
    expect(await result).toBe(busy?.id);
    expect(pool.snapshot().workers.map((worker) => worker.state)).toEqual(["idle", "idle"]);
    expect(pool.snapshot().workers.reduce((sum, worker) => sum + worker.callsTotal, 0)).toBe(1);
  });

  it("keeps a hinted session on its last worker while that worker is free", async () => {
    const { pool } = await startedLinePool(3);
    const whereAmI = (_: LineConnection, worker: { id: string }) => Promise.resolve(worker.id);
    const first = await pool.run(whereAmI, { session: "s1", affinity: "hint" });
    for (let i = 0; i < 4; i++) expect(await pool.run(whereAmI, { session: "s1", affinity: "hint" })).toBe(first);
    expect(pool.snapshot().workers.find((worker) => worker.id === first)?.sessions).toEqual(["s1"]);
  });

  it("makes a hinted session use another worker when its own is busy", async () => {
    const { pool } = await startedLinePool(2);
    const whereAmI = (_: LineConnection, worker: { id: string }) => Promise.resolve(worker.id);
    const home = await pool.run(whereAmI, { session: "s1", affinity: "hint" });
    const held = heldTask();
    const holding = pool.run(held.task, { workerId: home });
    expect(await pool.run(whereAmI, { session: "s1", affinity: "hint" })).not.toBe(home);
    held.release();
    await holding;
  });

  it("makes a strict session wait for its own worker even when another is idle", async () => {
    const { pool } = await startedLinePool(2);
    const whereAmI = (_: LineConnection, worker: { id: string }) => Promise.resolve(worker.id);
    const home = await pool.run(whereAmI, { session: "s1", affinity: "strict" });
    const held = heldTask();
    const holding = pool.run(held.task, { workerId: home });
    let strictDone = false;
    const strict = pool.run(whereAmI, { session: "s1", affinity: "strict" }).then((id) => {
      strictDone = true;
      return id;
    });
    await waitUntil(() => pool.snapshot().queued === 1, "the strict call is queued");
    expect(strictDone).toBe(false);
    held.release();
    expect(await strict).toBe(home);
    await holding;
  });

  it("rejects a call pinned to an unknown worker with WorkerGoneError", async () => {
    const { pool } = await startedLinePool(1);
    const error = await rejectionOf(pool.run(() => Promise.resolve(1), { workerId: "w9" }));
    expect(error).toBeInstanceOf(WorkerGoneError);
    expect((error as WorkerGoneError).code).toBe("worker_gone");
  });

  it("rejects with PoolSaturatedError once maxQueue calls are waiting", async () => {
    const { pool } = await startedLinePool(1, { maxQueue: 2 });
    const events = recordEvents(pool);
    const held = heldTask();
    const running = pool.run(held.task);
    const queued = [pool.run(held.task), pool.run(held.task)];
    const error = await rejectionOf(pool.run(held.task, { label: "one.too.many" }));
    expect(error).toBeInstanceOf(PoolSaturatedError);
    expect((error as Error).message).toContain("pool saturated");
    expect(events.find((event) => event.type === "pool_saturated")).toMatchObject({
      label: "one.too.many",
      queueDepth: 2,
      maxQueue: 2,
    });
    held.release();
    expect(await Promise.all([running, ...queued])).toEqual(["w1", "w1", "w1"]);
  });

  it("rejects with QueueTimeoutError when no worker frees up in time, and forgets the call", async () => {
    const { pool } = await startedLinePool(1);
    const held = heldTask();
    const running = pool.run(held.task);
    const t0 = Date.now();
    const error = await rejectionOf(pool.run(held.task, { queueTimeoutMs: 150, label: "slow.queue" }));
    expect(error).toBeInstanceOf(QueueTimeoutError);
    expect((error as QueueTimeoutError).code).toBe("queue_timeout");
    expect((error as Error).message).toContain("slow.queue");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(pool.snapshot().queued).toBe(0);
    held.release();
    await running;
  });

  it("removes a queued call when its signal aborts, and rejects a running call on abort while its task sees the signal", async () => {
    const { pool } = await startedLinePool(1);
    const held = heldTask();
    const running = pool.run(held.task);
    const queuedAbort = new AbortController();
    const queued = pool.run(held.task, { signal: queuedAbort.signal });
    queuedAbort.abort(new Error("user cancelled while queued"));
    expect(((await rejectionOf(queued)) as Error).message).toBe("user cancelled while queued");
    expect(pool.snapshot().queued).toBe(0);
    held.release();
    await running;

    const runningAbort = new AbortController();
    let taskSawAbort = false;
    let taskRunning = false;
    const aborted = pool.run(
      async (connection, _worker, { signal }) => {
        await connection.ok("echo", "running");
        taskRunning = true;
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve));
        taskSawAbort = true;
        return "task finished after abort";
      },
      { signal: runningAbort.signal },
    );
    await waitUntil(() => taskRunning, "the call runs");
    runningAbort.abort(new Error("user cancelled while running"));
    expect(((await rejectionOf(aborted)) as Error).message).toBe("user cancelled while running");
    expect(taskSawAbort).toBe(true);
  });

  it("runs several calls on one worker at once when maxConcurrentPerWorker allows", async () => {
    const { pool } = await startedLinePool(1, { maxConcurrentPerWorker: 3 });
    const t0 = Date.now();
    await Promise.all([1, 2, 3].map(() => pool.run((connection) => connection.ok("sleep", "300"))));
    expect(Date.now() - t0).toBeLessThan(850);
  });
});
