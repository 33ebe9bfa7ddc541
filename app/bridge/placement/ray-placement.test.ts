// Workers as Ray actors on a private single-node head (127.0.0.1): calls, streams, handles, arrays, crashes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PoolEvent } from "../../pool/index.js";
import { NDArray, PyHandle, PythonError, type PythonBridge } from "../index.js";
import { startTestBridge } from "../testing/start-test-bridge.js";
import { alive, rayAvailability } from "./testing/ray-available.js";

const ray = rayAvailability();

describe.skipIf(!ray.ok)(`workers as Ray actors, local head (${ray.reason})`, () => {
  let bridge: PythonBridge;
  const events: PoolEvent[] = [];
  beforeAll(async () => {
    bridge = await startTestBridge({
      poolSize: 2,
      python: ray.python,
      placement: { kind: "ray", address: "local", workerHost: "127.0.0.1", objectStoreBytes: 100 * 1024 * 1024 },
      pool: { restartBackoff: { initialMs: 50 } },
    });
    bridge.pool.on((event) => events.push(event));
  }, 120_000);
  afterAll(async () => {
    await bridge?.dispose();
  }, 60_000);

  it("places each slot on the loopback node and reports the actor", () => {
    for (const worker of bridge.pool.snapshot().workers) {
      const placement = bridge.workerPlacement(worker.id);
      expect(placement?.kind).toBe("ray");
      expect(placement?.nodeIp).toBe("127.0.0.1");
      expect(placement?.actorName).toMatch(new RegExp(`^sbw\\..+\\.${worker.id}\\.`));
      expect(alive(placement!.actorPid)).toBe(true);
    }
  });

  it("calls, streams and handles work as with local workers", async () => {
    expect(await bridge.call("json.dumps", [{ b: 1, a: [1, 2] }], { sort_keys: true })).toBe('{"a": [1, 2], "b": 1}');
    const items: number[] = [];
    for await (const item of bridge.stream("sb_fixtures.count", [5])) items.push(item as number);
    expect(items).toEqual([0, 1, 2, 3, 4]);
    const acc = await bridge.construct("sb_fixtures.Accumulator", [10], { step: 2.5 });
    expect(acc).toBeInstanceOf(PyHandle);
    expect(await bridge.callMethod(acc, "add")).toBe(12.5);
    expect(await bridge.callMethod(acc, "add")).toBe(15);
    await acc.release();
  });

  it("moves small and large ndarrays (the large one through /dev/shm on this machine)", async () => {
    const small = await bridge.call("numpy.arange", [6], { dtype: "int32" });
    expect(small).toBeInstanceOf(NDArray);
    expect(Array.from((small as NDArray).data as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    const big = (await bridge.call("numpy.linspace", [0, 1, 300_000])) as NDArray;
    expect(big.shape).toEqual([300_000]);
    expect(big.data[299_999]).toBe(1);
    const described = (await bridge.call("sb_fixtures.describe", [big])) as Record<string, unknown>;
    expect(described.shape).toEqual([300_000]);
  });

  it("kill -9 of an actor's process fails its call with worker_crashed and a replacement actor takes over", async () => {
    const session = "victim";
    const workerPid = (await bridge.call("sb_fixtures.pid", [], {}, { session, affinity: "strict" })) as number;
    const slot = bridge.pool.snapshot().workers.find((w) => w.sessions.includes(session))!;
    const before = bridge.workerPlacement(slot.id)!;
    const inFlight = bridge.call("time.sleep", [30], {}, { session, affinity: "strict" });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(before.actorPid, "SIGKILL");
    const error = await inFlight.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).classification).toBe("worker_crashed");
    await expect
      .poll(() => events.some((e) => e.type === "worker_crashed" && e.workerId === slot.id), { timeout: 10_000 })
      .toBe(true);
    // The worker process on the node follows its actor (its stdin closes).
    await expect.poll(() => alive(workerPid), { timeout: 10_000 }).toBe(false);
    await expect
      .poll(() => bridge.pool.snapshot().workers.find((w) => w.id === slot.id)?.state, { timeout: 60_000 })
      .toBe("idle");
    const after = bridge.workerPlacement(slot.id)!;
    expect(after.actorName).not.toBe(before.actorName);
    expect(alive(after.actorPid)).toBe(true);
    const pids = await Promise.all([0, 1, 2, 3].map(() => bridge.call("sb_fixtures.pid")));
    expect(pids).not.toContain(workerPid);
  }, 90_000);

  it("recycles a worker on request: the old actor is stopped, a new one serves", async () => {
    const before = bridge.workerPlacement("w2")!;
    await bridge.pool.restartWorker("w2", "test recycle");
    const after = bridge.workerPlacement("w2")!;
    expect(after.actorName).not.toBe(before.actorName);
    await expect.poll(() => alive(before.actorPid), { timeout: 10_000 }).toBe(false);
    expect(await bridge.call("math.sqrt", [16], {}, { session: "x" })).toBe(4);
  }, 60_000);
});

describe.skipIf(!ray.ok)(`a Ray address where nothing answers (${ray.reason})`, () => {
  it("fails the bridge's start quickly, saying what to check", async () => {
    const started = Date.now();
    const error = await startTestBridge({
      python: ray.python,
      placement: { kind: "ray", address: "127.0.0.1:1" },
    }).then(
      async (bridge) => {
        await bridge.dispose();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/nothing answers at the Ray cluster address 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
