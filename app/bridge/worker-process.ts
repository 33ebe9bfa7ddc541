// Starts one `python -m snakebridge_worker` process and waits for its handshake line.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { delimiter } from "node:path";
import { createInterface } from "node:readline";
import { workerPackageRoot } from "./interpreter.js";

export const HANDSHAKE_PREFIX = "SNAKEBRIDGE_WORKER_READY ";
export const PROTOCOL_VERSION = 1;

/** What a worker announces on its first stdout line. */
export interface Handshake {
  protocol: number;
  worker_version: string;
  address: string;
  /** The asyncio fast path for pipelined calls ("" when the worker has none). */
  fast_address?: string;
  pid: number;
  python_version: string;
  python_executable: string;
}

export interface SpawnedWorker {
  process: ChildProcess;
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
  constructor(message: string, readonly stderr: string) {
    super(stderr.trim() ? `${message}\n--- worker stderr ---\n${stderr.trim().slice(-4000)}` : message);
    this.name = "WorkerStartFailedError";
  }
}

/** Spawns a worker in its own process group and resolves once it is serving. */
export function spawnWorker(options: SpawnWorkerOptions): Promise<SpawnedWorker> {
  const token = randomBytes(24).toString("base64url");
  const pythonPath = [workerPackageRoot, options.env?.PYTHONPATH ?? process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  const child = spawn(options.python, ["-m", "snakebridge_worker"], {
    cwd: options.cwd ?? process.cwd(),
    // detached: the worker leads its own process group, so the pool can signal it and its children together.
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      PYTHONPATH: pythonPath,
      PYTHONUNBUFFERED: "1",
      PYTHONDONTWRITEBYTECODE: process.env.PYTHONDONTWRITEBYTECODE ?? "",
      SNAKEBRIDGE_WORKER_TOKEN: token,
    },
  });
  // The worker exits when this pipe closes, i.e. when the host dies for any reason.
  child.stdin?.on("error", () => undefined);

  return new Promise<SpawnedWorker>((resolve, reject) => {
    let stderr = "";
    let settled = false;
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const lines = createInterface({ input: child.stdout! });

    const finish = (error: Error | null, handshake?: Handshake): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      child.off("exit", onExit);
      child.off("error", onError);
      if (error) {
        if (child.exitCode === null && child.pid !== undefined) {
          try { process.kill(-child.pid, "SIGKILL"); } catch { child.kill("SIGKILL"); }
        }
        reject(error);
        return;
      }
      resolve({ process: child, handshake: handshake!, token });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new WorkerStartFailedError(
        `the Python worker (${options.python}) exited during start-up (${signal ? `signal ${signal}` : `exit code ${code}`}). ` +
          "Check that the interpreter has the worker's dependencies: pip install -r python/requirements.txt",
        stderr,
      ));
    const onError = (error: Error): void =>
      finish(new WorkerStartFailedError(`could not run ${options.python}: ${error.message}. Set SNAKEBRIDGE_PYTHON or run npm install.`, stderr));
    const onAbort = (): void => finish(new WorkerStartFailedError("worker start was aborted", stderr));
    const timer = setTimeout(
      () => finish(new WorkerStartFailedError(`the Python worker did not finish starting within ${timeoutMs} ms`, stderr)),
      timeoutMs,
    );

    child.once("exit", onExit);
    child.once("error", onError);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => {
      if (!settled) stderr += text;
      else options.onOutput?.("stderr", text);
    });
    lines.on("line", (line) => {
      if (settled) {
        options.onOutput?.("stdout", line + "\n");
        return;
      }
      if (!line.startsWith(HANDSHAKE_PREFIX)) {
        // Output printed before the handshake (e.g. by sitecustomize) is kept for diagnostics.
        stderr += line + "\n";
        return;
      }
      try {
        const handshake = JSON.parse(line.slice(HANDSHAKE_PREFIX.length)) as Handshake;
        if (handshake.protocol !== PROTOCOL_VERSION) {
          finish(new WorkerStartFailedError(
            `worker speaks protocol ${handshake.protocol}, this host speaks ${PROTOCOL_VERSION}; reinstall so both come from one version`,
            stderr,
          ));
          return;
        }
        finish(null, handshake);
      } catch {
        finish(new WorkerStartFailedError(`unreadable handshake line: ${line}`, stderr));
      }
    });
  });
}
