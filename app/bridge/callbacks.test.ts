// Callbacks (issue 17): TypeScript functions passed to Python, called back synchronously from Python's side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonError, type PythonBridge, type PyValue } from "./index.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 2, hungCallGraceMs: 1500 });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

const F = "sb_callback_fixtures";

describe("callbacks", () => {
  it("sorts with a TypeScript key", async () => {
    const seen: PyValue[] = [];
    const key = (word: string): number => {
      seen.push(word);
      return word.length;
    };
    expect(await bridge.call("builtins.sorted", [["ccc", "a", "bb"]], { key })).toEqual(["a", "bb", "ccc"]);
    expect(seen.sort()).toEqual(["a", "bb", "ccc"]);
  });

  it("reduces with a TypeScript reducer (functools.reduce)", async () => {
    const reducer = (acc: number, x: number): number => acc * 10 + x;
    expect(await bridge.call("functools.reduce", [reducer, [1, 2, 3, 4]])).toBe(1234);
    expect(await bridge.call(`${F}.reduce_with`, [reducer, [5, 6], 7])).toBe(756);
  });

  it("finds functions in positional, keyword and nested arguments", async () => {
    const add = (a: number, b: number, kw?: Record<string, number>): number => a + b + (kw?.c ?? 0);
    expect(await bridge.call(`${F}.call_each`, [add, 1, 2], { c: 10 })).toBe(13);
    const payload = { fns: [(x: number) => x * 2, (x: number) => x * 3], by_name: { f: (x: number) => `f${x}` } };
    expect(await bridge.call(`${F}.call_nested`, [payload])).toEqual([2, 6, "f3"]);
  });

  it("awaits an async callback", async () => {
    const slow = async (x: number): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return x + 1;
    };
    expect(
      await bridge.call("builtins.list", [
        await bridge.call("builtins.map", [slow, [1, 2, 3]], {}, { resultMode: "handle" }),
      ]),
    ).toEqual([2, 3, 4]);
  });

  it("raises a callback's error in Python with the TypeScript stack, and back in TypeScript with both tracebacks", async () => {
    function throwsInTs(): never {
      throw new RangeError("bad range from TypeScript");
    }
    const caught = (await bridge.call(`${F}.call_and_catch`, [throwsInTs])) as Record<string, string>;
    expect(caught["type"]).toBe("HostError");
    expect(caught["host_type"]).toBe("RangeError");
    expect(caught["message"]).toContain("bad range from TypeScript");
    expect(caught["message"]).toContain("throwsInTs"); // the JavaScript stack travelled
    const error = await bridge.call(`${F}.call_uncaught`, [throwsInTs]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    const pyError = error as PythonError;
    expect(pyError.pythonType).toBe("HostError");
    expect(pyError.traceback).toContain("call_uncaught"); // Python's frames
    expect(pyError.traceback).toContain("throwsInTs"); // and the host's
    // The worker is fine afterwards.
    expect(await bridge.call("math.sqrt", [16])).toBe(4);
  });

  it("calls back into the same worker three levels deep while the outer calls wait", async () => {
    const pids = new Set<number>();
    const descend = async (level: number): Promise<PyValue> => {
      expect(bridge.currentCall()).toBeDefined();
      if (level >= 3) return [];
      return bridge.call(`${F}.depth_probe`, [level + 1, descend]);
    };
    const result = (await bridge.call(`${F}.depth_probe`, [0, descend])) as [number, number][];
    expect(result.map(([level]) => level)).toEqual([0, 1, 2, 3]);
    for (const [, pid] of result) pids.add(pid);
    expect(pids.size).toBe(1); // every level ran in the worker that was waiting
  });

  it("a call from a callback may use the waiting worker's objects", async () => {
    const list = await bridge.construct("builtins.list", [[3, 1, 2]]);
    const sortInPython = async (): Promise<PyValue> => {
      await bridge.callMethod(list, "sort");
      return bridge.callMethod(list, "copy");
    };
    expect(await bridge.callMethod(list, "__len__")).toBe(3);
    expect(
      await bridge.call(`${F}.call_uncaught`, [sortInPython], {}, { session: "cb-objects", affinity: "strict" }),
    ).toBeDefined();
    expect(await bridge.callMethod(list, "copy")).toEqual([1, 2, 3]);
  });

  it("gives callbacks the call's AbortSignal: a deadline aborts it and its late result is dropped", async () => {
    let aborted: unknown;
    let settle: (() => void) | undefined;
    const hang = (): Promise<number> =>
      new Promise((resolve) => {
        const signal = bridge.currentCall()?.signal;
        signal?.addEventListener("abort", () => {
          aborted = signal.reason;
          resolve(1);
        });
        settle = () => resolve(2);
      });
    const started = Date.now();
    const error = await bridge.call(`${F}.sleep_then_call`, [hang], {}, { timeoutMs: 400 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).classification).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(aborted).toBeDefined();
    settle?.();
    // The worker was interrupted cleanly and serves the next calls.
    expect(await bridge.call("math.sqrt", [9])).toBe(3);
    expect(await bridge.call("math.sqrt", [25])).toBe(5);
  });

  it("keeps a proxy Python retains until Python drops it, then releases it on the host", async () => {
    const triple = (x: number): number => x * 3;
    const session = { session: "cb-retain", affinity: "strict" } as const;
    expect(await bridge.call(`${F}.keep`, [triple], {}, session)).toBe(1);
    expect(bridge.holdsCallback(triple)).toBe(true);
    expect(await bridge.call(`${F}.keep`, [triple], {}, session)).toBe(2); // the same function again: one proxy
    expect(await bridge.call(`${F}.call_kept`, [5], {}, session)).toEqual([15, 15]);
    expect(bridge.holdsCallback(triple)).toBe(true);
    expect(await bridge.call(`${F}.drop_kept`, [], {}, session)).toBe(0);
    expect(bridge.holdsCallback(triple)).toBe(false);
  });

  it("releases the functions a worker held when that worker dies", async () => {
    const double = (x: number): number => x * 2;
    const session = { session: "cb-crash", affinity: "strict" } as const;
    expect(await bridge.call(`${F}.keep`, [double], {}, session)).toBe(1);
    expect(bridge.holdsCallback(double)).toBe(true);
    const holder = bridge.pool.snapshot().workers.find((w) => w.sessions.includes("cb-crash"));
    expect(holder).toBeDefined();
    bridge.pool.killWorker(holder?.id ?? "", "test: the worker holding a callback dies");
    const deadline = Date.now() + 15_000;
    while (bridge.holdsCallback(double) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bridge.holdsCallback(double)).toBe(false);
    expect(await bridge.call("math.sqrt", [16])).toBe(4);
  });

  it("keeps nothing for a call that ended before it was sent", async () => {
    const square = (x: number): number => x * x;
    const error = await bridge.call("builtins.sorted", [[2, 1]], { key: square }, { signal: AbortSignal.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect(bridge.holdsCallback(square)).toBe(false);
  });

  it("refuses at once a cell started in a callback that only the waiting worker could run", async () => {
    let refused: unknown;
    const started = Date.now();
    const add = async (a: number, b: number): Promise<number> => {
      try {
        for await (const _event of bridge.evaluate("1 + 1", { session: "cb-nested-cell" })) void _event;
      } catch (error) {
        refused = error;
      }
      return a + b;
    };
    const session = { session: "cb-nested-cell", affinity: "strict" } as const;
    expect(await bridge.call("functools.reduce", [add, [1, 2]], {}, session)).toBe(3);
    expect(refused).toBeInstanceOf(PythonError);
    expect(String((refused as PythonError).message)).toMatch(/waiting for the callback/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("runs a stream started in a callback on another worker when one is free", async () => {
    let items: PyValue[] = [];
    const add = async (a: number, b: number): Promise<number> => {
      items = [];
      for await (const item of bridge.stream("builtins.range", [3])) items.push(item);
      return a + b;
    };
    expect(await bridge.call("functools.reduce", [add, [1, 2]])).toBe(3);
    expect(items).toEqual([0, 1, 2]);
  });

  it("serves a callback made on another thread while the main thread waits for that thread", async () => {
    const started = Date.now();
    expect(await bridge.call(`${F}.call_from_thread`, [(x: number) => x * 2, 21])).toBe(42);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("serves a nested call from such a callback on the same worker", async () => {
    const viaPython = async (x: number): Promise<PyValue> => bridge.call("math.sqrt", [x]);
    const started = Date.now();
    expect(await bridge.call(`${F}.call_from_thread`, [viaPython, 81])).toBe(9);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("serves a host tool called on a thread from a notebook cell", async () => {
    const tool = bridge.tools.register("twice", ({ x }) => Number(x) * 2, {
      parameters: { type: "object", properties: { x: { type: "number" } }, required: ["x"] },
    });
    try {
      const code =
        "import concurrent.futures\nfrom snakebridge_worker import tools\n" +
        "with concurrent.futures.ThreadPoolExecutor(1) as pool:\n    result = pool.submit(tools.twice, x=4).result(timeout=30)\nresult";
      const started = Date.now();
      const events = [];
      for await (const event of bridge.evaluate(code, { session: "cb-thread-cell" })) events.push(event);
      expect(events.find((e) => e.type === "error")).toBeUndefined();
      expect(events.find((e) => e.type === "result")).toMatchObject({ value: 8 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      tool.dispose();
    }
  });

  it("releases proxies of functions used only during a call", async () => {
    const negate = (x: number): number => -x;
    await bridge.call("builtins.sorted", [[2, 1]], { key: negate });
    expect(bridge.holdsCallback(negate)).toBe(false);
  });

  it("serves two outer calls with nested callbacks on two workers at once", async () => {
    const nested =
      (tag: string) =>
      async (level: number): Promise<PyValue> => {
        if (level >= 2) return [];
        await new Promise((resolve) => setTimeout(resolve, 10));
        return bridge.call(`${F}.depth_probe`, [level + 1, nested(tag)]);
      };
    const [a, b] = (await Promise.all([
      bridge.call(`${F}.depth_probe`, [0, nested("a")]),
      bridge.call(`${F}.depth_probe`, [0, nested("b")]),
    ])) as [[number, number][], [number, number][]];
    expect(a.map(([level]) => level)).toEqual([0, 1, 2]);
    expect(b.map(([level]) => level)).toEqual([0, 1, 2]);
    expect(new Set(a.map(([, pid]) => pid)).size).toBe(1);
    expect(new Set(b.map(([, pid]) => pid)).size).toBe(1);
  });

  it("cancels through an AbortSignal while a callback is pending; the callback's signal aborts", async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const pending = (): Promise<number> =>
      new Promise((resolve) => {
        bridge.currentCall()?.signal.addEventListener("abort", () => {
          sawAbort = true;
          resolve(0);
        });
        setTimeout(() => controller.abort(), 50);
      });
    const error = await bridge.call(`${F}.sleep_then_call`, [pending], {}, { signal: controller.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as PythonError).classification).toBe("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sawAbort).toBe(true);
    expect(await bridge.call("math.sqrt", [4])).toBe(2);
  });

  it("fails the outer call with worker_crashed when the worker dies inside a nested call, and recovers", async () => {
    const die = (): Promise<PyValue> => bridge.call("os._exit", [3]);
    const error = await bridge.call(`${F}.call_uncaught`, [die], {}, { timeoutMs: 20_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).classification).toBe("worker_crashed");
    expect(await bridge.call("math.sqrt", [49], {}, { timeoutMs: 30_000 })).toBe(7);
  }, 60_000);

  it("reports a callback result that cannot cross as a HostError in Python", async () => {
    class Opaque {
      readonly x = 1;
    }
    const caught = (await bridge.call(`${F}.call_and_catch`, [() => new Opaque()])) as Record<string, string>;
    expect(caught["type"]).toBe("HostError");
    expect(caught["message"]).toMatch(/cannot send an instance of Opaque to Python/);
  });
});
