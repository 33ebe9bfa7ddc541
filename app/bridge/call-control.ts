// The calls running on workers, and the one way each is ended early: its deadline, its caller's AbortSignal,
// cancel(callId) and requestStop(callId) all reach the worker through here.
import type { ProcessPool, WorkerInfo } from "../pool/index.js";
import type { CallInterrupt } from "./call-interrupt.js";
import { RunningCalls } from "./callbacks/running-calls.js";
import type { PythonWorker } from "./python-adapter.js";
import { PythonError } from "./python-error.js";
import type { WorkerConnection } from "./worker-client.js";

/** A call running on a worker, by id. */
interface RunningCall {
  connection: WorkerConnection;
  workerId: string;
  interrupt: CallInterrupt;
  /** Aborted when the call ends: the signal its callbacks see (callbacks/running-calls.ts). */
  ended?: AbortController;
  /** Set once the worker was told to stop the call: replaces the worker unless the call ends first (finish). */
  grace?: NodeJS.Timeout;
}

/** How long a worker may ignore an interrupt before it is replaced, unless the bridge says otherwise. */
const DEFAULT_HUNG_CALL_GRACE_MS = 2000;
/** How long a lost connection waits for the worker's exit to be seen before the call gives up waiting. */
const CRASH_SETTLE_MS = 2000;

/** Registers running calls and interrupts them on their workers. */
export class CallControl {
  readonly running = new RunningCalls<RunningCall>();
  readonly #pool: ProcessPool<PythonWorker>;
  readonly #hungCallGraceMs: number;
  /** Callers' own call ids (CallOptions.callId) that a call holds, from its start until it has ended everywhere. */
  readonly #claimed = new Set<string>();
  /** Claimed ids whose callers have their answer but whose calls still run on a worker: freed by finish. */
  readonly #freeOnFinish = new Set<string>();

  constructor(pool: ProcessPool<PythonWorker>, hungCallGraceMs = DEFAULT_HUNG_CALL_GRACE_MS) {
    this.#pool = pool;
    this.#hungCallGraceMs = hungCallGraceMs;
  }

  /**
   * Makes `interrupt` reach the worker running the call: the worker gets an interrupt (SIGINT on its main
   * thread) and keeps the pool slot until the call has really ended (finish); if it ignores the interrupt for
   * hungCallGraceMs it is replaced. Also registers the call for cancel(callId) and requestStop(callId).
   * `onSent` learns whether the worker knew the call (a stream not yet known is cancelled at the RPC instead).
   */
  bind(
    interrupt: CallInterrupt,
    connection: WorkerConnection,
    worker: Pick<WorkerInfo, "id">,
    callId: string,
    target: string,
    onSent?: (found: boolean) => void,
  ): void {
    const call: RunningCall = { connection, workerId: worker.id, interrupt };
    this.running.set(callId, call);
    interrupt.bind(async () => {
      if (this.running.get(callId) !== call) return false; // it ended already: nothing to stop, nobody to replace
      const graceMs = this.#hungCallGraceMs;
      call.grace = setTimeout(() => {
        this.#pool.killWorker(worker.id, `call ${target} ignored an interrupt for ${graceMs} ms`);
      }, graceMs);
      call.grace.unref();
      const found = await connection.cancel(callId, false).catch(() => false);
      onSent?.(found);
      return found;
    });
  }

  /** The call has ended on its worker: forget it (its callbacks' signal aborts, and an interrupt's grace ends). */
  finish(callId: string): void {
    clearTimeout(this.running.get(callId)?.grace);
    this.running.delete(callId);
    if (this.#freeOnFinish.size > 0 && this.#freeOnFinish.delete(callId)) this.#claimed.delete(callId);
  }

  /**
   * Reserves a caller's own call id for one call and returns its release, to call once the caller has its answer.
   * Throws while another call holds the id: cancel(id) could not tell the two apart, and a worker would take the
   * second call's answer for the first's. The id stays held after the release while the call still runs on a
   * worker (an interrupted call winding down), until finish.
   */
  claim(callId: string, target: string): () => void {
    if (this.#claimed.has(callId)) {
      throw PythonError.bridge(
        "value_error",
        `call id ${JSON.stringify(callId)} belongs to a call that has not ended yet (an interrupted call keeps its ` +
          "id until its worker has stopped it); give each call its own CallOptions.callId, or leave it out to get " +
          "a generated one",
        target,
      );
    }
    this.#claimed.add(callId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.running.has(callId)) this.#freeOnFinish.add(callId);
      else this.#claimed.delete(callId);
    };
  }

  /** Interrupts a running call by id; false when it is not running. */
  cancel(callId: string): Promise<boolean> {
    const running = this.running.get(callId);
    return running === undefined ? Promise.resolve(false) : running.interrupt.fire("cancelled");
  }

  /** Asks a running call to finish at its next safe point; false when it is not running. */
  requestStop(callId: string): Promise<boolean> {
    const running = this.running.get(callId);
    return running === undefined ? Promise.resolve(false) : running.connection.cancel(callId, true);
  }

  /** The worker running a call. */
  workerOf(callId: string): string | undefined {
    return this.running.get(callId)?.workerId;
  }
}

/**
 * A lost connection usually means the process is dying. Hold the worker until its exit is observed, so the
 * pool sees the crash first and does not hand the next queued call to a dead process.
 */
export async function settleCrash(worker: PythonWorker, error: unknown): Promise<void> {
  if (!(error instanceof PythonError) || error.classification !== "worker_crashed") return;
  await Promise.race([worker.exited, new Promise((resolve) => setTimeout(resolve, CRASH_SETTLE_MS).unref())]);
}
