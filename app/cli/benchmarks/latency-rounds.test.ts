// The latency rounds' schedule: which path runs when, and how many samples each gets.
import { describe, expect, it } from "vitest";
import { timeInRounds, type TimedPath } from "./latency-rounds.js";

function recorder(names: string[]): { paths: TimedPath[]; log: string[] } {
  const log: string[] = [];
  return { log, paths: names.map((name) => ({ name, call: async () => void log.push(name) })) };
}

/** Lengths of the runs of one name in a row. */
function runs(log: string[]): number[] {
  const lengths: number[] = [];
  log.forEach((name, i) => (i > 0 && log[i - 1] === name ? lengths[lengths.length - 1]!++ : lengths.push(1)));
  return lengths;
}

describe("timeInRounds", () => {
  it("cold: every round calls each path once, in a fresh order", async () => {
    const { paths, log } = recorder(["a", "b", "c", "d"]);
    const samples = await timeInRounds(paths, { calls: 200, block: 1 });
    expect([...samples.values()].map((s) => s.length)).toEqual([200, 200, 200, 200]);
    for (let round = 0; round < 200; round++) expect(new Set(log.slice(round * 4, round * 4 + 4)).size).toBe(4);
    // Shuffled: the first path of a round is not always the same one (fails with odds 4^-199 by chance).
    expect(new Set(log.filter((_, i) => i % 4 === 0)).size).toBeGreaterThan(1);
    for (const s of samples.values()) expect(s.every((us) => us >= 0 && Number.isFinite(us))).toBe(true);
  });

  it("loop: blocks of consecutive calls per path, the last block short", async () => {
    const { paths, log } = recorder(["a", "b"]);
    const samples = await timeInRounds(paths, { calls: 250, block: 100 });
    expect(samples.get("a")).toHaveLength(250);
    expect(samples.get("b")).toHaveLength(250);
    // Two paths in shuffled order: a block may follow the other path's block of the same name across rounds.
    expect(runs(log).every((n) => n % 50 === 0 && n <= 200)).toBe(true);
    expect(log).toHaveLength(500);
  });

  it("passes each call its index and stops when aborted", async () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const path: TimedPath = {
      name: "p",
      call: async (i) => {
        seen.push(i);
        if (i === 7) controller.abort(new Error("stop"));
      },
    };
    await expect(timeInRounds([path], { calls: 100, block: 5, signal: controller.signal })).rejects.toThrow("stop");
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
