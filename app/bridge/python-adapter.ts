// The pool adapter for Python workers: how to start one, check it and stop it.
import type { HealthReport, StartContext, StartedWorker, WorkerAdapter } from "../pool/index.js";
import { spawnWorker, type Handshake } from "./worker-process.js";
import { WorkerConnection } from "./worker-client.js";

/** A started worker as the bridge sees it. */
export interface PythonWorker {
  connection: WorkerConnection;
  handshake: Handshake;
  workerId: string;
  /** Settles when the worker process has exited. */
  exited: Promise<void>;
}

export interface PythonAdapterOptions {
  python: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
  /** Worker stdout/stderr after start-up (what user code prints), by worker id. */
  onOutput?: (workerId: string, stream: "stdout" | "stderr", text: string) => void;
  /** A worker became ready (the bridge keeps its connection for health, telemetry and releases). */
  onReady?: (worker: PythonWorker) => void;
  /** A worker's process ended. */
  onExit?: (worker: PythonWorker) => void;
}

/** Starts `python -m snakebridge_worker` processes for the pool. */
export class PythonWorkerAdapter implements WorkerAdapter<PythonWorker> {
  constructor(private readonly options: PythonAdapterOptions) {}

  async start(ctx: StartContext): Promise<StartedWorker<PythonWorker>> {
    const spawned = await spawnWorker({
      python: this.options.python,
      ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
      env: { ...this.options.env, SNAKEBRIDGE_WORKER_ID: ctx.workerId, SNAKEBRIDGE_RUN_ID: ctx.runId },
      ...(this.options.startTimeoutMs === undefined ? {} : { startTimeoutMs: this.options.startTimeoutMs }),
      signal: ctx.signal,
      onOutput: (stream, text) => this.options.onOutput?.(ctx.workerId, stream, text),
    });
    const connection = new WorkerConnection(spawned.handshake.address, spawned.token, spawned.handshake.fast_address || undefined);
    try {
      await connection.waitForReady(10_000);
    } catch (error) {
      connection.close();
      try { process.kill(-spawned.handshake.pid, "SIGKILL"); } catch { spawned.process.kill("SIGKILL"); }
      throw new Error(`worker ${ctx.workerId} printed its handshake but its socket did not accept a connection: ${String(error)}`);
    }
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => { markExited = resolve; });
    const worker: PythonWorker = { connection, handshake: spawned.handshake, workerId: ctx.workerId, exited };
    spawned.process.once("exit", () => {
      connection.close();
      markExited();
      this.options.onExit?.(worker);
    });
    this.options.onReady?.(worker);
    return { process: spawned.process, connection: worker };
  }

  async check(worker: PythonWorker): Promise<HealthReport> {
    const health = await worker.connection.health(5_000);
    return { ok: true, rssBytes: Number(health.rssBytes), detail: `${health.liveHandles} live handles, ${health.callsTotal} calls` };
  }

  async stop(worker: PythonWorker): Promise<void> {
    worker.connection.close();
  }
}
