// HandleTracker's decode contexts: one per worker process, kept, and a new one for a replaced worker.
import { describe, expect, it } from "vitest";
import { HandleTracker } from "./handle-tracker.js";
import type { HandleOwner } from "./values.js";

const owner: HandleOwner = { releaseHandle: async () => undefined };
const tracker = new HandleTracker(owner, { info: () => undefined, connection: () => undefined }, () => undefined);

describe("HandleTracker.context", () => {
  it("is the same object for every answer from one worker process", () => {
    const first = tracker.context({ id: "w1", generation: 1 });
    expect(tracker.context({ id: "w1", generation: 1 })).toBe(first);
    expect(first).toMatchObject({ owner, workerId: "w1", generation: 1 });
  });

  it("is a new one, of the new generation, once the worker was replaced, and another worker's is its own", () => {
    const old = tracker.context({ id: "w2", generation: 1 });
    const replaced = tracker.context({ id: "w2", generation: 2 });
    expect(replaced).not.toBe(old);
    expect(replaced).toMatchObject({ workerId: "w2", generation: 2 });
    expect(tracker.context({ id: "w3", generation: 2 })).toMatchObject({ workerId: "w3", generation: 2 });
  });
});
