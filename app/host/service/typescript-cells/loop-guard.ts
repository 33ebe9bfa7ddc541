// What every loop in a TypeScript cell calls on each turn (cell-transform.ts puts the call there, and first in every
// async function, whose recursion never overflows the stack).
//
// TypeScript cells run in the host process (typescript-cells.ts), so a loop that never gives the event loop a turn
// (`while (true) {}`, or `for (;;) await null`, which only ever runs microtasks) freezes the whole workbench: no
// other tab, chart or Python answer is served, and the Interrupt request itself cannot arrive. JavaScript cannot be
// preempted, but a loop can be made to check: the guard ends a loop that has held the event loop for longer than a
// limit, and tells the loops of an interrupted cell so, once, as Python raises KeyboardInterrupt (before, such a
// loop went on running unseen after the cell reported "interrupted").
import { AsyncLocalStorage } from "node:async_hooks";

export const BLOCK_LIMIT_ENV = "SNAKEBRIDGE_TS_CELL_BLOCK_S";
/** Long enough for honest heavy work, short enough that a frozen workbench is noticed as a bug, not a hang. */
export const DEFAULT_BLOCK_LIMIT_MS = 10_000;
/** The clock is read once per this many turns: a turn of the guard must cost next to nothing. */
const TURNS_PER_CHECK = 1024;
/** An interrupted cell's code that goes on looping (it caught the interruption) is told again after this long. */
const RETELL_MS = 1_000;

/** Thrown into a cell's loop that held the host's event loop past the limit. */
export class CellBlockedError extends Error {
  constructor(limitMs: number) {
    super(
      `this cell kept the host busy for ${limitMs / 1000} s without letting it do anything else (an endless loop?), ` +
        "so the loop was stopped: meanwhile the workbench could not answer other tabs, charts or Python. A loop that " +
        `awaits real work (a Python call, a timer) never trips this; set ${BLOCK_LIMIT_ENV} (seconds) to allow longer`,
    );
    this.name = "CellBlockedError";
  }
}

/** Thrown into a loop of a cell that was interrupted (or whose notebook restarted), so that it stops. */
export class CellInterruptedError extends Error {
  constructor() {
    super("the cell was interrupted");
    this.name = "CellInterruptedError";
  }
}

/** Whether `error` is one the guard threw (it ends a loop; nothing else is wrong). */
export function isGuardError(error: unknown): error is CellBlockedError | CellInterruptedError {
  return error instanceof CellBlockedError || error instanceof CellInterruptedError;
}

/** The block limit from $SNAKEBRIDGE_TS_CELL_BLOCK_S (seconds; 0 turns the check off), else the default. */
export function blockLimitMs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_BLOCK_LIMIT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    process.emitWarning(
      `ignoring ${BLOCK_LIMIT_ENV}=${JSON.stringify(raw)} (not a number of seconds, 0 or more); using ${DEFAULT_BLOCK_LIMIT_MS / 1000}`,
      "SnakebridgeConfig",
    );
    return DEFAULT_BLOCK_LIMIT_MS;
  }
  return seconds * 1000;
}

/** One run of a cell: what its loops check on each turn, wherever they run (timers it set, functions it called). */
export interface CellRun {
  /** Set when the cell is interrupted or its notebook restarts. */
  interrupted: boolean;
  /** How long its loops may hold the event loop (0: as long as they like). */
  readonly limitMs: number;
  /** When its code was last told of the interruption (undefined: not yet). */
  toldAt?: number;
  /** Tells the cell's user of an error its code threw where nothing catches it (see installGuardErrorNet). */
  report?(error: unknown): void;
}

// Which cell run the code now running belongs to. The context follows the cell's promises and timers, so a loop
// the cell left running after an interrupt is still its own, while a function it declared, called by a later cell,
// runs as part of that later cell.
const runs = new AsyncLocalStorage<CellRun>();

// One event loop per process, so one record of when it last turned, shared by every cell's loops.
let turns = 0;
/** When the current stretch without a turn of the event loop began (undefined: it has turned since). */
let stretchSince: number | undefined;
/** Set once a stretch passed its limit: every loop turn throws it until the event loop turns. */
let tripped: CellBlockedError | undefined;
const turned = (): void => {
  stretchSince = undefined;
  tripped = undefined;
};

