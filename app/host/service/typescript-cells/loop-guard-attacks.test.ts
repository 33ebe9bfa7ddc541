// The loop guard under attack: programs whose meaning the inserted guard could change, loops that escape it, honest
// programs it could stop, what it costs, and what happens to the host when it throws where no cell catches.
//
// Each test is a program someone tried against the guard; the accepted behaviours say so in their names. What the
// guard costs a tight loop is measured by bench/ts-cell-loops.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRunResult } from "../../../api/workbench-api.js";
import type { PythonBridge } from "../../../bridge/index.js";
import { startTestBridge } from "../../../bridge/testing/start-test-bridge.js";
import { WorkspaceFolder } from "../workspace-folder.js";
import { LOOP_GUARD, transformCell } from "./cell-transform.js";
import { TypeScriptCells } from "./typescript-cells.js";

type Body = (scope: Record<string, unknown>, guard: () => void) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => Body;

/** Runs a cell's transformed body the way typescript-cells.ts wraps it, with `guard` as its loop guard. */
function runCell(source: string, guard: () => void): Promise<unknown> {
  const { body } = transformCell(source);
  return new AsyncFunction("__scope__", LOOP_GUARD, `with (__scope__) {\n${body}\n}`)(Object.create(null), guard);
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..", "..");
const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-loop-guard-attacks-"));
  workspaces.push(dir);
  return dir;
}

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 1 });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

/** The real cell runner on a real bridge (these cells never name `py`, so it stays idle). */
function hostCells(blockLimitMs: number): TypeScriptCells {
  return new TypeScriptCells(bridge, new WorkspaceFolder(tempDir()), { blockLimitMs });
}

function runIn(cells: TypeScriptCells, source: string, signal = new AbortController().signal): Promise<CellRunResult> {
  return cells.run("nb", source, () => undefined, signal);
}

/** What a run showed: the result's repr, the error's type, or else its status. */
function shown(result: CellRunResult): string {
  const output = result.outputs.at(-1);
  if (output?.type === "result") return output.repr;
  if (output?.type === "error") return output.error.type;
  if (output?.type === "diagnostics") return `diagnostics: ${output.diagnostics.map((d) => d.message).join("; ")}`;
  return result.status;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await sleep(10);
  }
}

/**
 * Runs `script` (an ES module; `cells` and `run(source)` are in scope, a TypeScriptCells with `blockLimitMs`, or the
 * default when undefined) in a separate Node process, as the host would run it: an error nobody catches ends it.
 */
