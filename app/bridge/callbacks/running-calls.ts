// The calls running on workers, by id, each with a signal for its callbacks that aborts when the call ends.
import { ReleasingMap } from "../../base/index.js";

/** What a running call needs to give its callbacks a signal. */
export interface EndsCallbacks {
  /** Created when a callback first asks (most calls have none); aborted when the call ends. */
  ended?: AbortController;
  interrupt: { readonly expired: Promise<never> };
}

/** The running calls by id; delete() (the call ended) aborts the call's callback signal. */
export class RunningCalls<V extends EndsCallbacks> {
  // Releasing: a call's entry holds its whole graph (interrupt, listeners, promise), deleted at 80 k calls/s.
  readonly #calls = new ReleasingMap<string, V>();

  /** Registers a running call. */
  set(callId: string, call: V): void {
    this.#calls.set(callId, call);
  }

  /** The running call `callId`, or undefined. */
  get(callId: string): V | undefined {
    return this.#calls.get(callId);
  }

  /** Whether `callId` is running. */
  has(callId: string): boolean {
    return this.#calls.has(callId);
  }

  /** The call ended: forgets it and aborts its callbacks' signal; false when it was not running. */
  delete(callId: string): boolean {
    this.#calls.get(callId)?.ended?.abort(new Error(`call ${callId} ended`));
    return this.#calls.delete(callId);
  }

  /** The signal for callbacks of `callId`: aborts when it ends or is interrupted; undefined when not running. */
  signalOf(callId: string): AbortSignal | undefined {
    const running = this.get(callId);
    if (running === undefined) return undefined;
    if (running.ended === undefined) {
      const ended = new AbortController();
      running.ended = ended;
      running.interrupt.expired.catch((error: unknown) => ended.abort(error));
    }
    return running.ended.signal;
  }
}
