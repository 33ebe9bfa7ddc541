// One path for ending a running call: its deadline, its caller's AbortSignal and cancel(callId) all fire here.
import { PythonError } from "./python-error.js";

/** How the worker is told to stop a call; resolves with whether the worker knew the call. */
export type InterruptSender = () => Promise<boolean>;

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); longer ones fire at once, with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
export class CallInterrupt {
  #expired: Promise<never> | undefined;
  // Listeners to tell when it fires; most calls end without firing, so nothing is allocated until one is added.
  #listeners: ((error: PythonError) => void)[] | undefined;
  #error: PythonError | undefined;
  #sender: InterruptSender | undefined;
  #sent: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #onAbort = (): void => {
    void this.fire("cancelled", undefined, this.#signal?.reason);
  };
  readonly #target: string;
  readonly #signal: AbortSignal | undefined;

  constructor(target: string, timeoutMs: number, signal?: AbortSignal) {
    this.#target = target;
    this.#signal = signal;
    if (timeoutMs > 0 && timeoutMs !== Infinity) this.#arm(timeoutMs, timeoutMs);
    if (signal?.aborted === true) void this.fire("cancelled", undefined, signal.reason);
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Fires after `remainingMs`, in steps a Node timer can take: a longer delay fired after 1 ms. */
  #arm(remainingMs: number, timeoutMs: number): void {
    const step = Math.min(remainingMs, MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      if (remainingMs > step) this.#arm(remainingMs - step, timeoutMs);
      else void this.fire("timeout", timeoutMs);
    }, step);
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
    else (this.#listeners ??= []).push(listener);
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
      const listeners = this.#listeners ?? [];
      this.#listeners = undefined;
      for (const listener of listeners) listener(this.#error);
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

  /** Stops the deadline timer and the signal listener. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
