// The loop guard on its own, and where the cell transform puts it.
import { describe, expect, it, vi } from "vitest";
import { LOOP_GUARD, transformCell } from "./cell-transform.js";
import {
  CellBlockedError,
  CellInterruptedError,
  DEFAULT_BLOCK_LIMIT_MS,
  blockLimitMs,
  loopTurn,
  runAsCell,
  unhandledRejectionMode,
  type CellRun,
} from "./loop-guard.js";

type Body = (scope: Record<string, unknown>, guard: () => void) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => Body;

/** Runs a cell's transformed body as typescript-cells.ts does, with `guard` as its loop guard. */
function runCell(source: string, guard: () => void): Promise<unknown> {
  const { body } = transformCell(source);
  return new AsyncFunction("__scope__", LOOP_GUARD, `with (__scope__) {\n${body}\n}`)(Object.create(null), guard);
}

describe("where the transform puts the guard", () => {
  it("calls it once per turn of every kind of loop, nested and inside functions, braces or not", async () => {
    let turns = 0;
    const result = await runCell(
      [
        "let total: number = 0;",
        "for (let i = 0; i < 3; i++) total += i;", // no braces: 3 turns
        "let j = 0; while (j < 2) { j++; }", // 2
        "do j--; while (j > 0)", // 2
        "for (const x of [1, 2]) for (const k in { a: 1 }) total += x;", // 2 outer + 2 inner
        "function inner(n: number): number { let s = 0; for (;;) { if (n-- === 0) return s; s++; } }",
        "total += inner(4);", // 5
        "for await (const v of [Promise.resolve(1)]) total += v;", // 1
        "total",
      ].join("\n"),
      () => turns++,
    );
    expect(result).toBe(3 + 3 + 4 + 1);
    expect(turns).toBe(3 + 2 + 2 + 4 + 5 + 1);
  });

  it("adds no line, so errors still name the cell's own lines", () => {
    const source = "let n = 0;\nwhile (n < 3)\n  n++;\nfor (;;) { break; }\nn";
    const { body } = transformCell(source);
    expect(body).toContain(`${LOOP_GUARD}()`);
    expect(() => transformCell("while (true) {}\nexport default 1;")).toThrow(
      expect.objectContaining({ line: 2 }) as Error,
    );
  });

  it("calls it first in every async function, arrows with an expression body and nested ones included", async () => {
    let turns = 0;
    const result = await runCell(
      [
        "const twice = async (x: number) => x * 2;",
        "const nested = async () => async () => 3;",
        "class C { async m(): Promise<number> { return 4; } }",
        "async function f(): Promise<number> { return (await twice(1)) + (await (await nested())()) + (await new C().m()); }",
        "await f()",
      ].join("\n"),
      () => turns++,
    );
    expect(result).toBe(2 + 3 + 4);
    expect(turns).toBe(5); // f, twice, nested, the arrow nested returns, m
  });

  it("leaves a cell without loops or async functions as it was", () => {
    expect(transformCell("const a = [1, 2].map((x) => x * 2);\na").body).not.toContain(LOOP_GUARD);
  });
});

describe("loopTurn", () => {
  const run = (limitMs: number): CellRun => ({ interrupted: false, limitMs });

  it("ends a loop that holds the event loop past its cell's limit", () => {
    const started = performance.now();
    expect(() =>
      runAsCell(run(50), () => {
        for (;;) loopTurn();
      }),
    ).toThrow(CellBlockedError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it("ends a loop that only ever awaits resolved promises (microtasks never let the event loop turn)", async () => {
    await expect(
      runAsCell(run(50), async () => {
        for (;;) {
          loopTurn();
          await null;
        }
      }),
    ).rejects.toBeInstanceOf(CellBlockedError);
  });

  it("lets a loop that gives the event loop its turns run past the limit", async () => {
    await runAsCell(run(30), async () => {
      const started = performance.now();
      while (performance.now() - started < 150) {
        for (let i = 0; i < 5000; i++) loopTurn();
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  });

  it("stops an interrupted cell's loops at their next turn, in its timers too, and no other cell's", async () => {
    const first = run(0);
    const second = run(0);
    let turns = 0;
    // A loop the first cell left running on a timer, and a function it declared that the second cell calls.
    const leftRunning = runAsCell(
      first,
      () =>
        new Promise<unknown>((resolve) => {
          const tick = (): void => {
            try {
              loopTurn();
              turns++;
              setTimeout(tick, 1);
            } catch (error) {
              resolve(error);
            }
          };
          setTimeout(tick, 1);
        }),
    );
    const declaredByFirst = (): number => {
      let n = 0;
      for (let i = 0; i < 3; i++) {
        loopTurn();
        n++;
      }
      return n;
    };
    await new Promise((resolve) => setTimeout(resolve, 30));
    first.interrupted = true;
    expect(await leftRunning).toBeInstanceOf(CellInterruptedError);
    const stoppedAt = turns;
    expect(runAsCell(second, declaredByFirst)).toBe(3);
    expect(declaredByFirst()).toBe(3); // outside any cell: no checks
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(turns).toBe(stoppedAt);
  });

  it("with a limit of 0 never ends a loop for holding the event loop", () => {
    runAsCell(run(0), () => {
      const started = performance.now();
      while (performance.now() - started < 60) loopTurn();
    });
  });
});

describe("blockLimitMs", () => {
  it("reads seconds from the environment, 0 turning the check off, and refuses the rest with a warning", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      expect(blockLimitMs(undefined)).toBe(DEFAULT_BLOCK_LIMIT_MS);
      expect(blockLimitMs(" ")).toBe(DEFAULT_BLOCK_LIMIT_MS);
      expect(blockLimitMs("2.5")).toBe(2500);
      expect(blockLimitMs("0")).toBe(0);
      expect(warn).not.toHaveBeenCalled();
      expect(blockLimitMs("-1")).toBe(DEFAULT_BLOCK_LIMIT_MS);
      expect(blockLimitMs("soon")).toBe(DEFAULT_BLOCK_LIMIT_MS);
      expect(blockLimitMs("Infinity")).toBe(DEFAULT_BLOCK_LIMIT_MS);
      expect(warn).toHaveBeenCalledTimes(3);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("unhandledRejectionMode", () => {
  it("reads Node's flag from the command line or NODE_OPTIONS, the last one winning; Electron's main warns", () => {
    expect(unhandledRejectionMode([], "", false)).toBe("throw");
    expect(unhandledRejectionMode([], "", true)).toBe("warn");
    expect(unhandledRejectionMode(["--unhandled-rejections=warn"], "", false)).toBe("warn");
    expect(unhandledRejectionMode([], "--max-old-space-size=4096 --unhandled-rejections=none", true)).toBe("none");
    expect(unhandledRejectionMode(["--unhandled-rejections=strict"], "--unhandled-rejections=warn", false)).toBe(
      "warn",
    );
  });
});
