// Reconnect delays: exponential with full jitter, so several tabs that lost the same host do not
// all knock on it in the same millisecond when it comes back.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Returns a number in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export function reconnectDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  // Never below half the ceiling: a zero delay would turn a dead host into a busy loop.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
