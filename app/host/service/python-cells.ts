// Runs Python code in a worker session (notebook cells, console inputs) and collects its outputs.
import { randomUUID } from "node:crypto";
import type { CellRunResult } from "../../api/workbench-api.js";
import type { CellOutput, DisplayBundle, PythonErrorView } from "../../api/values-view.js";
import type { PythonBridge } from "../../bridge/index.js";
import { pythonErrorView } from "./convert/python-error-view.js";
import { richValue } from "./convert/rich-value.js";
import { OutputCoalescer } from "./output-coalescer.js";

/** A display travels in stdout as ESC ] 5150 ; <json> BEL (see python/snakebridge_worker/display.py). */
const DISPLAY_MARKER = /\x1b\]5150;([^\x07]*)\x07/g;

/** Where a cell's printed text also goes: the Workers log of the worker that ran it. */
export type WorkerTextSink = (workerId: string, stream: "stdout" | "stderr", text: string) => void;

/** Splits worker stdout into text and the display outputs embedded in it, in order. */
export function splitDisplays(text: string): CellOutput[] {
  if (!text.includes("\x1b]5150;")) return [{ type: "stream", stream: "stdout", text }];
  const outputs: CellOutput[] = [];
  let at = 0;
  for (const match of text.matchAll(DISPLAY_MARKER)) {
    if (match.index > at) outputs.push({ type: "stream", stream: "stdout", text: text.slice(at, match.index) });
    try {
      outputs.push({ type: "display", data: JSON.parse(match[1] ?? "{}") as DisplayBundle });
    } catch {
      // Not one of ours (user code printed something that looks like a marker): show it as text.
      outputs.push({ type: "stream", stream: "stdout", text: match[0] });
    }
    at = match.index + match[0].length;
  }
  if (at < text.length) outputs.push({ type: "stream", stream: "stdout", text: text.slice(at) });
  return outputs;
}

const WORKER_FRAME = /[/\\]snakebridge_worker[/\\]/;

/** A Python traceback without the frames of the worker's own code (each frame: a `  File "…"` line and its indented source lines). */
export function withoutWorkerFrames(traceback: string): string {
  const lines = traceback.split("\n");
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (line.startsWith('  File "')) dropping = WORKER_FRAME.test(line);
    else if (!line.startsWith("    ")) dropping = false;
    if (!dropping) kept.push(line);
  }
  // Nothing of the user's left: the type and message say it all.
  if (traceback.includes('  File "') && !kept.some((line) => line.startsWith('  File "'))) return "";
  return kept.join("\n");
}

/** The error of a cell as the user should read it. */
function cellError(error: PythonErrorView, interrupted: boolean): PythonErrorView {
  // An interrupt is one line; where the worker happened to be when it stopped is not the user's business.
  if (interrupted)
    return { ...error, type: "Interrupted", module: "", message: "", traceback: "", classification: "cancelled" };
  // The missing-extra hint is the whole story; the frames that raised it are the worker's.
  if (error.type === "MissingDisplayExtra") return { ...error, traceback: "" };
  return { ...error, traceback: withoutWorkerFrames(error.traceback) };
}

/** Runs cells per session, one at a time per session, and interrupts the one running. */
export class PythonCellRunner {
  /** session → call id of the cell now running in it. */
  readonly #running = new Map<string, string>();
  readonly #bridge: PythonBridge;
  readonly #workerText: WorkerTextSink | undefined;

  constructor(bridge: PythonBridge, workerText?: WorkerTextSink) {
    this.#bridge = bridge;
    this.#workerText = workerText;
  }

  /** Runs `code` in `session`; outputs go to `onOutput` in coalesced chunks, and the kept ones come back in the result. */
  async run(
    session: string,
    code: string,
    onOutput: (output: CellOutput) => void,
    signal?: AbortSignal,
  ): Promise<CellRunResult> {
    const started = performance.now();
    const callId = randomUUID();
    // Looked up while the call runs: the bridge forgets which worker ran a call once it ends.
    let workerId: string | undefined;
    const coalescer = new OutputCoalescer((output) => {
      onOutput(output);
      if (output.type === "stream" && workerId !== undefined) this.#workerText?.(workerId, output.stream, output.text);
    });
    let status: CellRunResult["status"] = "ok";
    let executionCount: number | null = null;
    this.#running.set(session, callId);
    try {
      for await (const event of this.#bridge.evaluate(code, { session, callId, ...(signal ? { signal } : {}) })) {
        workerId ??= this.#bridge.workerOf(callId);
        if (event.type === "stdout") {
          for (const output of splitDisplays(event.text)) coalescer.push(output);
        } else if (event.type === "stderr") {
          coalescer.push({ type: "stream", stream: "stderr", text: event.text });
        } else if (event.type === "result") {
          executionCount = event.executionCount;
          // Like a Python prompt: a statement, or an expression that is None, shows nothing.
          if (event.value !== undefined && !(event.value === null && event.repr === "None")) {
            coalescer.push({ type: "result", executionCount, value: richValue(event.value), repr: event.repr });
          }
        } else if (event.type === "error") {
          // The bridge reports a request abort as a failed call; for the user it is an interrupt.
          const interrupted = event.error.classification === "cancelled" || signal?.aborted === true;
          status = interrupted ? "interrupted" : "error";
          coalescer.push({ type: "error", error: cellError(pythonErrorView(event.error), interrupted) });
        }
      }
    } finally {
      if (this.#running.get(session) === callId) this.#running.delete(session);
    }
    if (status === "error" && executionCount === null) executionCount = await this.#failedCellCount(session);
    return {
      status,
      executionCount,
      outputs: coalescer.outputs(),
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** A failed cell's number (an error carries none): asked of the session, as Jupyter shows it. */
  async #failedCellCount(session: string): Promise<number | null> {
    try {
      const count = await this.#bridge.call(
        "snakebridge_worker.notebook_scope.execution_count",
        [session],
        {},
        { session, affinity: "strict", timeoutMs: 5_000 },
      );
      return typeof count === "number" && count > 0 ? count : null;
    } catch (error) {
      // The number is a label; a cell that failed is still reported as failed without it.
      console.warn(`snakebridge host: could not read the execution count of session "${session}":`, error);
      return null;
    }
  }

  /** Interrupts the cell running in `session`; false when none is. */
  async interrupt(session: string): Promise<boolean> {
    const callId = this.#running.get(session);
    if (callId === undefined) return false;
    return this.#bridge.cancel(callId);
  }

  /** True while a cell runs in `session`. */
  isRunning(session: string): boolean {
    return this.#running.has(session);
  }
}
