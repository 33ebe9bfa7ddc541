// training.install: installs the training extra (torch, transformers, peft) into the worker's venv by
// running the project's own setup script on the host, and reports its progress as events.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { WorkbenchEvents } from "../../../api/workbench-api.js";

type Progress = WorkbenchEvents["training.install"];

const SETUP_SCRIPT = join("scripts", "setup-python.mjs");
const SETUP_ARGS = ["--extra", "training"];

/** What the Install button runs, as a user would type it. */
export function installCommand(): string {
  return `node ${SETUP_SCRIPT} ${SETUP_ARGS.join(" ")}`;
}

/** The project folder holding scripts/setup-python.mjs above this module, or null (a packaged app has none). */
export function setupScriptRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, SETUP_SCRIPT))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * pip prints no overall percentage, so progress is estimated from the lines it prints: each
 * package it collects or installs moves the bar, approaching (never reaching) the end until exit.
 */
export function progressAfter(lines: number): number {
  return 0.05 + 0.9 * (1 - Math.exp(-lines / 60));
}

/** Runs at most one installer at a time and reports each output line. */
export class TrainingExtraInstaller {
  #child: ChildProcess | null = null;
  #running: Promise<{ ok: boolean; message: string }> | null = null;
  readonly #report: (progress: Progress) => void;

  constructor(report: (progress: Progress) => void) {
    this.#report = report;
  }

  /** Whether this host can run the installer (a source checkout). */
  available(): boolean {
    return setupScriptRoot() !== null;
  }

  /** Installs the extra; a second call while one runs joins it. Resolves when the script exits. */
  install(): Promise<{ ok: boolean; message: string }> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  #run(): Promise<{ ok: boolean; message: string }> {
    const root = setupScriptRoot();
    if (root === null) {
      const message = `this installation has no ${SETUP_SCRIPT}; install torch, transformers and peft into the worker's Python yourself (pip install -r python/requirements-training.txt)`;
      this.#report({ line: message, progress: 1, done: true, ok: false });
      return Promise.resolve({ ok: false, message });
    }
    return new Promise((resolve) => {
      let lines = 0;
      let tail = "";
      // Electron's binary acts as plain Node with ELECTRON_RUN_AS_NODE; under Node it is ignored.
      const child = spawn(process.execPath, [join(root, SETUP_SCRIPT), ...SETUP_ARGS], {
        cwd: root,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.#child = child;
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString().split(/\r?\n/)) {
          if (line.trim() === "") continue;
          lines += 1;
          tail = line;
          this.#report({ line, progress: progressAfter(lines), done: false, ok: null });
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      const finish = (ok: boolean, message: string): void => {
        this.#child = null;
        this.#report({ line: message, progress: 1, done: true, ok });
        resolve({ ok, message });
      };
      child.once("error", (error) => finish(false, `could not run ${installCommand()}: ${error.message}`));
      child.once("exit", (code, signal) => {
        if (code === 0) finish(true, "the training extra is installed; start a run");
        else
          finish(
            false,
            `${installCommand()} failed (${signal ?? `exit code ${code}`}): ${tail || "no output"}; run it in a terminal to see why`,
          );
      });
    });
  }

  /** Stops a running installer (the host is shutting down). */
  dispose(): void {
    this.#child?.kill("SIGTERM");
  }
}
