// An append-only series in typed arrays with per-block min/max, so a chart can bucket a million
// points into a few hundred pixel columns in well under a millisecond, and re-bucket on every zoom.
// The debiased EMA is kept alongside and extended incrementally as points arrive.

/** The number at `index`, or NaN past the end (a typed array has no holes, so only a bad index reads NaN). */
export function valueAt(values: ArrayLike<number>, index: number): number {
  return values[index] ?? Number.NaN;
}

/** Points per summary block: a bucket scans at most two partial blocks raw and the rest by summary. */
const BLOCK = 64;

/** One pixel column's worth of points: the band (min..max), the last point, and the EMA at it. */
export interface Buckets {
  count: number;
  /** x of each bucket's last point. */
  x: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** y of each bucket's last point. */
  last: Float64Array;
  /** The smoothed value at each bucket's last point (NaN without smoothing). */
  ema: Float64Array;
  /** Points that fell in the buckets; when it equals count, every point is drawn exactly. */
  points: number;
}

/** Sorted-by-x points with block summaries and an incremental debiased EMA. */
export class SeriesIndex {
  #x: Float64Array<ArrayBuffer> = new Float64Array(1024);
  #y: Float64Array<ArrayBuffer> = new Float64Array(1024);
  #ema: Float64Array<ArrayBuffer> = new Float64Array(1024);
  #blockMin: Float64Array<ArrayBuffer> = new Float64Array(16);
  #blockMax: Float64Array<ArrayBuffer> = new Float64Array(16);
  #length = 0;
  #weight = 0;
  #emaState = 0;
  #emaCount = 0;
  /** Changes whenever the points or smoothing change; charts redraw when it does. */
  version = 0;

  constructor(weight = 0) {
    this.#weight = weight;
  }

  get length(): number {
    return this.#length;
  }

  /** The x range [first, last], or null when empty. */
  extent(): [number, number] | null {
    return this.#length === 0 ? null : [valueAt(this.#x, 0), valueAt(this.#x, this.#length - 1)];
  }

