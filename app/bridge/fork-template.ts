// The warm template: one Python process that has imported what workers need and forks them on request.
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { randomBytes } from "node:crypto";
import { delimiter } from "node:path";
import { createInterface } from "node:readline";
import type { WorkerProcess } from "../pool/index.js";
import { workerPackageRoot } from "./interpreter.js";

type TemplateEvent =
  | { event: "ready"; pid: number }
  | { event: "failed"; error: string }
  | { event: "forked"; id: number; pid: number }
  | { event: "fork_failed"; id: number; error: string }
  | { event: "output"; pid: number; text: string }
  | { event: "exit"; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { event: "protocol_error"; line: string };

/** A worker forked by the template, watched through the template's reports. */
export class ForkedWorker extends EventEmitter implements WorkerProcess {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** What the worker writes to stdout and stderr (one pipe carries both). */
  readonly stdout = new PassThrough();

  constructor(
    readonly pid: number,
    readonly token: string,
  ) {
    super();
  }

  /** Called with what the worker wrote. */
  output(text: string): void {
    this.stdout.write(text);
  }

  /** Called once the worker has exited. */
  exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal ?? (code === null ? "SIGKILL" : null);
    this.stdout.end();
    this.emit("exit", this.exitCode, this.signalCode);
  }
}

export interface ForkTemplateOptions {
  python: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
}

/** Owns the template process; fork() asks it for a new worker. */
export class ForkTemplate {
  readonly #child: ChildProcess;
  readonly #workers = new Map<number, ForkedWorker>();
  readonly #pendingForks = new Map<
    number,
    { token: string; resolve(worker: ForkedWorker): void; reject(error: Error): void }
  >();
  readonly #ready: Promise<void>;
  #nextId = 1;
  #dead: Error | undefined;

  private constructor(options: ForkTemplateOptions) {
    const pythonPath = [workerPackageRoot, options.env?.PYTHONPATH ?? process.env.PYTHONPATH]
      .filter(Boolean)
      .join(delimiter);
    this.#child = spawn(options.python, ["-m", "snakebridge_worker.forkserver"], {
      cwd: options.cwd ?? process.cwd(),
      // Its own group: killing a worker's group must never take the template with it.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: "1" },
    });
    this.#child.stdin!.on("error", () => undefined);
    let stderr = "";
    this.#child.stderr!.setEncoding("utf8");
    this.#child.stderr!.on("data", (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the worker template did not start within ${options.startTimeoutMs ?? 30_000} ms`)),
        options.startTimeoutMs ?? 30_000,
      );
      timer.unref();
      const lines = createInterface({ input: this.#child.stdout! });
      lines.on("line", (line) => {
        let event: TemplateEvent;
        try {
          event = JSON.parse(line) as TemplateEvent;
        } catch {
          return; // not ours (nothing else writes there, but never crash on it)
        }
        if (event.event === "ready") {
          clearTimeout(timer);
          resolve();
        } else if (event.event === "failed") {
          clearTimeout(timer);
          reject(new Error(`the worker template could not preload: ${event.error}`));
        } else this.#dispatch(event);
      });
      // It could not be started at all (the interpreter went away, no permission): no exit follows.
      this.#child.once("error", (error) => {
        clearTimeout(timer);
        this.#dead = new Error(`the worker template could not be started: ${error.message}`);
        reject(this.#dead);
      });
      this.#child.once("exit", (code, signal) => {
        clearTimeout(timer);
        const error = new Error(
          `the worker template exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ""}`,
        );
        this.#dead = error;
        reject(error);
        for (const pending of this.#pendingForks.values()) pending.reject(error);
        this.#pendingForks.clear();
        // Its workers die with it (PDEATHSIG / parent polling); make sure, and report their exits.
        for (const worker of this.#workers.values()) {
          try {
            process.kill(-worker.pid, "SIGKILL");
          } catch {
            /* already gone */
          }
          worker.exited(null, "SIGKILL");
        }
        this.#workers.clear();
      });
    });
    this.#ready.catch(() => undefined);
  }

  /** Starts the template and waits until it has preloaded. */
  static async start(options: ForkTemplateOptions): Promise<ForkTemplate> {
    const template = new ForkTemplate(options);
    try {
      await template.#ready;
    } catch (error) {
      await template.dispose();
      throw error;
    }
    return template;
  }

  /** True while the template can fork. */
  get alive(): boolean {
    return this.#dead === undefined;
  }

  #dispatch(event: TemplateEvent): void {
    switch (event.event) {
      case "forked": {
        const pending = this.#pendingForks.get(event.id);
        this.#pendingForks.delete(event.id);
        if (!pending) return;
        const worker = new ForkedWorker(event.pid, pending.token);
        this.#workers.set(event.pid, worker);
        pending.resolve(worker);
        return;
      }
      case "fork_failed":
        this.#pendingForks.get(event.id)?.reject(new Error(`the worker template could not fork: ${event.error}`));
        this.#pendingForks.delete(event.id);
        return;
      case "output":
        this.#workers.get(event.pid)?.output(event.text);
        return;
      case "exit":
        this.#workers.get(event.pid)?.exited(event.code, event.signal);
        this.#workers.delete(event.pid);
        return;
      default:
        return;
    }
  }

  /** Forks one worker with the given environment; resolves once the process exists (not yet serving). */
  fork(env: Readonly<Record<string, string>>): Promise<ForkedWorker> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    // The token travels over the template's private stdin pipe, never on a command line.
    const token = randomBytes(24).toString("base64url");
    return new Promise<ForkedWorker>((resolve, reject) => {
      this.#pendingForks.set(id, { token, resolve, reject });
      this.#child.stdin!.write(JSON.stringify({ op: "fork", id, env, token }) + "\n");
    });
  }

  /**
   * Stops the template: closing its stdin makes it SIGKILL every process below it (workers, what they started,
   * orphans it adopted as their subreaper) and exit. SIGKILLs its group if it has not exited within graceMs.
   */
  async dispose(graceMs = 3_000): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    child.stdin?.end();
    if (await exited) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
