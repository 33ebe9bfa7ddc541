// Finds the Python interpreter the workers run with, and checks it by running it.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

function resolveWorkerPackageRoot(): string {
  // A packaged app ships the worker as extraResources and says where; otherwise it sits in the repo's
  // python/ folder, reached from app/bridge (sources under vitest) or dist/app/bridge (compiled).
  const override = process.env.SNAKEBRIDGE_WORKER_PATH;
  if (override) return override;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "..", "python"), join(here, "..", "..", "..", "python")];
  return candidates.find((dir) => existsSync(join(dir, "snakebridge_worker", "__main__.py"))) ?? candidates[0]!;
}

/** The folder that holds the snakebridge_worker package (put on PYTHONPATH for workers). */
export const workerPackageRoot = resolveWorkerPackageRoot();

export type InterpreterSource = "setting" | "env" | "venv" | "path";

export interface InterpreterInfo {
  executable: string;
  version: string;
  source: InterpreterSource;
  /** Worker dependencies that failed to import, with their import error. */
  missing: { module: string; error: string }[];
}

const PROBE = `
import json, sys, importlib
missing = []
for name in ("grpc", "google.protobuf", "numpy", "psutil"):
    try:
        importlib.import_module(name)
    except Exception as exc:
        missing.append({"module": name, "error": f"{type(exc).__name__}: {exc}"})
print(json.dumps({"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3], "missing": missing}))
`;

/** Why no usable interpreter was found, with what to do. */
export class InterpreterNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `No usable Python interpreter for the Snakebridge worker. Tried:\n  ${tried.join("\n  ")}\n` +
        "Fix: run `npm install` (it creates python/.venv), or set SNAKEBRIDGE_PYTHON=/path/to/python3 " +
        "(3.10+, with: pip install -r python/requirements.txt).",
    );
    this.name = "InterpreterNotFoundError";
  }
}

function venvPython(): string {
  return process.platform === "win32"
    ? join(workerPackageRoot, ".venv", "Scripts", "python.exe")
    : join(workerPackageRoot, ".venv", "bin", "python");
}

/** The candidates in order: explicit setting → SNAKEBRIDGE_PYTHON → project venv → python3 on PATH. */
export function interpreterCandidates(explicit?: string): { executable: string; source: InterpreterSource }[] {
  const candidates: { executable: string; source: InterpreterSource }[] = [];
  if (explicit) candidates.push({ executable: explicit, source: "setting" });
  const fromEnv = process.env.SNAKEBRIDGE_PYTHON;
  if (fromEnv) candidates.push({ executable: fromEnv, source: "env" });
  if (existsSync(venvPython())) candidates.push({ executable: venvPython(), source: "venv" });
  candidates.push({ executable: process.platform === "win32" ? "python" : "python3", source: "path" });
  return candidates;
}

/** Runs ``executable`` to learn its version and which worker dependencies it lacks. */
export async function probeInterpreter(executable: string, source: InterpreterSource): Promise<InterpreterInfo> {
  const { stdout } = await run(executable, ["-c", PROBE], { timeout: 30_000, encoding: "utf8" });
  const parsed = JSON.parse(stdout.trim()) as Omit<InterpreterInfo, "source">;
  return { ...parsed, source };
}

/** The first candidate that runs and can import the worker's dependencies. */
export async function findInterpreter(explicit?: string): Promise<InterpreterInfo> {
  const tried: string[] = [];
  for (const candidate of interpreterCandidates(explicit)) {
    try {
      const info = await probeInterpreter(candidate.executable, candidate.source);
      if (info.missing.some((m) => m.module === "grpc" || m.module === "google.protobuf")) {
        tried.push(
          `${candidate.executable} (${candidate.source}): Python ${info.version} lacks ${info.missing.map((m) => m.module).join(", ")}`,
        );
        // An explicit choice is the user's decision: report it rather than silently using another.
        if (candidate.source === "setting" || candidate.source === "env") break;
        continue;
      }
      return info;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      tried.push(`${candidate.executable} (${candidate.source}): ${reason}`);
      if (candidate.source === "setting" || candidate.source === "env") break;
    }
  }
  throw new InterpreterNotFoundError(tried);
}
