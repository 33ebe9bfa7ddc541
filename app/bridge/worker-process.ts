// Starts one worker — spawned, or forked by the warm template — and waits for its handshake line.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { delimiter } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { WorkerProcess } from "../pool/index.js";
import type { ForkTemplate } from "./fork-template.js";
import { workerPackageRoot } from "./interpreter.js";

export const HANDSHAKE_PREFIX = "SNAKEBRIDGE_WORKER_READY ";
export const PROTOCOL_VERSION = 1;

/** What a worker announces on its first stdout line. */
export interface Handshake {
  protocol: number;
  worker_version: string;
  address: string;
  /** The call lane (lane.py / call-lane.ts), "unix:/path" or "host:port" ("" when the worker has none). */
  fast_address?: string;
  pid: number;
  python_version: string;
  python_executable: string;
}

export interface SpawnedWorker {
  process: WorkerProcess & { readonly pid: number };
  handshake: Handshake;
  token: string;
}

export interface SpawnWorkerOptions {
  python: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
  signal?: AbortSignal;
  /** Receives the worker's stdout/stderr after the handshake (user prints, warnings). */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

/** Why a worker did not come up, including what it printed. */
export class WorkerStartFailedError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(stderr.trim() ? `${message}\n--- worker output ---\n${stderr.trim().slice(-4000)}` : message);
    this.name = "WorkerStartFailedError";
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/** Spawns `python -m snakebridge_worker` in its own process group and resolves once it is serving. */
export function spawnWorker(options: SpawnWorkerOptions): Promise<SpawnedWorker> {
  const token = randomBytes(24).toString("base64url");
  const pythonPath = [workerPackageRoot, options.env?.PYTHONPATH ?? process.env.PYTHONPATH]
    .filter(Boolean)
    .join(delimiter);
  // The token goes through a private pipe (fd 3), never the environment: /proc/<pid>/environ keeps
  // what a process started with for its whole life. Windows has no /proc and no fd 3 for Python.
  const viaPipe = process.platform !== "win32";
  const child = spawn(options.python, ["-m", "snakebridge_worker", ...(viaPipe ? ["--token-fd", "3"] : [])], {
    cwd: options.cwd ?? process.cwd(),
    // detached: the worker leads its own process group, so the pool can signal it and its children together.
    detached: true,
    stdio: viaPipe ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      PYTHONPATH: pythonPath,
      PYTHONUNBUFFERED: "1",
      ...(viaPipe ? {} : { SNAKEBRIDGE_WORKER_TOKEN: token }),
    },
  });
  // The worker exits when this pipe closes, i.e. when the host dies for any reason.
  child.stdin?.on("error", () => undefined);
  const tokenPipe = viaPipe ? (child.stdio[3] as Writable | null | undefined) : undefined;
  tokenPipe?.on("error", () => undefined); // a worker that dies at once: its exit is reported below
  tokenPipe?.end(`${token}\n`);
  return new Promise((resolve, reject) => {
    child.once("spawn", () => {
      awaitHandshake(child as WorkerProcess & { pid: number }, child.stdout!, child.stderr!, token, options).then(
        resolve,
        reject,
      );
    });
    child.once("error", (error) => {
      reject(
        new WorkerStartFailedError(
          `could not run ${options.python}: ${error.message}. Set SNAKEBRIDGE_PYTHON or run npm install.`,
          "",
        ),
      );
    });
  });
}

/** Asks the warm template for a worker and resolves once it is serving. */
export async function forkWorker(template: ForkTemplate, options: SpawnWorkerOptions): Promise<SpawnedWorker> {
  const worker = await template.fork({ ...options.env, PYTHONUNBUFFERED: "1" });
  return awaitHandshake(worker, worker.stdout, undefined, worker.token, options);
}

/** Reads the handshake line; fails with the worker's output when it exits, times out or is aborted first. */
function awaitHandshake(
  proc: WorkerProcess & { readonly pid: number },
  stdout: Readable,
  stderr: Readable | undefined,
  token: string,
  options: SpawnWorkerOptions,
): Promise<SpawnedWorker> {
  return new Promise<SpawnedWorker>((resolve, reject) => {
    let diagnostics = "";
    let settled = false;
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const lines = createInterface({ input: stdout });

    const finish = (error: Error | null, handshake?: Handshake): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error) {
        if (proc.exitCode === null && proc.signalCode === null) killGroup(proc.pid);
        reject(error);
        return;
      }
      resolve({ process: proc, handshake: handshake!, token });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(
        new WorkerStartFailedError(
          `the Python worker (${options.python}) exited during start-up (${signal ? `signal ${signal}` : `exit code ${code}`}). ` +
            "Check that the interpreter has the worker's dependencies: pip install -r python/requirements.txt",
          diagnostics,
        ),
      );
    const onAbort = (): void => finish(new WorkerStartFailedError("worker start was aborted", diagnostics));
    const timer = setTimeout(
      () =>
        finish(
          new WorkerStartFailedError(`the Python worker did not finish starting within ${timeoutMs} ms`, diagnostics),
        ),
      timeoutMs,
    );

    proc.once("exit", (code, signal) => {
      if (!settled) onExit(code, signal);
    });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (stderr) {
      stderr.setEncoding("utf8");
      stderr.on("data", (text: string) => {
        if (!settled) diagnostics += text;
        else options.onOutput?.("stderr", text);
      });
    }
    lines.on("line", (line) => {
      if (settled) {
        options.onOutput?.("stdout", line + "\n");
        return;
      }
      if (!line.startsWith(HANDSHAKE_PREFIX)) {
        // Output printed before the handshake (e.g. by sitecustomize, or a traceback) is kept for diagnostics.
        diagnostics += line + "\n";
        return;
      }
      try {
        const handshake = JSON.parse(line.slice(HANDSHAKE_PREFIX.length)) as Handshake;
        if (handshake.protocol !== PROTOCOL_VERSION) {
          finish(
            new WorkerStartFailedError(
              `worker speaks protocol ${handshake.protocol}, this host speaks ${PROTOCOL_VERSION}; reinstall so both come from one version`,
              diagnostics,
            ),
          );
          return;
        }
        finish(null, handshake);
      } catch {
        finish(new WorkerStartFailedError(`unreadable handshake line: ${line}`, diagnostics));
      }
    });
  });
}
