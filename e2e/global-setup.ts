// Starts one real `snakebridge serve` on a free port with a fresh workspace, waits for the URL it
// prints, and hands it to the tests through the environment. The returned function stops it.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveChromium } from "../scripts/chromium.mjs";
import { CHROMIUM_VAR, NO_ELECTRON_REASON, HOST_URL_VAR, WORKSPACE_VAR, electronBinary, repoRoot } from "./environment.js";

const STARTUP_TIMEOUT_MS = 120_000;

function requireBuilt(): void {
  const missing = [
    ["dist/app/cli/main.js", "npm run build"],
    ["dist/renderer/index.html", "npm run build:renderer"],
  ].filter(([file]) => !existsSync(join(repoRoot, file ?? "")));
  if (missing.length) {
    throw new Error(`The e2e suite needs a built project. Missing: ${missing.map(([file, fix]) => `${file} (run: ${fix})`).join("; ")}`);
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
  // detached: the host gets its own process group, so teardown can stop it and its Python workers together.
  const host = spawn(process.execPath, [join(repoRoot, "bin", "snakebridge.js"), "serve", "--port", "0", "--workspace", workspace], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // A private run store, so test runs never land in the user's ~/.snakebridge/runs.db.
    env: { ...process.env, NO_COLOR: "1", SNAKEBRIDGE_RUNS_DB: join(workspace, ".snakebridge", "runs.db") },
  });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`snakebridge serve printed no URL within ${STARTUP_TIMEOUT_MS / 1000}s. Output:\n${log}`)), STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = /Workbench available at (http:\/\/\S+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    host.stdout.on("data", onData);
    host.stderr.on("data", onData);
    host.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`snakebridge serve exited (${signal ?? `code ${code}`}) before it was ready. Output:\n${log}`));
    });
  });
  process.env[HOST_URL_VAR] = url;
  process.env[WORKSPACE_VAR] = workspace;

  return async () => {
    const exited = new Promise<void>((resolve) => {
      if (host.exitCode !== null || host.signalCode !== null) resolve();
      else host.once("exit", () => resolve());
    });
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (host.pid) process.kill(-host.pid, signal);
      } catch {
        // Already gone.
      }
    };
    signalGroup("SIGTERM");
    const killTimer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killTimer);
    rmSync(workspace, { recursive: true, force: true });
  };
}