function inChildHost(
  script: string,
  blockLimitMs: number | undefined,
  timeoutMs = 60_000,
): { status: number | null; signal: string | null; stdout: string } {
  const url = (file: string): string => pathToFileURL(join(here, file)).href;
  const file = join(tempDir(), "host.mjs");
  const options = blockLimitMs === undefined ? "{}" : `{ blockLimitMs: ${blockLimitMs} }`;
  writeFileSync(
    file,
    [
      `import { mkdtempSync } from "node:fs";`,
      `import { tmpdir } from "node:os";`,
      `import { join } from "node:path";`,
      `import { TypeScriptCells } from ${JSON.stringify(url("typescript-cells.ts"))};`,
      `import { WorkspaceFolder } from ${JSON.stringify(url("../workspace-folder.ts"))};`,
      `import { PythonBridge } from ${JSON.stringify(url("../../../bridge/index.ts"))};`,
      `const bridge = await PythonBridge.start({ poolSize: 1 });`,
      `const cells = new TypeScriptCells(bridge, new WorkspaceFolder(mkdtempSync(join(tmpdir(), "sb-loop-guard-child-"))), ${options});`,
      `const finish = async () => { await bridge.dispose(); process.exit(0); };`,
      `const run = (source) => cells.run("nb", source, () => undefined, new AbortController().signal);`,
      `const sleep = (ms) => new Promise((done) => setTimeout(done, ms));`,
      script,
    ].join("\n"),
  );
  const env = { ...process.env };
  delete env.SNAKEBRIDGE_TS_CELL_BLOCK_S;
  const child = spawnSync(process.execPath, ["--import", "tsx", file], {
    cwd: repoRoot,
    env,
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout };
}

describe("programs the inserted guard must not change", () => {
  // Checked: each of these gives the same result with the guard as the same JavaScript without it. The TypeScript
  // printer (transpileModule) re-prints every statement before the guard goes in, with semicolons and one statement
  // per line, so ASI hazards, `do … while` without a semicolon and trailing comments are gone by then.
  const cases: [string, string, unknown][] = [
    [
      "labeled continue and break across nested loops without braces",
      "let out: number[] = []; outer: for (let i = 0; i < 3; i++) inner: for (let j = 0; j < 3; j++) { if (j === 1) continue outer; if (i === 2) break outer; out.push(i * 10 + j); } out",
      [0, 10],
    ],
    [
      "a loop without braces as the then-branch of an if with an else",
      "let a = 1, b = 2, c = 0; if (a) while (b) b--; else c++; [a, b, c]",
      [1, 0, 0],
    ],
    ["do … while without a semicolon, more code on the same line", "let y = 0; do y++; while (y < 3) y", 3],
    ["do … while then a line starting with [", "let y = 0\ndo y++\nwhile (y < 3)\n[y]", [3]],
    ["an empty statement as the body", "let s = 0; const xs = [1, 2]; for (const x of xs) ; s", 0],
    [
      "three loops without braces ending together",
      "let y = 0; for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) while (y < 10) y++; y",
      10,
    ],
    [
      "a loop inside a template literal's expression",
      "const t = `${(() => { let s = ''; for (const c of 'abc') s += c.toUpperCase(); return s; })()}`; t",
      "ABC",
    ],
    [
      "loops in a class static block and a getter",
      "class C { static v = 0; static { for (let i = 0; i < 3; i++) C.v += i; } get g() { let k = 0; while (k < 5) k++; return k; } } [C.v, new C().g]",
      [3, 5],
    ],
    ["yield in a loop of a generator", "function* g() { let i = 0; while (i < 3) yield i++; } [...g()]", [0, 1, 2]],
    [
      "for await over an async generator",
      "async function* ag() { for (let i = 0; i < 3; i++) yield i; } const r: number[] = []; for await (const v of ag()) r.push(v); r",
      [0, 1, 2],
    ],
    [
      "a body ending in a line comment, next line starting with [",
      "let x = 3, y = 0; while (x) x--, y++ // comment\n[x, y]",
      [0, 3],
    ],
    ["a body ending without a semicolon, next line a template", "let n = 0; while (n < 3) n++\n`x${n}`", "x3"],
    ["unicode identifiers", "let ü = 0; for (let π = 0; π < 3; π++) ü += π; ü", 3],
    [
      "a loop in a default parameter value",
      "function f(n = (() => { let s = 0; for (let i = 0; i < 4; i++) s += i; return s; })()) { return n; } f()",
      6,
    ],
    [
      "for-in over an enum",
      "enum E { A, B, C } const ks: string[] = []; for (const k in E) ks.push(k); ks",
      ["0", "1", "2", "A", "B", "C"],
    ],
    [
      "a loop in a namespace's function",
      "namespace N { export function f(): number { let s = 0; for (let i = 0; i < 3; i++) s += i; return s; } } N.f()",
      3,
    ],
    [
      "types, assertions and satisfies around loops",
      "interface P { x: number } const ps = [{ x: 1 }, { x: 2 }] satisfies P[]; let s: number = 0; for (const p of ps as P[]) s += p.x!; s",
      3,
    ],
    [
      "a body that is a parenthesized destructuring assignment",
      "let o = { a: 1 }; let i = 0; while (i++ < 2) ({ a: o.a } = { a: o.a + 1 }); o.a",
      3,
    ],
    ["an if/else as the body", "let n = 0; for (const x of [1, 2, 3]) if (x > 1) n += x; else n -= x; n", 4],
    ["try/finally as the body", "let n = 0; for (const x of [1, 2, 3]) try { n += x; } finally { n++; } n", 9],
    [
      "a labeled block as the body, broken out of",
      "let n = 0; for (const x of [1, 2]) lbl: { if (x === 1) break lbl; n += x; } n",
      2,
    ],
    [
      "two labels on one loop, continue to the outer",
      "let n = 0; label1: label2: for (let i = 0; i < 3; i++) { if (i === 1) continue label1; n++; } n",
      2,
    ],
    [
      "closures over the per-turn binding of let",
      "let fs: (() => number)[] = []; for (let i = 0; i < 3; i++) fs.push(() => i); fs.map((f) => f())",
      [0, 1, 2],
    ],
    ["var in the loop head, read after the loop", "let n = 0; for (var i = 0; i < 3; i++) n += i; [n, i]", [3, 3]],
    [
      "do-while inside for-of inside for-in, no braces",
      "let q = 0; for (const k in { a: 1 }) for (const m of 'xy') do q++; while (q % 2) q",
      4,
    ],
    [
      "an object's generator method as its iterator",
      "const obj = { *[Symbol.iterator]() { for (let i = 0; i < 2; i++) yield i; } }; [...obj]",
      [0, 1],
    ],
  ];
  it.each(cases)("%s", async (_name, source, expected) => {
    let turns = 0;
    expect(await runCell(source, () => turns++)).toEqual(expected);
    expect(turns).toBeGreaterThan(0);
  });

  it("accepted: a cell function's source names the guard, so evaluating that text elsewhere fails", async () => {
    // Low likelihood: cells cannot import npm packages (no page.evaluate(fn), no worker eval), so the only way to
    // run a function's text elsewhere is eval/new Function in the cell itself.
    const source =
      "const f = () => { let s = 0; for (let i = 0; i < 3; i++) s += i; return s; };\n" +
      "[f(), String(f).includes('__guard__'), (() => { try { return new Function(`return (${String(f)})()`)(); } catch (e) { return (e as Error).name; } })()]";
    expect(await runCell(source, () => undefined)).toEqual([3, true, "ReferenceError"]);
  });

  it("accepted: code a cell builds at run time (eval, new Function) is not guarded", async () => {
    // Out of scope: deliberate, rare, and the cell is the user's own code, not a sandbox.
    let turns = 0;
    expect(
      await runCell(
        '[eval("let n = 0; while (n < 5) n++; n"), new Function("let k = 0; do k++; while (k < 4); return k")()]',
        () => turns++,
      ),
    ).toEqual([5, 4]);
    expect(turns).toBe(0);
  });
});

describe("loops that escape the guard", () => {
  // A loop that catches errors around an inner loop: once a stretch has passed its limit, every turn throws until
  // the event loop turns, so the outer loop's next turn ends it (the clock used to start over at every throw).
  it("stops a retry loop that swallows the CellBlockedError its inner loop threw", async () => {
    const cells = hostCells(50);
    const result = await runIn(
      cells,
      [
        "let caught = 0;",
        "const started = performance.now();",
        "function attempt(): boolean { let x = 0; for (let i = 0; i < 1_000_000; i++) x += i; return x < 0; }",
        "let done = false;",
        "while (!done && performance.now() - started < 1500) {", // the test's own way out: 1.5 s
        "  try { done = attempt(); } catch { caught++; }",
        "}",
        "caught",
      ].join("\n"),
    );
    expect(shown(result)).toBe("CellBlockedError");
  });

  // Async recursion has no loop and never overflows the stack (each call resumes in a new microtask): the guard
  // is also called first in every async function a cell declares.
  it("stops an async retry that calls itself without ever letting the event loop turn", async () => {
    const cells = hostCells(50);
    const result = await runIn(
      cells,
      [
        "let attempts = 0;",
        "async function fetchOnce(): Promise<number> {",
        "  attempts++;",
        "  if (attempts < 300_000) throw new Error('not ready yet');", // the test's own way out
        "  return attempts;",
        "}",
        "async function fetchWithRetry(): Promise<number> {",
        "  try { return await fetchOnce(); } catch { return fetchWithRetry(); }",
        "}",
        "await fetchWithRetry()",
      ].join("\n"),
    );
    expect(shown(result)).toBe("CellBlockedError");
  });
});

describe("where the guard throws and nobody catches", () => {
  // The usual shape: start a progress timer, await a long Python call, clear the timer; the interrupt skips the
  // clear. The cell's timers are its own (cell-timers.ts): interrupting it clears its intervals, and a guard error
  // in a timer's callback ends that timer instead of the host process.
  it("a timer an interrupted cell left running does not take the host down", () => {
    const child = inChildHost(
      [
        "await run('let ticks = 0;');",
        "const running = run('const timer = setInterval(() => { for (let i = 0; i < 3; i++) ticks++; }, 10);\\nawait new Promise<void>(() => {}); // a long Python call\\nclearInterval(timer);');",
        "while (!(cells.scope('nb').values.ticks > 0)) await sleep(10);",
        "cells.interrupt('nb');",
        "console.log('status', (await running).status);",
        "await sleep(300);",
        "console.log('survived');",
        "await finish();",
      ].join("\n"),
      10_000,
    );
    expect(child.stdout).toContain("status interrupted");
    expect(child.stdout).toContain("survived");
    expect(child.status).toBe(0);
  }, 90_000);

  // An un-awaited async loop ends with a rejection nobody handles; Node's default would end the host for it.
  it("a loop a finished cell left running on microtasks alone is stopped without taking the host down", () => {
    const child = inChildHost(
      [
        "const result = await run('void (async () => { for (;;) await null; })();\\n\"started\"');",
        "console.log('status', result.status);",
        "await sleep(1000);",
        "console.log('survived');",
        "await finish();",
      ].join("\n"),
      100,
    );
    expect(child.stdout).toContain("status ok");
    expect(child.stdout).toContain("survived");
    expect(child.status).toBe(0);
  }, 90_000);
});

describe("a cell's own timers", () => {
  it("refuse a callback that is not a function at once, as the global ones do, instead of failing later", async () => {
    const cells = hostCells(10_000);
    const result = await runIn(cells, 'setTimeout("alert(1)" as unknown as () => void, 1);');
    expect(result.status).toBe("error");
    expect(shown(result)).toBe("TypeError");
  });

  it("run their callbacks with their arguments, and clear as the global ones do", async () => {
    const cells = hostCells(10_000);
    const result = await runIn(
      cells,
      [
        "const seen: number[] = [];",
        "await new Promise<void>((done) => setTimeout((a: number, b: number) => { seen.push(a + b); done(); }, 1, 2, 3));",
        "let ticks = 0;",
        "await new Promise<void>((done) => { const t = setInterval(() => { if (++ticks === 3) { clearInterval(t); done(); } }, 1); });",
        "const cancelled = setTimeout(() => seen.push(99), 1); clearTimeout(cancelled);",
        "await new Promise<void>((done) => setImmediate(done));",
        "await new Promise((done) => setTimeout(done, 20));",
        "[...seen, ticks]",
      ].join("\n"),
    );
    expect(shown(result)).toBe("[ 5, 3 ]");
  });
});

describe("interrupt and restart", () => {
  // Told once, as Python raises KeyboardInterrupt once: the cell's finally blocks then run their own loops.
  it("an interrupted cell still runs the loops of its finally blocks", async () => {
    const cells = hostCells(10_000);
    const running = runIn(
      cells,
      [
        "let ticks = 0;",
        "const cleaned: string[] = [];",
        "try {",
        "  for (;;) { ticks++; await new Promise((resolve) => setTimeout(resolve, 5)); }",
        "} finally {",
        "  for (const file of ['a.tmp', 'b.tmp']) cleaned.push(file);",
        "}",
      ].join("\n"),
    );
    const values = cells.scope("nb").values;
    await until(() => typeof values.ticks === "number" && values.ticks > 0);
    expect(cells.interrupt("nb")).toBe(true);
    expect((await running).status).toBe("interrupted");
    await sleep(100);
    expect(values.cleaned).toEqual(["a.tmp", "b.tmp"]);
  }, 60_000);

  // Restart stops what the notebook's cells left running, as a kernel restart does in Jupyter.
  it("restarting the notebook stops the loops its cells left running", async () => {
    const cells = hostCells(10_000);
    const result = await runIn(
      cells,
      [
        "let ticks = 0;",
        "let stop = false;",
        "let endedWith = '';",
        "void (async () => { while (!stop) { ticks++; await new Promise((r) => setTimeout(r, 10)); } })()",
        "  .catch((error: Error) => { endedWith = error.name; });",
      ].join("\n"),
    );
    expect(result.status).toBe("ok");
    const values = cells.scope("nb").values;
    await until(() => typeof values.ticks === "number" && values.ticks > 0);
    cells.reset("nb");
    await sleep(50);
    const afterReset = values.ticks;
    await sleep(200);
    const later = values.ticks;
    values.stop = true; // the test's own way out
    expect(later).toBe(afterReset);
    // Stopped where it waits (restart skips the timer it awaits, so it never resumes) or at its next turn.
    expect(["", "CellInterruptedError"]).toContain(values.endedWith);
  }, 60_000);
});
