// The host's end of `python -m snakebridge_worker.ray_agent`: requests and replies as JSON lines.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { ProcessRegistry } from "../../pool/process-registry.js";
import { killGroup } from "../../pool/index.js";
import { workerPackageRoot } from "../interpreter.js";

/** An actor the agent saw die, or whose worker exited. */
export interface ActorExit {
  name: string;
  code: number | null;
  signal: string | null;
  reason: string;
  /** True when the host asked for it (stop). */
  expected: boolean;
}

/** What the agent reports after joining a cluster. */
export interface ClusterInfo {
  mode: "local" | "cluster" | "client";
  ray_version: string;
  nodes: { node_id: string; ip: string; resources: Record<string, number> }[];
  gcs_address: string;
  swept: string[];
  foreign: number;
  connect_ms: number;
  /** A local head's private folder ("" otherwise); the host removes it if the agent could not. */
  temp_dir: string;
}

/** A started worker actor as the agent reports it. */
export interface ActorStarted {
  name: string;
  protocol: number;
  worker_version: string;
  address: string;
  fast_address: string;
  /** The worker's TCP servers speak TLS (it was given a certificate). */
  tls?: boolean;
  pid: number;
  python_version: string;
  python_executable: string;
  actor_pid: number;
  node_id: string;
  node_ip: string;
  hostname: string;
  assigned_resources: Record<string, number>;
}

export interface RayAgentOptions {
  python: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Where the pool keeps its process registry: the agent is recorded there so a dead host's agent is reaped. */
  stateDir: string;
  /** Lines Ray forwards from actors (user prints) and the agent's own diagnostics. */
  onOutput: (stream: "stdout" | "stderr", line: string) => void;
  onActorExit: (exit: ActorExit) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  op: string;
}

interface AgentMessage {
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  event?: string;
  [key: string]: unknown;
}

/** Why the agent failed, with what it printed. */
export class RayAgentError extends Error {
  constructor(
    message: string,
    readonly output = "",
  ) {
    super(output.trim() ? `${message}\n--- ray agent output ---\n${output.trim().slice(-3000)}` : message);
    this.name = "RayAgentError";
  }
}

/** One agent process: a Ray driver that this host controls over a pipe. */
export class RayAgent {
  readonly #child: ChildProcess & { pid: number };
  readonly #pending = new Map<number, Pending>();
  readonly #registry: ProcessRegistry;
  #nextId = 1;
  #diagnostics = "";
  #exited = false;
  #tempDir: string | undefined;
  readonly exited: Promise<void>;
  readonly #options: RayAgentOptions;

  private constructor(child: ChildProcess & { pid: number }, options: RayAgentOptions) {
    this.#options = options;
    this.#child = child;
    this.#registry = new ProcessRegistry(options.stateDir, `ray-agent-${randomUUID()}`, "ray-agent");
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exited = true;
        this.#registry.remove();
        this.#removeTempDir();
        const error = new RayAgentError(
          `the Ray agent exited (${signal ? `signal ${signal}` : `code ${code}`})`,
          this.#diagnostics,
        );
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
        resolve();
      });
    });
  }

  /** Starts the agent and waits for its ready line. */
  static async start(options: RayAgentOptions): Promise<RayAgent> {
    const pythonPath = [workerPackageRoot, options.env?.PYTHONPATH ?? process.env.PYTHONPATH]
      .filter(Boolean)
      .join(delimiter);
    const child = spawn(options.python, ["-m", "snakebridge_worker.ray_agent", "--reply-fd", "3"], {
      cwd: options.cwd ?? process.cwd(),
      // A group of its own: in local mode the Ray head's helper processes join it, and leave with it.
      detached: true,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        ...options.env,
        PYTHONPATH: pythonPath,
        PYTHONUNBUFFERED: "1",
        RAY_USAGE_STATS_ENABLED: "0",
      },
    });
    // The agent exits when this pipe closes, i.e. when the host dies for any reason.
    child.stdin?.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(new RayAgentError(`could not run ${options.python}: ${error.message}`)));
    });
    const agent = new RayAgent(child as ChildProcess & { pid: number }, options);
    agent.#registry.add("agent", child.pid!);
    await agent.#listen();
    return agent;
  }

  get pid(): number {
    return this.#child.pid;
  }

  #listen(): Promise<void> {
    const replies = this.#child.stdio[3] as Readable;
    for (const [stream, source] of [
      ["stdout", this.#child.stdout],
      ["stderr", this.#child.stderr],
    ] as const) {
      createInterface({ input: source! }).on("line", (line) => {
        this.#diagnostics = (this.#diagnostics + line + "\n").slice(-8000);
        this.#options.onOutput(stream, line);
      });
    }
    return new Promise((resolve, reject) => {
      const onEarlyExit = (): void =>
        reject(new RayAgentError("the Ray agent exited during start-up", this.#diagnostics));
      this.#child.once("exit", onEarlyExit);
      createInterface({ input: replies }).on("line", (line) => {
        let message: AgentMessage;
        try {
          message = JSON.parse(line) as AgentMessage;
        } catch {
          this.#options.onOutput("stderr", `ray agent: unreadable reply ${line.slice(0, 200)}`);
          return;
        }
        if (message.event === "ready") {
          this.#child.off("exit", onEarlyExit);
          resolve();
        } else if (message.event === "exit") {
          this.#options.onActorExit(message as unknown as ActorExit);
        } else if (typeof message.id === "number") {
          const pending = this.#pending.get(message.id);
          if (!pending) return;
          this.#pending.delete(message.id);
          if (message.ok) pending.resolve(message.result);
          else pending.reject(new RayAgentError(`ray ${pending.op}: ${message.error ?? "failed"}`));
        }
      });
    });
  }

  /** Remembers a local head's folder, to remove it after the agent exits if the agent could not (killed, slow). */
  adoptTempDir(dir: string): void {
    // Only the agent's own mkdtemp folder: never a path a confused agent could point anywhere else.
    if (dir !== "" && dirname(dir) === tmpdir() && basename(dir).startsWith("sb-ray-")) this.#tempDir = dir;
  }

  #removeTempDir(): void {
    if (this.#tempDir === undefined) return;
    try {
      rmSync(this.#tempDir, { recursive: true, force: true });
    } catch (error) {
      this.#options.onOutput(
        "stderr",
        `ray agent: could not remove ${this.#tempDir}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Sends one request; rejects with the agent's message, or after timeoutMs. */
  request<T>(op: string, params: Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.#exited)
      return Promise.reject(new RayAgentError(`ray ${op}: the Ray agent is not running`, this.#diagnostics));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RayAgentError(`ray ${op}: no answer from the Ray agent within ${timeoutMs} ms`, this.#diagnostics));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, {
        op,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.stdin!.write(JSON.stringify({ ...params, id, op }) + "\n");
    });
  }

  /** Kills its actors, leaves the cluster (stopping a local head) and waits for the agent to exit. */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    if (this.#exited) return;
    this.#child.stdin?.end();
    const gone = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref()),
    ]);
    // Whatever is left of its group (Ray's helper processes) goes too.
    await killGroup(this.#child.pid).catch((error: unknown) => {
      this.#options.onOutput("stderr", `ray agent: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!gone) await this.exited;
    this.#removeTempDir(); // again: the group's last processes may have logged into it after the agent left
  }
}
