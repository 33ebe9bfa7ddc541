// Calls issued in one tick share a lane frame: answers stay matched, parallelism across workers stays, and
// interrupting one call of a batch leaves the others alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NDArray, PythonError, type PythonBridge } from "./index.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 2 });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

describe("batched calls", () => {
  it("answers each of 500 calls issued together with its own result", async () => {
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => bridge.call("operator.mul", [i, 3])));
    expect(results).toEqual(Array.from({ length: 500 }, (_, i) => i * 3));
  });

  it("two slow calls issued together still run on two workers at once", async () => {
    const started = Date.now();
    const pids = await Promise.all(
      [0, 1].map(async () => {
        await bridge.call("time.sleep", [0.4]);
        return bridge.call("sb_fixtures.pid");
      }),
    );
    expect(Date.now() - started).toBeLessThan(750);
    expect(new Set(pids).size).toBeGreaterThanOrEqual(1);
  });

  it("aborting one call of a batch fails that call only", async () => {
    const controller = new AbortController();
    const batch = [
      bridge.call("time.sleep", [0.2]),
      bridge.call("time.sleep", [5], {}, { signal: controller.signal }),
      bridge.call("operator.add", [1, 2]),
    ];
    setTimeout(() => controller.abort(), 100);
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const [, second, third] = settled;
    expect(second?.status === "rejected" && (second.reason as PythonError).classification).toBe("cancelled");
    expect(third?.status === "fulfilled" && third.value).toBe(3);
  });

  it("a call interrupted while it runs answers as cancelled, and the calls after it in its frame still run", async () => {
    const controller = new AbortController();
    // Four calls in one tick on a pool of 2: two frames of two, the slow call first in its frame.
    const batch = [
      bridge.call("time.sleep", [5], {}, { signal: controller.signal }),
      bridge.call("operator.add", [1, 2]),
      bridge.call("operator.add", [3, 4]),
      bridge.call("operator.add", [5, 6]),
    ];
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const settled = await Promise.allSettled(batch);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as PythonError).classification))).toEqual(
      ["cancelled", 3, 7, 11],
    );
  });

  it("16 loops of calls on two workers keep one batch per worker, even after a slow call splits a frame", async () => {
    // A call slower than the worker's 1 ms flush makes it answer a frame in two parts; the calls those answers
    // release must not become a third batch, waiting in the pool's queue: that split would last.
    let maxQueued = 0;
    let next = 0;
    const results: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 4000) {
          const n = next++;
          const value =
            n % 500 === 7 ? await bridge.call("time.sleep", [0.003]) : await bridge.call("operator.add", [n, 1]);
          if (value !== null) results.push(value as number);
          maxQueued = Math.max(maxQueued, bridge.pool.snapshot().queued);
        }
      }),
    );
    expect(results.length).toBe(4000 - 8);
    expect(new Set(results).size).toBe(results.length);
    expect(maxQueued).toBe(0);
  });

  it("calls waiting for a batch to end keep their deadline and abort, and the rest run once a worker is free", async () => {
    const busy = [bridge.call("time.sleep", [0.5]), bridge.call("time.sleep", [0.5])]; // one batch per worker
    await new Promise((resolve) => setTimeout(resolve, 50));
    const controller = new AbortController();
    const started = Date.now();
    const timed = bridge.call("operator.add", [1, 1], {}, { timeoutMs: 100 });
    const aborted = bridge.call("operator.add", [2, 2], {}, { signal: controller.signal });
    const waiting = bridge.call("operator.add", [3, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bridge.waiting).toBe(3); // held by the batcher, counted as waiting (the pool's queue is empty)
    setTimeout(() => controller.abort("not needed"), 20);
    await expect(aborted).rejects.toMatchObject({ classification: "cancelled" });
    await expect(timed).rejects.toMatchObject({ classification: "timeout" });
    expect(bridge.waiting).toBe(1);
    expect(Date.now() - started).toBeLessThan(400); // both answered while every worker still slept
    await expect(waiting).resolves.toBe(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await Promise.all(busy);
  });

  it("a user error in one call of a batch is that call's error", async () => {
    const [ok, bad] = await Promise.allSettled([bridge.call("math.sqrt", [4]), bridge.call("math.sqrt", [-1])]);
    expect(ok?.status === "fulfilled" && ok.value).toBe(2);
    expect(bad?.status === "rejected" && (bad.reason as PythonError).classification).toBe("value_error");
  });
});

describe("large frames on the lane", () => {
  it("carries an 8 MB array each way inline (shared memory off, as for a remote worker)", async () => {
    const inline = await startTestBridge({ poolSize: 1, shmThresholdBytes: 0 });
    try {
      const data = Float64Array.from({ length: 1_000_000 }, (_, i) => i * 0.5);
      const back = (await inline.call("sb_fixtures.echo", [new NDArray("float64", [1000, 1000], data)])) as NDArray;
      expect(back.shape).toEqual([1000, 1000]);
      expect((back.data as Float64Array)[999_999]).toBe(999_999 * 0.5);
      expect(Array.from((back.data as Float64Array).subarray(0, 3))).toEqual([0, 0.5, 1]);
      // Many frames in one read, and frames split across reads, still come apart correctly.
      const many = await Promise.all(Array.from({ length: 200 }, (_, i) => inline.call("operator.add", [i, 1])));
      expect(many).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      await inline.dispose();
    }
  }, 60_000);

  it("frames of every size, one after another, each arrive whole (the lane reuses its encoding buffer)", async () => {
    // Small, large (a fresh buffer after it), small again, a frame just under and just over the kept size.
    const sizes = [3, 300_000, 5, 64 * 1024 - 200, 64 * 1024 + 200, 1, 2_000_000, 7];
    for (const size of sizes) {
      const text = "x".repeat(size - 1) + String(size % 10);
      await expect(bridge.call("sb_fixtures.echo", [text])).resolves.toBe(text);
    }
    const together = await Promise.all(sizes.map((size) => bridge.call("sb_fixtures.echo", ["y".repeat(size)])));
    expect(together.map((text) => (text as string).length)).toEqual(sizes);
  });
});