/** Runs `body` (a cell's code) as part of `run`. */
export function runAsCell<T>(run: CellRun, body: () => T): T {
  // A new cell is a new stretch: the one that tripped before it ended with its cell, maybe before the event loop
  // had its turn (the next cell may start on a microtask).
  stretchSince = undefined;
  tripped = undefined;
  return runs.run(run, body);
}

/**
 * What every loop of a cell calls on each turn: throws CellInterruptedError into the cell it runs for once that was
 * interrupted, and CellBlockedError when the event loop has not turned for the cell's limit.
 */
export function loopTurn(): void {
  // Thrown at every turn, not once: a loop that catches errors around an inner loop would otherwise start over.
  if (tripped !== undefined) throw tripped;
  const run = runs.getStore();
  if (run?.interrupted === true) tellInterrupted(run);
  if (++turns % TURNS_PER_CHECK !== 0) return;
  const limitMs = run?.limitMs ?? DEFAULT_BLOCK_LIMIT_MS;
  if (limitMs <= 0) return;
  const now = performance.now();
  if (stretchSince === undefined) {
    // A setImmediate runs only once the event loop takes its turn for I/O: until then, this stretch goes on.
    stretchSince = now;
    setImmediate(turned);
  } else if (now - stretchSince > limitMs) {
    tripped = new CellBlockedError(limitMs);
    throw tripped;
  }
}

function tellInterrupted(run: CellRun): void {
  const now = performance.now();
  // Once, as Python's KeyboardInterrupt is raised once: the cell's finally blocks then run their own loops.
  if (run.toldAt !== undefined && now - run.toldAt < RETELL_MS) return;
  run.toldAt = now;
  throw new CellInterruptedError();
}

let netInstalled = false;

/**
 * How this process treats an unhandled rejection when nothing listens: Node's `--unhandled-rejections` mode, "throw"
 * by default, "warn" in Electron's main process (where the host runs in the desktop app).
 */
export function unhandledRejectionMode(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
  electron: boolean = process.versions.electron !== undefined,
): string {
  const flag = [...execArgv, ...nodeOptions.split(/\s+/)]
    .reverse()
    .find((arg) => arg.startsWith("--unhandled-rejections="));
  return flag?.slice("--unhandled-rejections=".length) ?? (electron ? "warn" : "throw");
}

/**
 * Catches what a cell's code throws where nothing catches it, which would otherwise end the host process and every
 * tab with it:
 * - an uncaught exception thrown by a cell's code (a callback it gave `process.nextTick`, `globalThis.setTimeout` or
 *   an event emitter, which bypass the cell's own timers), and a rejection of its promises that nobody handles (an
 *   un-awaited async function), are reported to that cell's user (`CellRun.report`), the guard's errors included;
 *   the cell is the one whose async context the callback or promise belongs to;
 * - the guard's error outside any cell's context is reported on stderr.
 * Everything else goes as it would without these listeners: an uncaught exception outside cells ends the process
 * (rethrown, when no other listener takes it: Node then reports it and exits with code 7), and an unhandled rejection
 * is raised in "throw" mode (alone), a warning in the others, and left to other listeners where there are any.
 */
export function installGuardErrorNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  const mode = unhandledRejectionMode();
  process.on("unhandledRejection", (reason) => {
    // The listener runs in the async context of the promise: a cell's own rejection is that cell's error.
    const report = runs.getStore()?.report;
    if (report !== undefined) {
      if (!(reason instanceof CellInterruptedError)) report(reason);
      return;
    }
    if (!isGuardError(reason)) {
      if (process.listenerCount("unhandledRejection") > 1 || mode === "none") return;
      if (mode === "throw" || mode === "strict") throw reason;
      process.emitWarning(`Unhandled promise rejection: ${String(reason)}`, "UnhandledPromiseRejectionWarning");
      return;
    }
    if (reason instanceof CellBlockedError)
      console.error(`snakebridge: a loop a TypeScript cell left running was stopped: ${reason.message}`);
  });
  process.on("uncaughtException", (error) => {
    // The listener runs in the async context of the code that threw.
    const report = runs.getStore()?.report;
    if (report !== undefined) {
      if (!(error instanceof CellInterruptedError)) report(error);
      return;
    }
    if (isGuardError(error)) {
      if (error instanceof CellBlockedError)
        console.error(`snakebridge: a loop a TypeScript cell left running was stopped: ${error.message}`);
      return;
    }
    if (process.listenerCount("uncaughtException") > 1) return;
    throw error;
  });
}
