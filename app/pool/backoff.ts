/** A worker that stayed up this long is considered healthy, so its next failure starts from the first delay again. */
export const HEALTHY_UPTIME_MS = 60_000;

/** Exponential restart delay for one worker slot: initial, doubling, capped at max. */
export class RestartBackoff {
  #failures = 0;
  readonly #initialMs: number;
  readonly #maxMs: number;

  constructor(initialMs: number, maxMs: number) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
  }

  /** Records one failure and returns how long to wait before the next attempt. */
  nextDelayMs(): number {
    const delay = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#failures);
    this.#failures += 1;
    return delay;
  }

  /** Forgets past failures, e.g. after the worker stayed healthy for HEALTHY_UPTIME_MS. */
  reset(): void {
    this.#failures = 0;
  }

  /** Resets when a process that just ended had been up for at least a healthy minute. */
  noteUptime(uptimeMs: number): void {
    if (uptimeMs >= HEALTHY_UPTIME_MS) this.reset();
  }
}
