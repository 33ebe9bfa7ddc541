// Worker memory limits through the bridge (issue 17, item 4): the RSS watchdog (tests never touch cgroups) kills
// a worker that allocates past its limit; the call fails with out_of_memory and a replacement serves the next one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonError, type PythonBridge } from "./index.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

const MiB = 1024 * 1024;
let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({
    poolSize: 1,
    pool: { limits: { memoryBytes: 250 * MiB, mechanism: "watchdog", sampleIntervalMs: 50 } },
  });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

describe("a worker memory limit", () => {
  it("fails a call that allocates past it with out_of_memory, and the next call runs on a replacement", async () => {
    const pid = await bridge.call("os.getpid");
    // 400 MiB, written so the pages are resident; held long enough for a 50 ms sample to see it.
    const code = "b = bytearray(400 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(5)";
    const started = Date.now();
    const error = await bridge.call("builtins.exec", [code], {}, { timeoutMs: 30_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).classification).toBe("out_of_memory");
    expect(Date.now() - started).toBeLessThan(5_000); // killed by the watchdog, not finished by the sleep
    const next = await bridge.call("os.getpid", [], {}, { timeoutMs: 30_000 });
    expect(next).not.toBe(pid);
    expect(await bridge.call("math.sqrt", [81])).toBe(9);
  }, 60_000);
});
