// What every loop in a TypeScript cell calls on each turn (cell-transform.ts puts the call there).
//
// TypeScript cells run in the host process (typescript-cells.ts), so a loop that never gives the event loop a turn
// (`while (true) {}`, or `for (;;) await null`, which only ever runs microtasks) freezes the whole workbench: no
// other tab, chart or Python answer is served, and the Interrupt request itself cannot arrive. JavaScript cannot be
// preempted, but a loop can be made to check: the guard ends a loop that has held the event loop for longer than a
// limit, and ends the loops of a cell that was interrupted (which before went on running unseen after the cell
// reported "interrupted").
import { AsyncLocalStorage } from "node:async_hooks";

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

/** Thrown into a loop of a cell that was interrupted, so that it stops instead of running on in the background. */
export class CellInterruptedError extends Error {
  constructor() {
    super("the cell was interrupted");
    this.name = "CellInterruptedError";
  }
}

export const BLOCK_LIMIT_ENV = "SNAKEBRIDGE_TS_CELL_BLOCK_S";
/** Long enough for honest heavy work, short enough that a frozen workbench is noticed as a bug, not a hang. */
export const DEFAULT_BLOCK_LIMIT_MS = 10_000;
/** The clock is read once per this many turns: a turn of the guard must cost next to nothing. */
const TURNS_PER_CHECK = 1024;

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
  /** Set when the cell is interrupted: its loops end at their next turn. */
  interrupted: boolean;
  /** How long its loops may hold the event loop (0: as long as they like). */
  readonly limitMs: number;
}

// Which cell run the code now running belongs to. The context follows the cell's promises and timers, so a loop
// the cell left running after an interrupt is still its own, while a function it declared, called by a later cell,
// runs as part of that later cell.
const runs = new AsyncLocalStorage<CellRun>();

/** Runs `body` (a cell's code) as part of `run`. */
export function runAsCell<T>(run: CellRun, body: () => T): T {
  return runs.run(run, body);
}

// One event loop per process, so one record of when it last turned, shared by every cell's loops.
let turns = 0;
/** When the current stretch without a turn of the event loop began (undefined: it has turned since). */
let stretchSince: number | undefined;
const turned = (): void => {
  stretchSince = undefined;
};

/**
 * What every loop of a cell calls on each turn: throws CellInterruptedError once the cell it runs for was
 * interrupted, and CellBlockedError when the event loop has not turned for the cell's limit.
 */
export function loopTurn(): void {
  const run = runs.getStore();
  if (run === undefined) return; // code outside any cell (a cell's function called by the host itself)
  if (run.interrupted) throw new CellInterruptedError();
  if (run.limitMs <= 0 || ++turns % TURNS_PER_CHECK !== 0) return;
  const now = performance.now();
  if (stretchSince === undefined) {
    // A setImmediate runs only once the event loop takes its turn for I/O: until then, this stretch goes on.
    stretchSince = now;
    setImmediate(turned);
  } else if (now - stretchSince > run.limitMs) {
    stretchSince = undefined; // the next stretch (another cell's) is measured from its own start
    throw new CellBlockedError(run.limitMs);
  }
}
