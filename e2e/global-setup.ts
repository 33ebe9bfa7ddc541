// Starts one real `snakebridge serve` on a free port with a fresh workspace, waits for the URL it
// prints, and hands it to the tests through the environment. The returned function stops it.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveChromium } from "../scripts/chromium.mjs";
import { startServe } from "./serve-process.js";
import {
  CHROMIUM_VAR,
  NO_ELECTRON_REASON,
  HOST_URL_VAR,
  WORKSPACE_VAR,
  electronBinary,
  repoRoot,
} from "./environment.js";

const STARTUP_TIMEOUT_MS = 120_000;

function requireBuilt(): void {
  const missing = [
    ["dist/app/cli/main.js", "npm run build"],
    ["dist/renderer/index.html", "npm run build:renderer"],
  ].filter(([file]) => !existsSync(join(repoRoot, file ?? "")));
  if (missing.length) {
    throw new Error(
      `The e2e suite needs a built project. Missing: ${missing.map(([file, fix]) => `${file} (run: ${fix})`).join("; ")}`,
    );
  }
}

/** Copies the tiny CPU training example so the Training view can pick it from the workspace. */
function seedTrainingExample(workspace: string): void {
  const example = join(repoRoot, "examples", "training");
  if (!existsSync(join(example, "tiny-cpu.yaml"))) return;
  // "*.run.yaml" is how the workspace recognises a run config; data/ sits beside it as in the example.
  cpSync(join(example, "tiny-cpu.yaml"), join(workspace, "tiny-cpu.run.yaml"));
  if (existsSync(join(example, "data"))) cpSync(join(example, "data"), join(workspace, "data"), { recursive: true });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuilt();
  const browser = await resolveChromium();
  console.log(`[e2e] Chromium: ${browser.path} (${browser.source})`);
  process.env[CHROMIUM_VAR] = browser.path;
  if (!electronBinary()) console.log(`[e2e] Electron mode skipped: ${NO_ELECTRON_REASON}`);
  const workspace = mkdtempSync(join(tmpdir(), "snakebridge-e2e-"));
  seedTrainingExample(workspace);
  // A private run store, so test runs never land in the user's ~/.snakebridge/runs.db.
  const host = await startServe(
    ["--port", "0", "--workspace", workspace],
    {
      ...process.env,
      SNAKEBRIDGE_RUNS_DB: join(workspace, ".snakebridge", "runs.db"),
    },
    STARTUP_TIMEOUT_MS,
  );
  const url = host.url;
  process.env[HOST_URL_VAR] = url;
  process.env[WORKSPACE_VAR] = workspace;

  return async () => {
    await host.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
}
