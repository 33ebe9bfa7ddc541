// One path for ending a running call: its deadline, its caller's AbortSignal and cancel(callId) all fire here.
import { Deadlines, type Deadline, type Expiring } from "./deadlines.js";
import { PythonError } from "./python-error.js";

/** Every call's deadline, on one timer per delay (deadlines.ts). */
const deadlines = new Deadlines();

/** How the worker is told to stop a call; resolves with whether the worker knew the call. */
export type InterruptSender = () => Promise<boolean>;

/** Throws unless `timeoutMs` is a deadline a call can have: milliseconds, with 0 and Infinity meaning none. */
export function checkTimeout(timeoutMs: number | undefined, target: string): void {
  if (timeoutMs === undefined || timeoutMs >= 0) return;
  throw PythonError.bridge(
    "value_error",
    `timeoutMs must be a number of milliseconds, 0 or more (0 or Infinity: no deadline); ${target} was given ${String(timeoutMs)}`,
    target,
  );
}

/**
 * What an AbortSignal's reason adds to a cancellation's message: ": <text>" for a reason the caller gave, nothing
 * for none or for the DOMException a bare `abort()` makes (its text, "This operation was aborted", says no more).
 */
function describeAbortReason(reason: unknown): string {
  if (reason === undefined || reason === null) return "";
  if (reason instanceof Error) {
    if (reason.name === "AbortError" || reason.message === "") return "";
    return `: ${reason.message}`;
  }
  const text = typeof reason === "string" ? reason : JSON.stringify(reason);
  return text === undefined || text === "" ? "" : `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * The interruption of one call. Firing tells its listeners (so the caller is answered at once) and sends the
 * interrupt to the worker running the call, if it has started; a call that has not started never will.
 * Disposing stops the deadline timer and the signal listener, never an interrupt that has already fired.
 */
export class CallInterrupt implements Expiring {
  #expired: Promise<never> | undefined;
  // Who to tell when it fires: most calls have one listener (their caller) and end without firing, so the first
  // is kept on its own and an array is made only for a second.
  #listener: ((error: PythonError) => void) | undefined;
  #moreListeners: ((error: PythonError) => void)[] | undefined;
  #error: PythonError | undefined;
  #sender: InterruptSender | undefined;
  #sent: Promise<boolean> | undefined;
  #deadline: Deadline | undefined;
  readonly #timeoutMs: number;
  /** Made only for a call that has a signal: this runs for every call. */
  readonly #onAbort: (() => void) | undefined;
  readonly #target: string;
  readonly #signal: AbortSignal | undefined;

  constructor(target: string, timeoutMs: number, signal?: AbortSignal) {
    this.#target = target;
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
    if (timeoutMs > 0 && timeoutMs !== Infinity) this.#deadline = deadlines.set(timeoutMs, this);
    if (signal === undefined) return;
    if (signal.aborted) {
      void this.fire("cancelled", undefined, signal.reason);
      return;
    }
    this.#onAbort = (): void => void this.fire("cancelled", undefined, signal.reason);
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The deadline has come (deadlines.ts calls this). */
  expire(): void {
    void this.fire("timeout", this.#timeoutMs);
  }

  /** Rejects with the interruption's error once it fires (made on first use; never resolves). */
  get expired(): Promise<never> {
    if (this.#expired === undefined) {
      this.#expired = new Promise<never>((_, reject) => this.whenFired(reject));
      this.#expired.catch(() => undefined);
    }
    return this.#expired;
  }

  /** Calls `listener` with the error when the interruption fires (at once if it already has). */
  whenFired(listener: (error: PythonError) => void): void {
    if (this.#error !== undefined) listener(this.#error);
    else if (this.#listener === undefined) this.#listener = listener;
    else (this.#moreListeners ??= []).push(listener);
  }

  /** The error the call ended with, once fired. */
  get error(): PythonError | undefined {
    return this.#error;
  }

  /**
   * Ends the call: answers the caller now and interrupts the worker; resolves with whether the worker knew it.
   * `abortReason` (an AbortSignal's reason) becomes the error's cause, and its text joins the message.
   */
  fire(reason: "cancelled" | "timeout", timeoutMs?: number, abortReason?: unknown): Promise<boolean> {
    if (this.#error === undefined) {
      this.#error =
        reason === "timeout"
          ? PythonError.bridge(
              "timeout",
              `${this.#target} did not finish within ${timeoutMs ?? 0} ms; pass a larger timeout if it needs longer`,
              this.#target,
            )
          : PythonError.bridge(
              "cancelled",
              `${this.#target} was cancelled${describeAbortReason(abortReason)}`,
              this.#target,
              abortReason,
            );
      const first = this.#listener;
      const more = this.#moreListeners ?? [];
      this.#listener = undefined;
      this.#moreListeners = undefined;
      first?.(this.#error);
      for (const listener of more) listener(this.#error);
      this.dispose();
    }
    if (this.#sent === undefined && this.#sender !== undefined) this.#sent = this.#sender();
    return this.#sent ?? Promise.resolve(false);
  }

  /** Called once the call runs on a worker: how to interrupt it there. Fires at once if already interrupted. */
  bind(sender: InterruptSender): void {
    this.#sender = sender;
    if (this.#error !== undefined && this.#sent === undefined) this.#sent = sender();
  }

  /** Stops the deadline and the signal listener. */
  dispose(): void {
    this.#deadline?.cancel();
    this.#deadline = undefined;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
