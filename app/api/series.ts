// Series math for charts: smoothing and spike-preserving downsampling. Pure functions with
// no Node or DOM dependencies, so the renderer and the host can both use them.

export interface Point {
  x: number;
  y: number;
}

/**
 * TensorBoard-style exponential moving average, debiased so early values are not pulled toward 0.
 * weight 0 returns the values unchanged; non-finite values pass through and do not enter the average.
 */
export function ema(values: number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`ema: weight must be in [0, 1), got ${weight}`);
  }
  const smoothed: number[] = [];
  let last = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) {
      smoothed.push(value);
      continue;
    }
    last = last * weight + (1 - weight) * value;
    count += 1;
    // The average starts at 0; dividing by 1 - weight^count removes that start-up bias.
    smoothed.push(last / (1 - weight ** count));
  }
  return smoothed;
}

/**
 * Reduces points (sorted by x) to at most 2 * buckets by keeping each bucket's lowest and
 * highest point, in x order, so spikes survive. Returns a copy unchanged when it is already small enough.
 */
export function downsampleMinMax(points: Point[], buckets: number): Point[] {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`downsampleMinMax: buckets must be a positive integer, got ${buckets}`);
  }
  if (points.length <= 2 * buckets) return points.slice();
  const kept: Point[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const start = Math.floor((bucket * points.length) / buckets);
    const end = Math.floor(((bucket + 1) * points.length) / buckets);
    let low = -1;
    let high = -1;
    for (let index = start; index < end; index += 1) {
      const y = (points[index] as Point).y;
      if (Number.isNaN(y)) continue;
      if (low < 0 || y < (points[low] as Point).y) low = index;
      if (high < 0 || y > (points[high] as Point).y) high = index;
    }
    if (low < 0) continue; // a bucket of NaN only: nothing to draw
    const first = Math.min(low, high);
    const second = Math.max(low, high);
    kept.push(points[first] as Point);
    if (second !== first) kept.push(points[second] as Point);
  }
  return kept;
}
