// Every failure the pool raises reaches callers as a PythonError with a classification (the UI shows it).
import { describe, expect, it } from "vitest";
import { PythonError } from "./python-error.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

describe("pool failures as PythonErrors", () => {
  it("a call still queued when the bridge shuts down fails as cancelled, saying the pool closed", async () => {
    const bridge = await startTestBridge({ poolSize: 1 });
    const running = bridge.call("time.sleep", [1]).then(
      () => "finished",
      (error: unknown) => error,
    );
    // A later tick: calls issued in one tick share a batch and would run together on the one worker.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const queued = bridge.call("math.sqrt", [4]).then(
      () => "finished",
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bridge.dispose();
    const error = await queued;
    expect(error).toBeInstanceOf(PythonError);
    expect(error).toMatchObject({ classification: "cancelled", message: expect.stringMatching(/pool is closed/) });
    const first = await running;
    // The running call either finished inside the drain or was stopped with the pool; never a bare Error.
    if (first !== "finished") expect(first).toBeInstanceOf(PythonError);
  }, 60_000);
});
