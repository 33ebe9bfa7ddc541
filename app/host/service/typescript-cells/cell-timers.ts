// The timer functions a TypeScript cell sees in place of the global ones (typescript-cells.ts binds them inside the
// cell's scope). They are the global timers, with what a cell running in the host needs besides:
// - an error thrown inside a callback is reported (the loop guard's ends that timer) instead of reaching the event
//   loop as an uncaught exception, which would end the host process;
// - interrupting the cell clears its intervals; restarting its notebook also skips every callback still to come
//   (a setTimeout chain that reschedules itself included).
import { promisify } from "node:util";
import { CellBlockedError, isGuardError } from "./loop-guard.js";

type Callback = (...args: unknown[]) => void;
type TimerHandle = Parameters<typeof clearTimeout>[0];

/** What a cell calls its timers by. */
export interface CellTimers {
  setTimeout(callback: Callback, ms?: number, ...args: unknown[]): NodeJS.Timeout;
  setInterval(callback: Callback, ms?: number, ...args: unknown[]): NodeJS.Timeout;
  setImmediate(callback: Callback, ...args: unknown[]): NodeJS.Immediate;
  clearTimeout(handle: TimerHandle): void;
  clearInterval(handle: TimerHandle): void;
  clearImmediate(handle: NodeJS.Immediate | undefined): void;
  queueMicrotask(callback: () => void): void;
  /** On interrupt: clears the cell's intervals. A timeout it awaits still fires, so its finally blocks run. */
  stopIntervals(): void;
  /** On restart: clears the intervals and skips every callback still to come. */
  stopAll(): void;
}

/** The names a cell's code calls its timers by, in CellTimers. */
export const TIMER_NAMES = [
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
] as const;

/** A cell's timers; `report` tells the user of an error thrown in a callback (the block limit's included). */
export function cellTimers(report: (error: unknown) => void): CellTimers {
  const intervals = new Set<NodeJS.Timeout>();
  let stopped = false;
  /**
   * The callback as a timer runs it: skipped once the cell is stopped, called with `self()` as `this` (its timer, as
   * Node does), an error reported; the guard's error also ends the timer (`onGuard`).
   */
  const guarded = (callback: Callback, onGuard: () => void, self: () => unknown = () => undefined): Callback => {
    // What the global timers say at once; wrapped, a string or object would fail later, inside the event loop.
    if (typeof callback !== "function")
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    return (...args) => {
      if (stopped) return;
      try {
        callback.apply(self(), args);
      } catch (error) {
        if (isGuardError(error)) onGuard();
        if (!isGuardError(error) || error instanceof CellBlockedError) report(error);
      }
    };
  };
  const forget = (handle: TimerHandle): void => {
    for (const kept of intervals) if (kept === handle) intervals.delete(kept);
  };
  const timeout = (callback: Callback, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
    const handle: NodeJS.Timeout = setTimeout(
      guarded(
        callback,
        () => undefined,
        () => handle,
      ),
      ms,
      ...args,
    );
    return handle;
  };
  const immediate = (callback: Callback, ...args: unknown[]): NodeJS.Immediate => {
    const handle: NodeJS.Immediate = setImmediate(
      guarded(
        callback,
        () => undefined,
        () => handle,
      ),
      ...args,
    );
    return handle;
  };
  // util.promisify(setTimeout) in a cell sleeps, as it does with Node's own.
  Object.defineProperty(timeout, promisify.custom, { value: Reflect.get(setTimeout, promisify.custom) as unknown });
  Object.defineProperty(immediate, promisify.custom, { value: Reflect.get(setImmediate, promisify.custom) as unknown });
  const stopIntervals = (): void => {
    for (const handle of intervals) clearInterval(handle);
    intervals.clear();
  };
  return {
    setTimeout: timeout,
    setInterval: (callback, ms, ...args) => {
      const handle: NodeJS.Timeout = setInterval(
        guarded(
          callback,
          () => {
            clearInterval(handle);
            forget(handle);
          },
          () => handle,
        ),
        ms,
        ...args,
      );
      intervals.add(handle);
      return handle;
    },
    setImmediate: immediate,
    clearTimeout: (handle) => clearTimeout(handle),
    clearInterval: (handle) => {
      clearInterval(handle);
      forget(handle);
    },
    clearImmediate: (handle) => clearImmediate(handle),
    queueMicrotask: (callback) => queueMicrotask(guarded(callback, () => undefined)),
    stopIntervals,
    stopAll: () => {
      stopped = true;
      stopIntervals();
    },
  };
}
