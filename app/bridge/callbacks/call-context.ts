// The call a callback runs for: which Python call is waiting on it, on which worker, and a signal that aborts
// when that call ends (finished, timed out or cancelled). AsyncLocalStorage carries it through the callback's
// awaits, so a bridge call made inside the callback knows its parent and goes to the waiting worker.
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallContext {
  /** The id of the Python call waiting on this callback. */
  readonly callId: string;
  /** The worker running that call (calls made from the callback are served there). */
  readonly workerId: string;
  /** Aborts when the waiting call ends or Python stops waiting for this callback. */
  readonly signal: AbortSignal;
  /** The bridge that runs the call (a callback of one bridge calling another bridge is not nested). */
  readonly owner: object;
}

export const callContext = new AsyncLocalStorage<CallContext>();

/** The call the current callback runs for, or undefined outside callbacks. */
export function currentCall(): CallContext | undefined {
  return callContext.getStore();
}
