import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { signalGroup } from "../process-group.js";
import type { HealthReport, StartContext, StartedWorker, WorkerAdapter } from "../types.js";

/** The fixture script the test adapter runs with node. */
export const LINE_WORKER_SCRIPT = fileURLToPath(new URL("./line-worker.mjs", import.meta.url));

/** Talks to one line-worker process: one request line out, one reply line back, matched by id. */
export class LineConnection {
  #nextId = 1;
  readonly #pending = new Map<string, { resolve: (reply: string) => void; reject: (error: Error) => void }>();
  #closedBecause: string | undefined;
  #onReady: (() => void) | undefined;
  /** Resolves when the worker prints its "ready <pid>" line. */
  readonly ready = new Promise<void>((resolve) => {
    this.#onReady = resolve;
  });

  constructor(readonly child: ChildProcess) {
    if (child.stdout === null) throw new Error("line worker must be spawned with piped stdout");
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("ready ")) this.#onReady?.();
      const space = line.indexOf(" ");
      const waiter = this.#pending.get(line.slice(0, space));
      if (waiter === undefined) return;
      this.#pending.delete(line.slice(0, space));
      const reply = line.slice(space + 1);
      if (reply.startsWith("error ")) waiter.reject(new Error(`line worker ${child.pid}: ${reply.slice(6)}`));
      else waiter.resolve(reply);
    });
    child.once("exit", (code, signal) => {
      this.#closedBecause = `line worker ${child.pid} exited (code ${code}, signal ${signal})`;
      for (const waiter of this.#pending.values()) waiter.reject(new Error(this.#closedBecause));
      this.#pending.clear();
    });
  }

  /** Sends one command and resolves with the worker's reply ("ok ..." or "sick ..."). */
  request(command: string, arg = ""): Promise<string> {
    if (this.#closedBecause !== undefined) return Promise.reject(new Error(this.#closedBecause));
    const id = String(this.#nextId++);
    return new Promise<string>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${id} ${command} ${arg}\n`);
    });
  }

  /** The reply's text after "ok ". */
  async ok(command: string, arg = ""): Promise<string> {
    const reply = await this.request(command, arg);
    if (!reply.startsWith("ok")) throw new Error(`line worker ${this.child.pid} answered "${reply}" to ${command}`);
    return reply.slice(3);
  }
}

export interface LineWorkerAdapterOptions {
  /** Delay before the worker reports ready, to make start-up cost visible. */
  startDelayMs?: number;
  /** The first N starts exit with this message on stderr instead of becoming ready. */
  failFirstStarts?: number;
  failMessage?: string;
  /** Graceful stop: close stdin (default) or ignore the request so the pool must signal. */
  ignoreStop?: boolean;
  /** The worker ignores SIGTERM (and stdin closing), so only SIGKILL ends it. */
  ignoreSigterm?: boolean;
}

/** A real-process adapter for pool tests: spawns `node line-worker.mjs` in its own process group. */
export class LineWorkerAdapter implements WorkerAdapter<LineConnection> {
  /** Every pid this adapter spawned, in order. */
  readonly spawned: number[] = [];
  #starts = 0;
  readonly #options: LineWorkerAdapterOptions;

  constructor(options: LineWorkerAdapterOptions = {}) {
    this.#options = options;
  }

  /** Spawns a worker and resolves when it prints its ready line. */
  start(ctx: StartContext): Promise<StartedWorker<LineConnection>> {
    this.#starts += 1;
    const fail = this.#starts <= (this.#options.failFirstStarts ?? 0);
    const child = spawn(process.execPath, [LINE_WORKER_SCRIPT], {
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        LINE_WORKER_IGNORE_SIGTERM: this.#options.ignoreSigterm === true ? "1" : "",
        LINE_WORKER_START_DELAY_MS: String(this.#options.startDelayMs ?? 0),
        LINE_WORKER_FAIL: fail ? (this.#options.failMessage ?? "line worker told to fail its start") : "",
      },
    });
    if (child.pid !== undefined) this.spawned.push(child.pid);
    const connection = new LineConnection(child);
    return new Promise((resolve, reject) => {
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      let done = false;
      const cleanup = (): void => {
        done = true;
        child.off("exit", onExit);
        child.off("error", onError);
        ctx.signal.removeEventListener("abort", onAbort);
      };
      void connection.ready.then(() => {
        if (done) return;
        cleanup();
        resolve({ process: child, connection });
      });
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`line worker ${ctx.workerId} exited with code ${code} before it was ready: ${stderr.trim()}`));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new Error(`could not spawn line worker ${ctx.workerId}: ${error.message}`));
      };
      const onAbort = (): void => {
        cleanup();
        // Reject only once the process is gone, so the pool's shutdown leaves nothing behind.
        child.once("exit", () => reject(new Error(`start of line worker ${ctx.workerId} was aborted`)));
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      };
      child.on("exit", onExit);
      child.on("error", onError);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Asks the worker for its health and rss. */
  async check(connection: LineConnection): Promise<HealthReport> {
    const reply = await connection.request("health");
    if (reply.startsWith("ok ")) return { ok: true, rssBytes: Number(reply.slice(3)) };
    return { ok: false, detail: reply };
  }

  /** Closes stdin, which the worker takes as "finish and exit". */
  async stop(connection: LineConnection): Promise<void> {
    if (this.#options.ignoreStop === true) return;
    connection.child.stdin?.end();
  }
}
