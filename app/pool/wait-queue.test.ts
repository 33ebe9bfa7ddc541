import { describe, expect, it } from "vitest";
import { WaitQueue } from "./wait-queue.js";

describe("WaitQueue", () => {
  it("keeps arrival order and lets each entry leave exactly once", async () => {
    const queue = new WaitQueue<string>();
    const timedOut: string[] = [];
    const a = queue.push(
      "a",
      10_000,
      undefined,
      (entry) => timedOut.push(entry.payload),
      () => {},
    );
    queue.push(
      "b",
      30,
      undefined,
      (entry) => timedOut.push(entry.payload),
      () => {},
    );
    queue.push(
      "c",
      10_000,
      undefined,
      (entry) => timedOut.push(entry.payload),
      () => {},
    );
    expect(queue.list().map((entry) => entry.payload)).toEqual(["a", "b", "c"]);
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(timedOut).toEqual(["b"]);
    expect(queue.removeWhere(() => true).map((entry) => entry.payload)).toEqual(["c"]);
    expect(queue.size).toBe(0);
  });

  it("removes an entry when its signal aborts and hands over the abort reason", () => {
    const queue = new WaitQueue<string>();
    const controller = new AbortController();
    const reasons: unknown[] = [];
    queue.push(
      "a",
      10_000,
      controller.signal,
      () => {},
      (reason) => reasons.push(reason),
    );
    controller.abort("stop");
    expect(reasons).toEqual(["stop"]);
    expect(queue.size).toBe(0);
  });
});
