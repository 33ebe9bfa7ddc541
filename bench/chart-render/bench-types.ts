// What the chart-render bench driver (bench/chart-render.ts) and its page (page.tsx) exchange.

/**
 * raw: recharts with every point; downsampled: recharts with downsampleMinMax (the Training view's
 * rendering before the canvas layer: the baseline); canvas: the Training view's MetricChart (canvas
 * series layer over a SeriesIndex, recharts axes).
 */
export type BenchMode = "raw" | "downsampled" | "canvas";

export interface BenchOptions {
  mode: BenchMode;
  points: number;
  buckets: number;
  frames: number;
  pointsPerFrame: number;
  /** Stop appending after this long (raw charts of 100k points can take seconds per frame). */
  budgetMs: number;
}

export interface BenchResult {
  mode: BenchMode;
  drawnPoints: number;
  /** From starting the first render to the first animation frame after it (script + layout + paint). */
  renderMs: number;
  /** Time between consecutive animation frames while each frame appends points. */
  frameMs: number[];
  /** Time spent in React + recharts per update (the scripting part of frameMs). */
  updateMs: number[];
  /** Points drawn after the last update. */
  finalDrawnPoints: number;
}

/** The page's global entry point. */
export interface BenchGlobal {
  runChartBench: (options: BenchOptions) => Promise<BenchResult>;
}
