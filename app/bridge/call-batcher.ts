// Calls that may run on any worker travel together: those issued in one tick leave as a few frames, one per idle
// worker, so that two calls issued together still run in parallel and sixteen travel as two frames.
import type { CallRequest, CallResponse } from "../../proto/generated/snakebridge/v1/worker.js";
import type { ProcessPool, WorkerInfo } from "../pool/index.js";
import { settleCrash, type CallControl } from "./call-control.js";
import type { CallInterrupt } from "./call-interrupt.js";
import type { PythonWorker } from "./python-adapter.js";
import { PythonError } from "./python-error.js";
import type { PyValue } from "./values.js";

/** A call waiting for this tick's batch. */
export interface BatchedCall {
  request: CallRequest;
  target: string;
  interrupt: CallInterrupt;
  resolve(value: PyValue): void;
  reject(error: unknown): void;
  /** The host functions the request carries: delivered to the worker it leaves for. */
  functions: { deliver(workerId: string): void };
}

/** Reads a worker's answer: the value, or the PythonError it carries. */
export type ReadOutcome = (response: CallResponse, worker: WorkerInfo, target: string) => PyValue;

/** Collects the calls of one tick and sends them as pool tasks of several calls each. */
export class CallBatcher {
  #tick: BatchedCall[] = [];
  #batchesInFlight = 0;
  readonly #pool: ProcessPool<PythonWorker>;
  readonly #poolSize: number;
  readonly #control: CallControl;
  readonly #readOutcome: ReadOutcome;

  constructor(pool: ProcessPool<PythonWorker>, poolSize: number, control: CallControl, readOutcome: ReadOutcome) {
    this.#pool = pool;
    this.#poolSize = poolSize;
    this.#control = control;
    this.#readOutcome = readOutcome;
  }

  /** Adds a call to this tick's batch; the batch leaves once every continuation of this tick has run. */
  enqueue(call: BatchedCall): void {
    this.#tick.push(call);
    if (this.#tick.length === 1) process.nextTick(() => this.#dispatchTick());
  }

  #dispatchTick(): void {
    const calls = this.#tick;
    this.#tick = [];
    // One group per idle worker, as far as this bridge knows.
    const idle = Math.max(1, this.#poolSize - this.#batchesInFlight);
    const groups = Math.min(idle, calls.length);
    const size = Math.ceil(calls.length / groups);
    for (let i = 0; i < calls.length; i += size) {
      const group = calls.slice(i, i + size);
      this.#batchesInFlight += 1;
      this.#pool
        .run((worker, info) => this.#runBatch(worker, info, group), { label: group[0]?.target ?? "batch" })
        .catch((error: unknown) => {
          for (const call of group) call.reject(error);
        })
        .finally(() => {
          this.#batchesInFlight -= 1;
        })
        .catch(() => undefined);
    }
  }

  /** Runs a batch on one worker: one frame out, answers as they come (batched by the worker). */
  async #runBatch(worker: PythonWorker, info: WorkerInfo, group: readonly BatchedCall[]): Promise<void> {
    let crashed: unknown;
    // A count instead of Promise.all over one promise per call: this runs for every call in the hot path.
    let open = 0;
    let allAnswered = (): void => undefined;
    const answered = (): void => {
      if (--open === 0) allAnswered();
    };
    for (const call of group) {
      if (call.interrupt.error) {
        call.reject(call.interrupt.error); // ended while it waited for a worker: never start it
        continue;
      }
      const callId = call.request.callId;
      call.functions.deliver(info.id);
      const answer = worker.connection.callFast(call.request);
      this.#control.bind(call.interrupt, worker.connection, info, callId, call.target, answer);
      open += 1;
      answer.then(
        (response) => {
          this.#control.finish(callId);
          try {
            call.resolve(this.#readOutcome(response, info, call.target));
          } catch (error) {
            call.reject(error);
          }
          answered();
        },
        (error: unknown) => {
          this.#control.finish(callId);
          crashed ??= error;
          // A dead worker: the pool's verdict (out_of_memory when the memory watchdog killed it) rejects the
          // call instead, once the exit is seen (see the catch in #dispatchTick).
          if (!(error instanceof PythonError && error.classification === "worker_crashed")) call.reject(error);
          answered();
        },
      );
    }
    if (open > 0) await new Promise<void>((resolve) => (allAnswered = resolve));
    if (crashed === undefined) return;
    await settleCrash(worker, crashed);
    throw crashed; // the pool learns of the crash from the task too, as with a single call
  }
}
