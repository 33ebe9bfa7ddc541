// The page the chart-render bench drives in headless Chromium: a long loss series drawn by a recharts
// LineChart (raw, or downsampled with downsampleMinMax: the old Training view) or by the Training
// view's MetricChart (canvas series layer over a SeriesIndex), then appended to frame by frame.
// It measures itself with performance.now() and requestAnimationFrame.
import { createRoot, type Root } from "react-dom/client";
import { flushSync } from "react-dom";
import { CartesianGrid, Line, LineChart, XAxis, YAxis } from "recharts";

import { downsampleMinMax, type Point } from "../../app/api/series.js";
import { MetricChart } from "../../renderer/src/features/training/MetricChart.js";
import { SeriesIndex } from "../../renderer/src/features/training/series-index.js";
import type { BenchGlobal, BenchOptions, BenchResult } from "./bench-types.js";

declare global {
  interface Window {
    runChartBench: BenchGlobal["runChartBench"];
  }
}

const WIDTH = 1200;
const HEIGHT = 400;

/** A deterministic loss curve: exponential decay, noise, and a spike every 5,000 steps. */
function lossSeries(count: number, from = 0): Point[] {
  const points: Point[] = [];
  let seed = 12345 + from;
  for (let i = from; i < from + count; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const noise = (seed / 2147483648 - 0.5) * 0.3;
    const spike = i % 5000 === 4999 ? 3 : 0;
    points.push({ x: i + 1, y: 0.5 + 4 * Math.exp(-i / 20000) + noise + spike });
  }
  return points;
}

function Chart({ data }: { data: Point[] }) {
  return (
    <LineChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="x" type="number" domain={["dataMin", "dataMax"]} />
      <YAxis dataKey="y" type="number" domain={["auto", "auto"]} />
      <Line dataKey="y" dot={false} isAnimationActive={false} stroke="#2563eb" strokeWidth={1} />
    </LineChart>
  );
}

function CanvasChart({ index, maxSteps }: { index: SeriesIndex; version: number; maxSteps: number }) {
  // As in the Training view while a run is live: the x axis runs to max_steps.
  return (
    <div style={{ width: WIDTH }}>
      <MetricChart
        title="Loss"
        series={[{ key: "loss", label: "loss", colour: "#2563eb", index, smoothed: true }]}
        xLabel="step"
        logScale={false}
        integerX
        xDomain={[0, maxSteps]}
        emptyText=""
        height={HEIGHT}
      />
    </div>
  );
}

function appendTo(index: SeriesIndex, points: Point[]): void {
  index.append(
    points.map((p) => p.x),
    points.map((p) => p.y),
  );
}

/** The canvas chart's run: the index is appended to in place, as the Training view's chart data is. */
async function runCanvas(options: BenchOptions, target: Root): Promise<BenchResult> {
  const index = new SeriesIndex(0.6);
  const maxSteps = options.points + options.frames * options.pointsPerFrame;
  appendTo(index, lossSeries(options.points));
  await nextFrame();
  const renderStart = performance.now();
  flushSync(() => target.render(<CanvasChart index={index} version={index.version} maxSteps={maxSteps} />));
  // ResponsiveContainer measures on the next frames; the first paint with the canvas drawn ends the render.
  while (document.querySelector("canvas") === null && performance.now() - renderStart < 10_000) await nextFrame();
  await nextFrame();
  const renderMs = performance.now() - renderStart;
  const frameMs: number[] = [];
  const updateMs: number[] = [];
  const started = performance.now();
  let last = await nextFrame();
  for (let frame = 0; frame < options.frames && performance.now() - started < options.budgetMs; frame += 1) {
    const updateStart = performance.now();
    appendTo(index, lossSeries(options.pointsPerFrame, index.length));
    flushSync(() => target.render(<CanvasChart index={index} version={index.version} maxSteps={maxSteps} />));
    updateMs.push(performance.now() - updateStart);
    const now = await nextFrame();
    frameMs.push(now - last);
    last = now;
  }
  const drawn = Math.min(index.length, 2 * WIDTH);
  return { mode: "canvas", drawnPoints: drawn, renderMs, frameMs, updateMs, finalDrawnPoints: drawn };
}

function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

let root: Root | undefined;

window.runChartBench = async (options: BenchOptions): Promise<BenchResult> => {
  root?.unmount();
  const container = document.getElementById("root");
  if (container === null) throw new Error("the bench page has no #root element");
  root = createRoot(container);
  if (options.mode === "canvas") return runCanvas(options, root);
  const view = (all: Point[]): Point[] => (options.mode === "raw" ? all : downsampleMinMax(all, options.buckets));

  let series = lossSeries(options.points);
  await nextFrame();
  const renderStart = performance.now();
  let drawn = view(series);
  flushSync(() => root?.render(<Chart data={drawn} />));
  await nextFrame();
  const renderMs = performance.now() - renderStart;
  const drawnPoints = drawn.length;

  const frameMs: number[] = [];
  const updateMs: number[] = [];
  const started = performance.now();
  let last = await nextFrame();
  for (let frame = 0; frame < options.frames && performance.now() - started < options.budgetMs; frame += 1) {
    const updateStart = performance.now();
    // A new array each time, as a store update would produce; the view is recomputed from the full series.
    series = series.concat(lossSeries(options.pointsPerFrame, series.length));
    drawn = view(series);
    flushSync(() => root?.render(<Chart data={drawn} />));
    updateMs.push(performance.now() - updateStart);
    const now = await nextFrame();
    frameMs.push(now - last);
    last = now;
  }
  return { mode: options.mode, drawnPoints, renderMs, frameMs, updateMs, finalDrawnPoints: drawn.length };
};
