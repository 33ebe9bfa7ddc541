// Call ids stay unique within a bridge and between bridges, and short on the wire.
import { describe, expect, it } from "vitest";
import { CallIds } from "./call-ids.js";

describe("CallIds", () => {
  it("never repeats within a bridge or between two bridges, and stays short", () => {
    const a = new CallIds();
    const b = new CallIds();
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 2 === 0 ? a : b).next());
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids.map((id) => id.length))).toBeLessThanOrEqual(13); // a UUID is 36
  });
});
