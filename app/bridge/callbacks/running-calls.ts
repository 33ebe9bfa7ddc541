// The calls running on workers, by id, each with a signal for its callbacks that aborts when the call ends.
import { ReleasingMap } from "../../base/index.js";

/** What a running call needs to give its callbacks a signal. */
export interface EndsCallbacks {
  /** Created when a callback first asks (most calls have none); aborted when the call ends. */
  ended?: AbortController;
  interrupt: { readonly expired: Promise<never> };
}

/**
 * The running calls by id; delete() (the call ended) aborts the call's callback signal. Releasing: an entry holds its
 * call's whole graph (interrupt, listeners, promise), and calls end at 80 k/s (app/base/releasing-map.ts).
 */
export class RunningCalls<V extends EndsCallbacks> extends ReleasingMap<string, V> {
  override delete(callId: string): boolean {
    this.get(callId)?.ended?.abort(new Error(`call ${callId} ended`));
    return super.delete(callId);
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
