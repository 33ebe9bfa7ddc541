// ReleasingMap behaves as a Map for what the hot paths use, and empties an entry's box when it goes.
import { describe, expect, it } from "vitest";
import { ReleasingMap } from "./releasing-map.js";

describe("ReleasingMap", () => {
  it("sets, gets, replaces, deletes and counts like a Map", () => {
    const map = new ReleasingMap<string, { n: number }>();
    const one = { n: 1 };
    expect(map.set("a", one)).toBe(map);
    map.set("b", { n: 2 });
    expect(map.size).toBe(2);
    expect(map.get("a")).toBe(one);
    expect(map.has("b")).toBe(true);
    map.set("a", { n: 3 });
    expect(map.get("a")).toEqual({ n: 3 });
    expect(map.size).toBe(2);
    expect(map.delete("a")).toBe(true);
    expect(map.delete("a")).toBe(false);
    expect(map.get("a")).toBeUndefined();
    expect(map.has("a")).toBe(false);
    expect(map.size).toBe(1);
  });

  it("lists values in insertion order, skips deleted ones, and clears", () => {
    const map = new ReleasingMap<number, { n: number }>();
    for (let n = 1; n <= 5; n++) map.set(n, { n });
    map.delete(2);
    map.set(6, { n: 6 });
    expect([...map.values()].map((value) => value.n)).toEqual([1, 3, 4, 5, 6]);
    map.clear();
    expect(map.size).toBe(0);
    expect([...map.values()]).toEqual([]);
  });

  it("lets an entry be deleted while its values are listed from a copy", () => {
    const map = new ReleasingMap<number, { n: number }>();
    for (let n = 1; n <= 3; n++) map.set(n, { n });
    for (const value of [...map.values()]) map.delete(value.n);
    expect(map.size).toBe(0);
  });
});
