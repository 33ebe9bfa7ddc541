// The pool adapter for Python workers: how to start one (forked from a warm template, or spawned), check it, stop it.
import type { HealthReport, StartContext, StartedWorker, WorkerAdapter } from "../pool/index.js";
import { ForkTemplate } from "./fork-template.js";
import { sweepStaleScratch } from "./scratch-sweep.js";
import {
  forkWorker,
  spawnWorker,
  type Handshake,
  type SpawnedWorker,
  type SpawnWorkerOptions,
} from "./worker-process.js";
import { WorkerConnection } from "./worker-client.js";

/** A started worker as the bridge sees it. */
export interface PythonWorker {
  connection: WorkerConnection;
  handshake: Handshake;
  workerId: string;
  /** Settles when the worker process has exited. */
  exited: Promise<void>;
}

/**
 * "fork": workers are forked by a warm template that has already imported grpc and the worker (fast, and
 * four workers start almost as fast as one); "spawn": each worker is a fresh interpreter. "fork" needs
 * Linux and falls back to "spawn" if the template cannot start.
 */
export type StartMode = "fork" | "spawn";

export interface PythonAdapterOptions {
  python: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
  startMode?: StartMode;
  /** Worker stdout/stderr after start-up (what user code prints), by worker id. */
  onOutput?: (workerId: string, stream: "stdout" | "stderr", text: string) => void;
  /** A worker became ready (the bridge keeps its connection for health, telemetry and releases). */
  onReady?: (worker: PythonWorker) => void;
  /** A worker's process ended. */
  onExit?: (worker: PythonWorker) => void;
  /** Something the user should know that is not an error (e.g. fork mode fell back to spawning). */
  onNotice?: (message: string) => void;
}

let sweptThisProcess = false;

/** Starts `python -m snakebridge_worker` processes for the pool. */
export class PythonWorkerAdapter implements WorkerAdapter<PythonWorker> {
  #template: Promise<ForkTemplate | undefined> | undefined;
  #disposed = false;
  readonly #options: PythonAdapterOptions;

  constructor(options: PythonAdapterOptions) {
    this.#options = options;
  }

  /** The mode workers actually start in (fork needs Linux). */
  get startMode(): StartMode {
    const wanted = this.#options.startMode ?? (process.platform === "linux" ? "fork" : "spawn");
    return wanted === "fork" && process.platform === "linux" ? "fork" : "spawn";
  }

  #templateFor(): Promise<ForkTemplate | undefined> {
    const current = this.#template;
    if (current) {
      return current.then((template) => {
        if (!template || template.alive || this.#disposed) return template;
        this.#template = undefined; // it died: start a new one
        return this.#templateFor();
      });
    }
    const starting = ForkTemplate.start({
      python: this.#options.python,
      ...(this.#options.cwd === undefined ? {} : { cwd: this.#options.cwd }),
      ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      ...(this.#options.startTimeoutMs === undefined ? {} : { startTimeoutMs: this.#options.startTimeoutMs }),
    }).catch((error: unknown) => {
      this.#options.onNotice?.(
        `Starting workers by spawning, not forking: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    });
    this.#template = starting;
    return starting;
  }

  async start(ctx: StartContext): Promise<StartedWorker<PythonWorker>> {
    if (!sweptThisProcess) {
      // Workers of a host that died (SIGKILL, power loss) never removed their sockets and /dev/shm files.
      sweptThisProcess = true;
      for (const problem of sweepStaleScratch().problems) this.#options.onNotice?.(problem);
    }
    const options: SpawnWorkerOptions = {
      python: this.#options.python,
      ...(this.#options.cwd === undefined ? {} : { cwd: this.#options.cwd }),
      // SNAKEBRIDGE_HOST_PID: the owner named in the worker's scratch folders, which the next host sweeps once it is dead.
      env: {
        ...this.#options.env,
        SNAKEBRIDGE_WORKER_ID: ctx.workerId,
        SNAKEBRIDGE_RUN_ID: ctx.runId,
        SNAKEBRIDGE_HOST_PID: String(process.pid),
      },
      ...(this.#options.startTimeoutMs === undefined ? {} : { startTimeoutMs: this.#options.startTimeoutMs }),
      signal: ctx.signal,
      onOutput: (stream, text) => this.#options.onOutput?.(ctx.workerId, stream, text),
    };
    const template = this.startMode === "fork" ? await this.#templateFor() : undefined;
    const spawned: SpawnedWorker = template ? await forkWorker(template, options) : await spawnWorker(options);
    const connection = new WorkerConnection(
      spawned.handshake.address,
      spawned.token,
      spawned.handshake.fast_address || undefined,
    );
    try {
      await connection.waitForReady(10_000);
    } catch (error) {
      connection.close();
      try {
        process.kill(-spawned.process.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
      throw new Error(
        `worker ${ctx.workerId} printed its handshake but its socket did not accept a connection: ${String(error)}`,
      );
    }
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const worker: PythonWorker = { connection, handshake: spawned.handshake, workerId: ctx.workerId, exited };
    spawned.process.once("exit", () => {
      connection.close();
      markExited();
      this.#options.onExit?.(worker);
    });
    this.#options.onReady?.(worker);
    return { process: spawned.process, connection: worker };
  }

  async check(worker: PythonWorker): Promise<HealthReport> {
    const health = await worker.connection.health(5_000);
    return {
      ok: true,
      rssBytes: Number(health.rssBytes),
      detail: `${health.liveHandles} live handles, ${health.callsTotal} calls`,
    };
  }

  async stop(worker: PythonWorker): Promise<void> {
    worker.connection.close();
  }

  /** Stops the template (after the pool has stopped its workers). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const template = await this.#template;
    await template?.dispose();
  }
}
