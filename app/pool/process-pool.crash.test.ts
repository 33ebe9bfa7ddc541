import { describe, expect, it } from "vitest";
import { WorkerCrashedError, WorkerGoneError } from "./errors.js";
import { isProcessAlive } from "../system/processes.js";
import { cleanUpAfterEachTest, recordEvents, rejectionOf, startedLinePool, waitUntil } from "./testing/test-support.js";

cleanUpAfterEachTest();

describe("ProcessPool crash handling", () => {
  it("rejects the running call with WorkerCrashedError when its process is kill -9'd, then serves queued calls on a replacement", async () => {
    const { pool } = await startedLinePool(1, { restartBackoff: { initialMs: 50 } });
    const events = recordEvents(pool);
    let workerPid = 0;
    // The task itself never settles on its own: the pool must not wait for it.
    const doomed = pool.run(async (connection, worker) => {
      workerPid = worker.pid;
      await connection.ok("sleep", "60000");
      return "finished";
    });
    const queued = [1, 2].map((n) => pool.run((connection) => connection.ok("echo", `after crash ${n}`)));
    await waitUntil(() => workerPid !== 0, "the doomed call is running");

    process.kill(workerPid, "SIGKILL");
    const error = await rejectionOf(doomed);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ code: "worker_crashed", workerId: "w1", signal: "SIGKILL", exitCode: null });

    expect(await Promise.all(queued)).toEqual(["after crash 1", "after crash 2"]);
    const worker = pool.snapshot().workers[0];
    expect(worker).toMatchObject({ id: "w1", generation: 1, restarts: 1, state: "idle" });
    expect(worker?.pid).not.toBe(workerPid);
    expect(events.find((event) => event.type === "worker_crashed")).toMatchObject({
      workerId: "w1",
      pid: workerPid,
      inFlight: 1,
      signal: "SIGKILL",
      restartInMs: 50,
    });
  });

  it("lets other workers take queued calls while a crashed one waits out its backoff", async () => {
    const { pool } = await startedLinePool(2, { restartBackoff: { initialMs: 2_000 } });
    const pid = await pool.run((_, worker) => Promise.resolve(worker.pid), { workerId: "w1" });
    process.kill(pid, "SIGKILL");
    await waitUntil(() => pool.snapshot().workers[0]?.state === "crashed", "w1 is seen as crashed");
    const ids = await Promise.all([1, 2, 3].map(() => pool.run((_, worker) => Promise.resolve(worker.id))));
    expect(ids).toEqual(["w2", "w2", "w2"]);
  });

  it("tells calls pinned to a crashed worker's generation that it is gone", async () => {
    const { pool } = await startedLinePool(1, { restartBackoff: { initialMs: 20 } });
    const before = await pool.run((_, worker) => Promise.resolve(worker), { session: "s", affinity: "strict" });
    process.kill(before.pid, "SIGKILL");
    await waitUntil(
      () => pool.snapshot().workers[0]?.generation === 1 && pool.snapshot().workers[0]?.state === "idle",
      "w1 is replaced",
    );

    const pinned = await rejectionOf(
      pool.run(() => Promise.resolve(1), { workerId: "w1", generation: before.generation }),
    );
    expect(pinned).toBeInstanceOf(WorkerGoneError);
    const strict = await rejectionOf(pool.run(() => Promise.resolve(1), { session: "s", affinity: "strict" }));
    expect(strict).toBeInstanceOf(WorkerGoneError);
    expect((strict as Error).message).toContain('session "s"');
    // Having been told, the session binds afresh.
    expect(
      await pool.run((_, worker) => Promise.resolve(worker.generation), { session: "s", affinity: "strict" }),
    ).toBe(1);
  });

  it("killWorker SIGKILLs the whole group, including the worker's own children", async () => {
    const { pool } = await startedLinePool(1, { restartBackoff: { initialMs: 20 } });
    const grandchild = Number(await pool.run((connection) => connection.ok("grandchild")));
    expect(isProcessAlive(grandchild)).toBe(true);
    const crashed = new Promise((resolve) => pool.on((event) => event.type === "worker_crashed" && resolve(event)));
    pool.killWorker("w1", "call hung");
    expect(await crashed).toMatchObject({ signal: "SIGKILL" });
    await waitUntil(() => !isProcessAlive(grandchild), "the grandchild is gone");
    expect(pool.snapshot().workers[0]?.lastError).toContain("call hung");
  });
});
