// The timer functions a TypeScript cell sees in place of the global ones (typescript-cells.ts binds them inside the
// cell's scope). They are the global timers, with two differences a cell left running needs:
// - the loop guard's errors thrown inside a callback end that timer (an interval is cleared) instead of reaching
//   the event loop as an uncaught exception, which would end the host process;
// - a cell's intervals are kept, so that interrupting the cell or restarting its notebook clears them.
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
  /** Clears every interval the cell set and has not cleared (on interrupt, on restart). */
  stopIntervals(): void;
}

/** The names a cell's code calls its timers by, in CellTimers. */
export const TIMER_NAMES = [
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
] as const;

/** A cell's timers; `report` tells the user of a callback the block limit stopped. */
export function cellTimers(report: (error: CellBlockedError) => void): CellTimers {
  const intervals = new Set<NodeJS.Timeout>();
  /** Runs a callback; the guard's error ends it (and `onGuard` its timer), any other error is the callback's own. */
  const guarded = (callback: Callback, onGuard: () => void): Callback => {
    // What the global timers say at once; wrapped, a string or object would fail later, inside the event loop.
    if (typeof callback !== "function")
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    return (...args) => {
      try {
        callback(...args);
      } catch (error) {
        if (!isGuardError(error)) throw error;
        onGuard();
        if (error instanceof CellBlockedError) report(error);
      }
    };
  };
  const forget = (handle: TimerHandle): void => {
    for (const kept of intervals) if (kept === handle) intervals.delete(kept);
  };
  return {
    setTimeout: (callback, ms, ...args) =>
      setTimeout(
        guarded(callback, () => undefined),
        ms,
        ...args,
      ),
    setInterval: (callback, ms, ...args) => {
      const handle = setInterval(
        guarded(callback, () => {
          clearInterval(handle);
          forget(handle);
        }),
        ms,
        ...args,
      );
      intervals.add(handle);
      return handle;
    },
    setImmediate: (callback, ...args) =>
      setImmediate(
        guarded(callback, () => undefined),
        ...args,
      ),
    clearTimeout: (handle) => clearTimeout(handle),
    clearInterval: (handle) => {
      clearInterval(handle);
      forget(handle);
    },
    clearImmediate: (handle) => clearImmediate(handle),
    stopIntervals: () => {
      for (const handle of intervals) clearInterval(handle);
      intervals.clear();
    },
  };
}
