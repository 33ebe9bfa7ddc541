// Small statistics helpers for benchmarks.

/** The q-quantile (0..1) of samples (sorted copy; nearest rank). */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/** Microseconds elapsed since `start` (from process.hrtime.bigint()). */
export function elapsedUs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1000;
}

/** Rounds to `digits` decimals (JSON output stays readable). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The median of samples (mean of the middle two for an even count); NaN for none. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Shuffles in place (Fisher-Yates): interleaved measurements in a fresh order each round. */
export function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
