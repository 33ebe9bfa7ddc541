// The layer rules of eslint.config.js bite: a sample of imports each layer must and must not make.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

/** The layer-rule messages ESLint reports for `code` placed at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "@typescript-eslint/no-restricted-imports")
    .map((m) => m.message);
}

const refused: [string, string, string][] = [
  ["training imports the pool", "app/training/probe.ts", 'import { ProcessPool } from "../pool/index.js";'],
  [
    "integration imports training",
    "app/integration/probe.ts",
    'import { RunManager } from "../training/run-manager.js";',
  ],
  ["training imports integration", "app/training/probe.ts", 'import { x } from "../integration/manifest/x.js";'],
  ["main imports training", "main/probe.ts", 'import { RunManager } from "../app/training/run-manager.js";'],
  ["the pool imports the bridge", "app/pool/probe.ts", 'import { PythonBridge } from "../bridge/index.js";'],
  ["the bridge imports the host", "app/bridge/probe.ts", 'import { x } from "../host/workbench-host.js";'],
  ["base imports Node", "app/base/probe.ts", 'import { readFileSync } from "node:fs";'],
  ["api imports the bridge", "app/api/probe.ts", 'import { PythonBridge } from "../bridge/index.js";'],
  ["app imports the benchmarks folder", "app/cli/probe.ts", 'import { x } from "../../bench/callbacks.js";'],
  [
    "the renderer imports the bridge",
    "renderer/src/probe.ts",
    'import { PythonBridge } from "../../app/bridge/index.js";',
  ],
  ["host imports the CLI", "app/host/probe.ts", 'import { x } from "../cli/main.js";'],
];

const allowed: [string, string, string][] = [
  ["the bridge imports the pool", "app/bridge/probe.ts", 'import { ProcessPool } from "../pool/index.js";'],
  [
    "training imports the OS layer",
    "app/training/probe.ts",
    'import { isProcessAlive } from "../system/processes.js";',
  ],
  ["the CLI imports its benchmarks", "app/cli/probe.ts", 'import { x } from "./benchmarks/engine-bench.js";'],
  ["the renderer imports base", "renderer/src/probe.ts", 'import { Emitter } from "../../app/base/index.js";'],
  ["the host imports training", "app/host/probe.ts", 'import { RunManager } from "../training/run-manager.js";'],
];

describe("layer rules", () => {
  it.each(refused)("refuses: %s", async (_what, filePath, code) => {
    expect(await layerErrors(filePath, code)).not.toEqual([]);
  });

  it.each(allowed)("allows: %s", async (_what, filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([]);
  });
});
