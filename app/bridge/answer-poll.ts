// How the host waits for a local worker's answer: it polls the lane for a short while before going back to its
// event loop's wait, when that answer is the only one it awaits and a CPU is free for it (CallLane decides).
//
// The mirror of the worker's poll after answering (python/snakebridge_worker/rpc/poll_window.py): a host that goes
// back to epoll_wait while a small call runs lets its vCPU idle, and on a virtual machine waking it costs the answer
// 15-30 µs (the worker's write pays for the wake-up, then the host's loop). Polling for up to the window keeps the
// host's CPU awake for the 15-40 µs a small call takes. The window adapts to how soon answers come, by the same
// rules as the worker's, so a host whose calls take longer stops polling after a few of them.
import { readSync } from "node:fs";
import { availableParallelism } from "node:os";

export const HOST_SPIN_ENV = "SNAKEBRIDGE_HOST_SPIN_US";
// Taken when this module loads: a test that fakes timers (Vitest fakes performance and setImmediate by default) must
// not stop the window's clock, which would make a poll spin until its answer came, nor swallow the immediate that
// ends a hold of the loop, which would stop polling for good.
/** The clock polls are timed with, in ms. */
export const pollClock: () => number = performance.now.bind(performance);
const realSetImmediate = globalThis.setImmediate;
/** Covers a small call's answer from an idle worker (30-60 µs here) with room; measured in docs/ARCHITECTURE.md. */
export const DEFAULT_HOST_SPIN_US = 200;
/** The most a host polls for one answer, however it is configured: the event loop waits meanwhile. */
const MAX_HOST_SPIN_US = 2_000;
/**
 * Answers taken inside polls keep the process in one turn of its event loop: the caller's next call is written, and
 * polled for, before timers and other I/O get theirs. After this long without a turn, answers come through the loop.
 */
const MAX_LOOP_HOLD_MS = 2;

/** The host's poll window from `raw` ($SNAKEBRIDGE_HOST_SPIN_US) on `cpus` CPUs, and why `raw` was ignored if it was. */
export function hostSpinUs(raw: string | undefined, cpus: number): { us: number; ignored?: string } {
  // On one CPU a polling host only holds back the worker it waits for.
  if (cpus < 2) return { us: 0 };
  if (raw === undefined || raw.trim() === "") return { us: DEFAULT_HOST_SPIN_US };
  const value = Number(raw);
  if (Number.isNaN(value))
    return {
      us: DEFAULT_HOST_SPIN_US,
      ignored: `ignoring ${HOST_SPIN_ENV}=${JSON.stringify(raw)} (not a number of microseconds); using ${DEFAULT_HOST_SPIN_US}`,
    };
  return { us: Math.min(Math.max(value, 0), MAX_HOST_SPIN_US) };
}

let configured: number | undefined;
/** The CPUs this process may run on, read once. */
export const pollCpus: number = availableParallelism();

/** This process's poll window in µs, read from the environment once (a bad value is reported once, as a warning). */
export function configuredHostSpinUs(): number {
  if (configured !== undefined) return configured;
  const { us, ignored } = hostSpinUs(process.env[HOST_SPIN_ENV], pollCpus);
  if (ignored !== undefined) process.emitWarning(ignored, "SnakebridgeConfig");
  configured = us;
  return us;
}

/**
 * The current poll window in ms, between zero and `longestMs`. An answer that came after polling gave up, but within
 * the longest window, restores the whole window; a later one halves it; below an eighth of the longest it is none.
 */
export class PollWindow {
  readonly longestMs: number;
  currentMs: number;

  constructor(longestMs: number) {
    this.longestMs = Math.max(0, longestMs);
    this.currentMs = this.longestMs;
  }

  /** Something arrived `gapMs` after polling began, once polling had given up (or there was no window). */
  woke(gapMs: number): void {
    if (this.longestMs <= 0) return;
    if (gapMs <= this.longestMs) {
      this.currentMs = this.longestMs;
      return;
    }
    const halved = this.currentMs / 2;
    this.currentMs = halved >= this.longestMs / 8 ? halved : 0;
  }
}

/** When polls began to hold the event loop (undefined: it has turned since). */
let loopHeldSince: number | undefined;
const loopTurned = (): void => {
  loopHeldSince = undefined;
};

/** Whether a poll may hold the event loop now: false once polls have held it for MAX_LOOP_HOLD_MS without a turn. */
export function mayHoldLoop(now: number): boolean {
  if (loopHeldSince === undefined) {
    loopHeldSince = now;
    realSetImmediate(loopTurned); // runs once the loop has taken its turn for I/O
    return true;
  }
  return now - loopHeldSince <= MAX_LOOP_HOLD_MS;
}

/**
 * Reads the non-blocking `fd` into `buffer` until something comes or `windowMs` passes: the bytes read, 0 at the end
 * of the stream, undefined when nothing came. A failing read also gives undefined: the same read by the event loop,
 * which owns the descriptor, reports it.
 */
export function pollRead(fd: number, buffer: Uint8Array, windowMs: number): number | undefined {
  const deadline = pollClock() + windowMs;
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if (!(error instanceof Error) || !("code" in error) || error.code !== "EAGAIN") return undefined;
      if (pollClock() >= deadline) return undefined;
    }
  }
}
