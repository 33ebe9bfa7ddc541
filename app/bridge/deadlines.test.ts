// Deadlines on one timer per delay: each comes due on time and in order, and a cancelled one never does. That an
// empty queue keeps no process alive is tested through CallInterrupt (call-interrupt.test.ts).
import { describe, expect, it } from "vitest";
import { Deadlines, type Expiring } from "./deadlines.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An Expiring that logs its name when it expires, then runs `then`. */
function recorder(log: string[], name: string, then?: () => void): Expiring {
  return {
    expire: () => {
      log.push(name);
      then?.();
    },
  };
}

describe("Deadlines", () => {
  it("a deadline expires after its delay, not before, and a cancelled one never does", async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const started = performance.now();
    let expiredAt = 0;
    deadlines.set(
      40,
      recorder(log, "kept", () => (expiredAt = performance.now() - started)),
    );
    deadlines.set(40, recorder(log, "cancelled")).cancel();
    await sleep(20);
    expect(log).toEqual([]);
    await sleep(60);
    expect(log).toEqual(["kept"]);
    expect(expiredAt).toBeGreaterThanOrEqual(39);
  });

  it("deadlines of one delay expire in the order they were set; of different delays, by when they are due", async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    deadlines.set(60, recorder(log, "60 first"));
    deadlines.set(20, recorder(log, "20"));
    await sleep(5);
    deadlines.set(60, recorder(log, "60 second"));
    deadlines.set(0, recorder(log, "0"));
    deadlines.set(-5, recorder(log, "negative: at once"));
    await sleep(120);
    expect(log).toEqual(["0", "negative: at once", "20", "60 first", "60 second"]);
  });

  it("of thousands cancelled in any order, only the live ones expire", async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const set = Array.from({ length: 5000 }, (_, i) => deadlines.set(30, recorder(log, String(i))));
    // The front first (the queue moves on), then every other one from the back (the queue compacts).
    for (let i = 0; i < 1500; i++) set[i]!.cancel();
    for (let i = 4999; i >= 1500; i -= 2) set[i]!.cancel();
    set[1500]!.cancel();
    set[1500]!.cancel(); // twice: no effect
    await sleep(80);
    const expected = Array.from({ length: 5000 }, (_, i) => i)
      .filter((i) => i > 1500 && (4999 - i) % 2 === 1)
      .map(String);
    expect(log).toEqual(expected);
  });

  it("an expiry may set and cancel deadlines of its own delay", async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const victim = deadlines.set(30, recorder(log, "victim"));
    deadlines.set(
      20,
      recorder(log, "first", () => {
        victim.cancel();
        deadlines.set(20, recorder(log, "set by first"));
      }),
    );
    await sleep(10);
    deadlines.set(20, recorder(log, "second")); // due before "set by first"
    await sleep(80);
    expect(log).toEqual(["first", "second", "set by first"]);
  });

  it("a delay longer than a Node timer takes is waited for, not fired at once", async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const far = deadlines.set(2 ** 32, recorder(log, "far"));
    await sleep(30);
    expect(log).toEqual([]);
    far.cancel();
  });

  it("a delay's queue goes once its timer finds nothing left to expire", async () => {
    const deadlines = new Deadlines();
    deadlines.set(20, { expire: () => undefined }).cancel();
    expect(deadlines.delaysInUse).toBe(1);
    await sleep(60);
    expect(deadlines.delaysInUse).toBe(0);
  });
});
