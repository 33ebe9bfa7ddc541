// Calls issued in one tick share a lane frame: answers stay matched, parallelism across workers stays, and
// interrupting one call of a batch leaves the others alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonError, type PythonBridge } from "./index.js";
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
    const pids = await Promise.all([0, 1].map(async () => {
      await bridge.call("time.sleep", [0.4]);
      return bridge.call("sb_fixtures.pid");
    }));
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
    const [first, second, third] = await Promise.allSettled(batch);
    expect(first.status).toBe("fulfilled");
    expect(second.status === "rejected" && (second.reason as PythonError).classification).toBe("cancelled");
    expect(third.status === "fulfilled" && third.value).toBe(3);
  });

  it("a user error in one call of a batch is that call's error", async () => {
    const [ok, bad] = await Promise.allSettled([bridge.call("math.sqrt", [4]), bridge.call("math.sqrt", [-1])]);
    expect(ok.status === "fulfilled" && ok.value).toBe(2);
    expect(bad.status === "rejected" && (bad.reason as PythonError).classification).toBe("value_error");
  });
});
