// TypeScript cells' own timers and the loop guard's safety net, through the real WebSocket transport, a real host and
// real Python workers; what would end the host process runs in a child process of its own.
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRunResult } from "../api/workbench-api.js";
import { closeTestHost, startTestHost } from "./testing/test-host.js";
import type { WorkbenchTestClient } from "./testing/workbench-test-client.js";
import type { WorkbenchWebServer } from "./transports/websocket-server.js";
import type { WorkbenchHost } from "./workbench-host.js";

let scratch: string;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let client: WorkbenchTestClient;

beforeAll(async () => {
  ({ scratch, host, server, client } = await startTestHost("snakebridge-ts-timers-", {
    poolSize: 2,
    env: { SNAKEBRIDGE_TS_CELL_BLOCK_S: "1" },
  }));
}, 60_000);

afterAll(async () => {
  await closeTestHost({ client, server, host, scratch });
});

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe("TypeScript cells waiting for their turn", () => {
  it("a TypeScript cell cancelled while it waits for its turn does not run", async () => {
    const hold = client.request("notebooks.run", {
      notebookId: "ts-hold",
      cellId: "hold",
      language: "typescript",
      source: "await new Promise((r) => setTimeout(r, 1_000));",
    });
    await sleep(100);
    const cancel = new AbortController();
    const cancelled = client
      .request(
        "notebooks.run",
        { notebookId: "ts-cancelled", cellId: "c", language: "typescript", source: "let ranAfterCancel = 1;" },
        cancel.signal,
      )
      .then(
        (result) => result.status,
        (error: unknown) => `rejected: ${String(error)}`,
      );
    await sleep(100);
    cancel.abort();
    await hold;
    const outcome = await cancelled;
    const { typescript } = await client.request("notebooks.variables", { notebookId: "ts-cancelled" });
    expect({ outcome, ran: typescript.some((v) => v.name === "ranAfterCancel") }).toEqual({
      outcome: "interrupted",
      ran: false,
    });
  }, 30_000);
});

describe("a TypeScript cell's own timers", () => {
  const ts = (notebookId: string, cellId: string, source: string): Promise<CellRunResult> =>
    client.request("notebooks.run", { notebookId, cellId, language: "typescript", source });
  const shown = (result: CellRunResult): string => {
    const last = result.outputs.at(-1);
    if (last?.type === "result") return last.repr;
    if (last?.type === "error") return `${last.error.type}: ${last.error.message}`;
    if (last?.type === "diagnostics") return `diagnostics: ${last.diagnostics.map((d) => d.message).join("; ")}`;
    return result.status;
  };

  // Node calls a timer's callback with `this` = its Timeout: `setInterval(function () { clearInterval(this) })` stops.
  it("a callback's `this` is its Timeout, so clearInterval(this) stops the interval", async () => {
    const result = await ts(
      "timers-this",
      "t",
      [
        "let calls = 0;",
        "let sawTimeout = false;",
        "setInterval(function (this: NodeJS.Timeout) {",
        "  sawTimeout = typeof this?.refresh === 'function';",
        "  if (++calls >= 3) clearInterval(this);",
        "}, 5);",
        "await new Promise((r) => setTimeout(r, 300));",
        "({ calls, sawTimeout })",
      ].join("\n"),
    );
    await client.request("notebooks.restart", { notebookId: "timers-this" }); // clean up the interval
    expect(shown(result)).toBe("{ calls: 3, sawTimeout: true }");
  }, 30_000);

  // Node's timers carry their promisified form (util.promisify.custom); the cell's do too.
  it("util.promisify(setTimeout) in a cell sleeps, as with Node's setTimeout", async () => {
    const result = await ts(
      "timers-promisify",
      "t",
      [
        "type Util = { promisify: (f: unknown) => (ms: number) => Promise<void> };",
        "const util = (process as unknown as { getBuiltinModule(id: string): Util }).getBuiltinModule('node:util');",
        "const custom = Symbol.for('nodejs.util.promisify.custom');",
        "const kept = [setTimeout, setImmediate].map((f) => typeof (f as unknown as Record<symbol, unknown>)[custom]);",
        "await util.promisify(setTimeout)(10);",
        "kept",
      ].join("\n"),
    );
    expect(shown(result)).toBe("[ 'function', 'function' ]");
  }, 30_000);

  it("checked, correct: handles keep ref/unref/refresh/hasRef, clear by number or undefined, across cells", async () => {
    const first = await ts(
      "timers-handles",
      "a",
      [
        "let ticks = 0;",
        "const kept = setInterval(() => { ticks++; }, 5);",
        "const once = setTimeout(() => undefined, 10_000);",
        "once.unref(); const unrefd = !once.hasRef(); once.ref(); once.refresh(); clearTimeout(+once);",
        "clearInterval(undefined); clearTimeout(undefined);",
        "await new Promise((r) => setTimeout(r, 50));",
        "[unrefd, ticks > 0]",
      ].join("\n"),
    );
    expect(shown(first)).toBe("[ true, true ]");
    const second = await ts(
      "timers-handles",
      "b",
      "clearInterval(kept); const at = ticks;\nawait new Promise((r) => setTimeout(r, 50));\nticks - at",
    );
    expect(shown(second)).toBe("0");
  }, 30_000);

  // A callback that schedules itself again has no loop for the guard: restart skips every callback still to come.
  it("Restart stops a cell's self-rescheduling setTimeout chain", async () => {
    const started = await ts(
      "timers-chain",
      "t",
      [
        "const g = globalThis as unknown as { chainTicks: number; stopChain: boolean };",
        "g.chainTicks = 0; g.stopChain = false;",
        "function tick(): void { g.chainTicks++; if (!g.stopChain) setTimeout(tick, 5); }",
        "tick();",
      ].join("\n"),
    );
    expect(started.status).toBe("ok");
    await client.request("notebooks.restart", { notebookId: "timers-chain" });
    await sleep(50);
    const read = "(globalThis as unknown as { chainTicks: number }).chainTicks";
    const before = Number(shown(await ts("timers-chain-reader", "r1", read)));
    await sleep(200);
    const after = Number(shown(await ts("timers-chain-reader", "r2", read)));
    await ts("timers-chain-reader", "stop", "(globalThis as unknown as { stopChain: boolean }).stopChain = true;");
    expect(after - before).toBe(0);
  }, 30_000);
});

