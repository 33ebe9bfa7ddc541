// Runs Python code in a worker session (notebook cells, console inputs) and collects its outputs.
import { randomUUID } from "node:crypto";
import type { CellRunResult } from "../../api/workbench-api.js";
import type { CellOutput } from "../../api/values-view.js";
import type { PythonBridge } from "../../bridge/index.js";
import { pythonErrorView } from "./convert/python-error-view.js";
import { richValue } from "./convert/rich-value.js";

/** Runs cells per session, one at a time per session, and interrupts the one running. */
export class PythonCellRunner {
  /** session → call id of the cell now running in it. */
  readonly #running = new Map<string, string>();

  constructor(private readonly bridge: PythonBridge) {}

  /** Runs `code` in `session`; each output goes to `onOutput` as it happens and all of them come back in the result. */
  async run(session: string, code: string, onOutput: (output: CellOutput) => void, signal?: AbortSignal): Promise<CellRunResult> {
    const started = performance.now();
    const callId = randomUUID();
    const outputs: CellOutput[] = [];
    const push = (output: CellOutput): void => {
      outputs.push(output);
      onOutput(output);
    };
    let status: CellRunResult["status"] = "ok";
    let executionCount: number | null = null;
    this.#running.set(session, callId);
    try {
      for await (const event of this.bridge.evaluate(code, { session, callId, ...(signal ? { signal } : {}) })) {
        if (event.type === "stdout" || event.type === "stderr") {
          push({ type: "stream", stream: event.type, text: event.text });
        } else if (event.type === "result") {
          executionCount = event.executionCount;
          // Like a Python prompt: a statement, or an expression that is None, shows nothing.
          if (event.value !== undefined && !(event.value === null && event.repr === "None")) {
            push({ type: "result", executionCount, value: richValue(event.value), repr: event.repr });
          }
        } else if (event.type === "error") {
          // The bridge reports a request abort as a failed call; for the user it is an interrupt.
          const interrupted = event.error.classification === "cancelled" || signal?.aborted === true;
          status = interrupted ? "interrupted" : "error";
          const error = pythonErrorView(event.error);
          push({ type: "error", error: interrupted ? { ...error, classification: "cancelled", message: error.classification === "cancelled" ? error.message : "the cell was cancelled" } : error });
        }
      }
    } finally {
      if (this.#running.get(session) === callId) this.#running.delete(session);
    }
    return { status, executionCount, outputs, durationMs: Math.round(performance.now() - started) };
  }

  /** Interrupts the cell running in `session`; false when none is. */
  async interrupt(session: string): Promise<boolean> {
    const callId = this.#running.get(session);
    if (callId === undefined) return false;
    return this.bridge.cancel(callId);
  }

  /** True while a cell runs in `session`. */
  isRunning(session: string): boolean {
    return this.#running.has(session);
  }
}