  /** The last point, or null. */
  lastPoint(): { x: number; y: number; ema: number } | null {
    const i = this.#length - 1;
    return i < 0 ? null : { x: valueAt(this.#x, i), y: valueAt(this.#y, i), ema: valueAt(this.#ema, i) };
  }

  /** x and y of point i (for markers on sparse series). */
  xAt(i: number): number {
    return valueAt(this.#x, i);
  }

  yAt(i: number): number {
    return valueAt(this.#y, i);
  }

  /** Appends points; x must not decrease (a point with a smaller x than the last is dropped). Non-finite y is skipped. */
  append(xs: ArrayLike<number>, ys: ArrayLike<number>): void {
    const n = Math.min(xs.length, ys.length);
    this.#reserve(this.#length + n);
    for (let k = 0; k < n; k += 1) {
      const x = valueAt(xs, k);
      const y = valueAt(ys, k);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (this.#length > 0 && x < valueAt(this.#x, this.#length - 1)) continue;
      const i = this.#length;
      this.#x[i] = x;
      this.#y[i] = y;
      this.#ema[i] = this.#nextEma(y);
      const block = (i / BLOCK) | 0;
      if (i % BLOCK === 0) {
        this.#blockMin[block] = y;
        this.#blockMax[block] = y;
      } else {
        if (y < valueAt(this.#blockMin, block)) this.#blockMin[block] = y;
        if (y > valueAt(this.#blockMax, block)) this.#blockMax[block] = y;
      }
      this.#length = i + 1;
    }
    this.version += 1;
  }

  /** Changes the EMA weight in [0, 1) and recomputes the smoothed values (one pass). */
  setSmoothing(weight: number): void {
    if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing must be in [0, 1), got ${weight}`);
    if (weight === this.#weight) return;
    this.#weight = weight;
    this.#emaState = 0;
    this.#emaCount = 0;
    for (let i = 0; i < this.#length; i += 1) this.#ema[i] = this.#nextEma(valueAt(this.#y, i));
    this.version += 1;
  }

  /** The first index with x >= value. */
  lowerBound(value: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (valueAt(this.#x, mid) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index with x > value. */
  upperBound(value: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (valueAt(this.#x, mid) <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The lowest and highest y of points with x in [x0, x1] (for the y domain), or null. */
  yRange(x0: number, x1: number): [number, number] | null {
    const start = this.lowerBound(x0);
    const end = this.upperBound(x1);
    return end <= start ? null : this.#minMax(start, end);
  }

  /**
   * Buckets the points with x in [x0, x1] into at most `count` equal-width x buckets. Cost: two
   * binary searches per bucket plus at most 2 * BLOCK raw points and the block summaries between.
   */
  buckets(x0: number, x1: number, count: number, out?: Buckets): Buckets {
    const result = out !== undefined && out.x.length >= count ? out : emptyBuckets(count);
    let filled = 0;
    let points = 0;
    const width = (x1 - x0) / count;
    const stop = this.upperBound(x1);
    let start = this.lowerBound(x0);
    for (let b = 0; b < count && start < stop; b += 1) {
      const end = b === count - 1 ? stop : Math.min(stop, this.lowerBound(x0 + width * (b + 1)));
      if (end <= start) continue;
      const [low, high] = this.#minMax(start, end);
      const lastIndex = end - 1;
      result.x[filled] = valueAt(this.#x, lastIndex);
      result.min[filled] = low;
      result.max[filled] = high;
      result.last[filled] = valueAt(this.#y, lastIndex);
      result.ema[filled] = this.#weight > 0 ? valueAt(this.#ema, lastIndex) : Number.NaN;
      filled += 1;
      points += end - start;
      start = end;
    }
    result.count = filled;
    result.points = points;
    return result;
  }

  #minMax(start: number, end: number): [number, number] {
    let low = Infinity;
    let high = -Infinity;
    let i = start;
    const firstBlockEnd = Math.min(end, Math.ceil(i / BLOCK) * BLOCK);
    for (; i < firstBlockEnd; i += 1) {
      const y = valueAt(this.#y, i);
      if (y < low) low = y;
      if (y > high) high = y;
    }
    for (; i + BLOCK <= end; i += BLOCK) {
      const block = i / BLOCK;
      const bMin = valueAt(this.#blockMin, block);
      const bMax = valueAt(this.#blockMax, block);
      if (bMin < low) low = bMin;
      if (bMax > high) high = bMax;
    }
    for (; i < end; i += 1) {
      const y = valueAt(this.#y, i);
      if (y < low) low = y;
      if (y > high) high = y;
    }
    return [low, high];
  }

  #nextEma(y: number): number {
    if (this.#weight === 0) return y;
    this.#emaState = this.#emaState * this.#weight + (1 - this.#weight) * y;
    this.#emaCount += 1;
    // The average starts at 0; dividing by 1 - weight^count removes that start-up bias (TensorBoard's debiasing).
    return this.#emaState / (1 - this.#weight ** this.#emaCount);
  }

  #reserve(size: number): void {
    if (size > this.#x.length) {
      const capacity = Math.max(size, this.#x.length * 2);
      this.#x = grow(this.#x, capacity);
      this.#y = grow(this.#y, capacity);
      this.#ema = grow(this.#ema, capacity);
    }
    const blocks = Math.ceil(size / BLOCK) + 1;
    if (blocks > this.#blockMin.length) {
      const capacity = Math.max(blocks, this.#blockMin.length * 2);
      this.#blockMin = grow(this.#blockMin, capacity);
      this.#blockMax = grow(this.#blockMax, capacity);
    }
  }
}

function grow(array: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(capacity);
  next.set(array);
  return next;
}

/** Bucket arrays for up to `capacity` buckets. */
export function emptyBuckets(capacity: number): Buckets {
  return {
    count: 0,
    points: 0,
    x: new Float64Array(capacity),
    min: new Float64Array(capacity),
    max: new Float64Array(capacity),
    last: new Float64Array(capacity),
    ema: new Float64Array(capacity),
  };
}