// The guard net and the timers in a host process of their own, where an error nobody catches ends the process.
describe("what ends the host process", () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const repoRoot = resolve(here, "..", "..");
  const moduleUrl = (path: string): string => JSON.stringify(pathToFileURL(join(here, path)).href);

  async function inChild(
    lines: string[],
    nodeFlags: string[] = [],
  ): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const file = join(scratch, `child-${Math.random().toString(36).slice(2)}.mjs`);
    await writeFile(file, lines.join("\n"));
    const env = { ...process.env };
    delete env.SNAKEBRIDGE_TS_CELL_BLOCK_S;
    delete env.NODE_OPTIONS;
    const child = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", file], {
      cwd: repoRoot,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr };
  }

  const strayRejection = [
    "void Promise.reject(new Error('a stray rejection in some library'));",
    "await new Promise((r) => setTimeout(r, 200));",
    "console.log('survived');",
  ];

  // Electron's main process, where the host runs in the app, defaults to --unhandled-rejections=warn: the guard's
  // net changes only the guard's errors, and every other rejection goes as the process's mode says.
  it("the guard's net leaves other unhandled rejections to the process's mode (warn, as in Electron's main)", async () => {
    const without = await inChild(strayRejection, ["--unhandled-rejections=warn"]);
    expect(without.stdout).toContain("survived"); // the mode the host runs under in Electron
    const withNet = await inChild(
      [
        `import { installGuardErrorNet } from ${moduleUrl("service/typescript-cells/loop-guard.ts")};`,
        "installGuardErrorNet();",
        ...strayRejection,
      ],
      ["--unhandled-rejections=warn"],
    );
    expect({ status: withNet.status, stdout: withNet.stdout.trim() }).toEqual({ status: 0, stdout: "survived" });
  }, 90_000);

  it("checked, correct: with Node's default mode, a genuine unhandled rejection still ends the process", async () => {
    const withNet = await inChild([
      `import { installGuardErrorNet } from ${moduleUrl("service/typescript-cells/loop-guard.ts")};`,
      "installGuardErrorNet(); installGuardErrorNet();",
      "console.log('listeners', process.listenerCount('unhandledRejection'));",
      ...strayRejection,
    ]);
    expect(withNet.stdout).toContain("listeners 1");
    expect(withNet.stdout).not.toContain("survived");
    expect(withNet.status).not.toBe(0);
    expect(withNet.stderr).toContain("a stray rejection in some library");
  }, 90_000);

  /** A host's TypeScript cells in a child process; `script` uses `run(source)`, then prints and finishes. */
  const childHost = (script: string[]): string[] => [
    `import { mkdtempSync } from "node:fs";`,
    `import { tmpdir } from "node:os";`,
    `import { join } from "node:path";`,
    `import { TypeScriptCells } from ${moduleUrl("service/typescript-cells/typescript-cells.ts")};`,
    `import { WorkspaceFolder } from ${moduleUrl("service/workspace-folder.ts")};`,
    `import { PythonBridge } from ${moduleUrl("../bridge/index.ts")};`,
    `const bridge = await PythonBridge.start({ poolSize: 1 });`,
    `const cells = new TypeScriptCells(bridge, new WorkspaceFolder(mkdtempSync(join(tmpdir(), "sb-ts-timers-child-"))), { blockLimitMs: 100 });`,
    `const run = (source) => cells.run("nb", source, () => undefined, new AbortController().signal);`,
    `const sleep = (ms) => new Promise((done) => setTimeout(done, ms));`,
    ...script,
    `console.log("survived");`,
    `await bridge.dispose();`,
    `process.exit(0);`,
  ];

  // The cell's queueMicrotask is its own too: the guard's error in it ends the loop, not the host. process.nextTick
  // and globalThis.setTimeout bypass the cell's timers: the guard's error there is an uncaught exception, which the
  // net reports to the cell whose code threw it.
  it.each([
    ["queueMicrotask", "queueMicrotask(() => { for (;;) {} });"],
    ["process.nextTick", "process.nextTick(() => { for (;;) {} });"],
    ["globalThis.setTimeout", "globalThis.setTimeout(() => { for (;;) {} }, 0);"],
  ])(
    "a loop the guard stops inside %s does not end the host",
    async (_name, source) => {
      const child = await inChild(
        childHost([
          `const result = await run(${JSON.stringify(`${source}\n"started"`)});`,
          "console.log('status', result.status);",
          "await sleep(500);",
        ]),
      );
      expect({ survived: child.stdout.includes("survived"), status: child.status }).toEqual({
        survived: true,
        status: 0,
      });
    },
    90_000,
  );

  // An error thrown in a cell's timer callback (a typo, a null) is reported, as a Jupyter kernel reports it; it
  // used to end the host process.
  it("a cell's timer callback that throws does not end the host", async () => {
    const child = await inChild(
      childHost([
        'const result = await run(\'setTimeout(() => { throw new Error("a typo"); }, 10);\\n"started"\');',
        "console.log('status', result.status);",
        "await sleep(500);",
      ]),
    );
    expect(child.stdout).toContain("status ok");
    expect(child.stdout).toContain("survived");
  }, 90_000);

  // A cell's callbacks that bypass its timers (process.nextTick, globalThis.setTimeout, an emitter's listener) run in
  // the cell's async context: what they throw is that cell's error, reported, not the end of the host.
  it("an error a cell's nextTick or globalThis.setTimeout callback throws, or its stray rejection, is reported on its stderr", async () => {
    const child = await inChild(
      childHost([
        "const outputs = [];",
        `const cellRun = (source) => cells.run("nb", source, (output) => outputs.push(output), new AbortController().signal);`,
        "const result = await cellRun(" +
          JSON.stringify(
            [
              'process.nextTick(() => { throw new Error("a typo in a tick"); });',
              'globalThis.setTimeout(() => { throw new TypeError("a null in a timeout"); }, 5);',
              'void (async () => { await null; throw new RangeError("a rejection nobody awaits"); })();',
              "await new Promise((r) => setTimeout(r, 100));",
              '"done"',
            ].join("\n"),
          ) +
          ");",
        "console.log('status', result.status);",
        "console.log('stderr', JSON.stringify(outputs.filter((o) => o.type === 'stream' && o.stream === 'stderr').map((o) => o.text).join('')));",
      ]),
    );
    expect(child.stdout).toContain("status ok");
    expect(child.stdout).toContain("a typo in a tick");
    expect(child.stdout).toContain("a null in a timeout");
    expect(child.stdout).toContain("a rejection nobody awaits");
    expect(child.stdout).toContain("survived");
  }, 90_000);

  it("checked, correct: with the net, an uncaught exception outside any cell still ends the process", async () => {
    const child = await inChild([
      `import { installGuardErrorNet } from ${moduleUrl("service/typescript-cells/loop-guard.ts")};`,
      "installGuardErrorNet();",
      "setTimeout(() => { throw new Error('a bug in the host itself'); }, 10);",
      "await new Promise((r) => setTimeout(r, 300));",
      "console.log('survived');",
    ]);
    expect(child.stdout).not.toContain("survived");
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain("a bug in the host itself");
  }, 90_000);
});
