// Calls that may run on any worker travel together: those issued in one tick leave as a few frames, one per idle
// worker, so that two calls issued together still run in parallel and sixteen travel as two frames.
import type { CallRequest, CallResponse } from "../../proto/generated/snakebridge/v1/worker.js";
import type { ProcessPool, WorkerInfo } from "../pool/index.js";
import { settleCrash, type CallControl } from "./call-control.js";
import type { CallInterrupt } from "./call-interrupt.js";
import type { AnswerReceiver } from "./call-lane.js";
import type { PythonWorker } from "./python-adapter.js";
import { PythonError } from "./python-error.js";
import type { PyValue } from "./values.js";

/** The functions a call's request carries: delivered to the worker it leaves for. */
interface OutgoingFunctionsOf {
  deliver(workerId: string): void;
}

/**
 * A call waiting for this tick's batch, and then on its worker: it hears its own answer (an AnswerReceiver), so a
 * call costs this one object where a promise per call cost six (a promise, its two functions, a continuation and
 * its two handlers).
 */
export class BatchedCall implements AnswerReceiver {
  /** The batch it left in, once it has left. */
  batch: BatchRun | undefined;

  constructor(
    readonly request: CallRequest,
    readonly target: string,
    readonly interrupt: CallInterrupt,
    readonly resolve: (value: PyValue) => void,
    readonly reject: (error: unknown) => void,
    readonly functions: OutgoingFunctionsOf,
  ) {}

  answered(response: CallResponse): void {
    const batch = this.#sentIn();
    if (batch === undefined) return;
    batch.control.finish(this.request.callId);
    try {
      this.resolve(batch.readOutcome(response, batch.info, this.target));
    } catch (error) {
      this.reject(error);
    }
    batch.settled();
  }

  failed(error: Error): void {
    const batch = this.#sentIn();
    if (batch === undefined) return;
    batch.control.finish(this.request.callId);
    batch.crashed ??= error;
    // A dead worker: the pool's verdict (out_of_memory when the memory watchdog killed it) rejects the call
    // instead, once the exit is seen (see the catch in #dispatch).
    if (!(error instanceof PythonError && error.classification === "worker_crashed")) this.reject(error);
    batch.settled();
  }

  /** Its batch; a call is only ever sent (and answered) once its batch is set, so none is a bug, reported here. */
  #sentIn(): BatchRun | undefined {
    if (this.batch === undefined)
      this.reject(PythonError.bridge("internal", `${this.target} was answered before it was sent`, this.target));
    return this.batch;
  }
}

/** One batch on its worker: counts its calls' answers down to the end of its pool task. */
class BatchRun {
  crashed: unknown;
  #open = 0;
  #allAnswered: (() => void) | undefined;

  constructor(
    readonly control: CallControl,
    readonly readOutcome: ReadOutcome,
    readonly info: WorkerInfo,
  ) {}

  /** One more call of this batch is on its way to the worker. */
  sent(): void {
    this.#open += 1;
  }

  /** One call of this batch has its outcome. */
  settled(): void {
    if (--this.#open === 0) this.#allAnswered?.();
  }

  /** Resolves once every call sent has its outcome. */
  allAnswered(): Promise<void> {
    return this.#open === 0 ? Promise.resolve() : new Promise((resolve) => (this.#allAnswered = resolve));
  }
}

/** Reads a worker's answer: the value, or the PythonError it carries. */
export type ReadOutcome = (response: CallResponse, worker: WorkerInfo, target: string) => PyValue;

/** Collects the calls of one tick and sends them as pool tasks of several calls each. */
export class CallBatcher {
  #tick: BatchedCall[] = [];
  #batchesInFlight = 0;
  /** Calls of earlier ticks waiting for a batch to end, every worker having one (see #dispatch). */
  #held: BatchedCall[] = [];
  #dispatchScheduled = false;
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

  /** How many calls wait here for a batch to end (every worker having one); those already interrupted do not. */
  get held(): number {
    let waiting = 0;
    for (const call of this.#held) if (call.interrupt.error === undefined) waiting += 1;
    return waiting;
  }

  /** Adds a call to this tick's batch; the batch leaves once every continuation of this tick has run. */
  enqueue(call: BatchedCall): void {
    this.#tick.push(call);
    this.#scheduleDispatch();
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    process.nextTick(() => this.#dispatch());
  }

  #dispatch(): void {
    this.#dispatchScheduled = false;
    const calls = this.#held.length === 0 ? this.#tick : this.#held.concat(this.#tick);
    this.#tick = [];
    // Every worker has a batch already: these wait here for one to end, and leave with the calls of that tick.
    // Sent as one more batch instead, they would wait in the pool's queue and go alone; the split, once made (a
    // frame whose answers came in two reads, say), would last: 16 calls in flight on two workers travelling as
    // frames of 8, 5 and 3 instead of 8 and 8.
    if (this.#batchesInFlight >= this.#poolSize) {
      this.#held = calls;
      return;
    }
    this.#held = [];
    if (calls.length === 0) return;
    // One group per idle worker, as far as this bridge knows.
    const groups = Math.min(this.#poolSize - this.#batchesInFlight, calls.length);
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
          // After the continuations of the answers, which may add calls: the held ones leave with them.
          if (this.#held.length > 0) this.#scheduleDispatch();
        })
        .catch(() => undefined);
    }
  }

  /** Runs a batch on one worker: one frame out, answers as they come (batched by the worker). */
  async #runBatch(worker: PythonWorker, info: WorkerInfo, group: readonly BatchedCall[]): Promise<void> {
    const batch = new BatchRun(this.#control, this.#readOutcome, info);
    for (const call of group) {
      if (call.interrupt.error) {
        call.reject(call.interrupt.error); // ended while it waited for a worker: never start it
        continue;
      }
      call.batch = batch;
      call.functions.deliver(info.id);
      batch.sent();
      worker.connection.sendFast(call.request, call);
      this.#control.bind(call.interrupt, worker.connection, info, call.request.callId, call.target);
    }
    await batch.allAnswered();
    if (batch.crashed === undefined) return;
    await settleCrash(worker, batch.crashed);
    throw batch.crashed; // the pool learns of the crash from the task too, as with a single call
  }
}
