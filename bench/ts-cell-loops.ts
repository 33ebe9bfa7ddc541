// What the loop guard costs a TypeScript notebook cell (app/host/service/typescript-cells/loop-guard.ts): a tight loop
// in a function a cell declares, timed inside the real cell runner, against the same loop built with `new Function`
// (which the guard does not reach) in the same cell. Prints one JSON object with both times and their ratio.
//
//   npx tsx bench/ts-cell-loops.ts [--turns 5000000] [--rounds 5]   (see bench/README.md)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PythonBridge } from "../app/bridge/index.js";
import { WorkspaceFolder } from "../app/host/service/workspace-folder.js";
import { TypeScriptCells } from "../app/host/service/typescript-cells/typescript-cells.js";
import { numberArg } from "./bench-args.js";

const turns = numberArg("turns", 5_000_000);
const rounds = numberArg("rounds", 5);
const workspace = mkdtempSync(join(tmpdir(), "sb-bench-ts-cells-"));
const bridge = await PythonBridge.start({ poolSize: 1 });
try {
  const cells = new TypeScriptCells(bridge, new WorkspaceFolder(workspace), { blockLimitMs: 600_000 });
  const source = [
    "function guarded(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }",
    'const unguarded = new Function("n", "let s = 0; for (let i = 0; i < n; i++) s += i; return s;") as (n: number) => number;',
    "const fastest = (f: (n: number) => number): number => {",
    "  let best = Infinity;",
    `  for (let k = 0; k < ${rounds}; k++) { const t = performance.now(); f(${turns}); best = Math.min(best, performance.now() - t); }`,
    "  return best;",
    "};",
    "[fastest(guarded), fastest(unguarded)]",
  ].join("\n");
  const result = await cells.run("bench", source, () => undefined, new AbortController().signal);
  const output = result.outputs.at(-1);
  if (output?.type !== "result") throw new Error(`the bench cell failed: ${JSON.stringify(result.outputs)}`);
  // The cell's result is shown as an array literal of two numbers: valid JSON.
  const [guardedMs, unguardedMs] = JSON.parse(output.repr) as [number, number];
  console.log(
    JSON.stringify({
      turns,
      rounds,
      guarded_ms: Number(guardedMs.toFixed(2)),
      unguarded_ms: Number(unguardedMs.toFixed(2)),
      ratio: Number((guardedMs / unguardedMs).toFixed(1)),
    }),
  );
} finally {
  await bridge.dispose();
  rmSync(workspace, { recursive: true, force: true });
}
