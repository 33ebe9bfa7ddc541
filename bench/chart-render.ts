// Chart render bench: the Training view's MetricChart (canvas series layer over a SeriesIndex, recharts
// axes) against the rendering it replaced (a recharts LineChart fed downsampleMinMax's ~2,000 points),
// both measured in the same run, at 100,000 and 1,000,000 points: first render, then 10 points appended
// per frame for 200 frames. --raw adds recharts with every point. Bundles bench/chart-render/page.tsx
// with esbuild, drives it in Chromium through playwright-core, and prints one JSON object.
//
//   npx tsx bench/chart-render.ts [--points N[,N...]] [--frames N] [--budget-ms N] [--raw]   (see bench/README.md)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";

import { CHROMIUM_ARGS, resolveChromium } from "../scripts/chromium.mjs";
import type { BenchGlobal, BenchMode, BenchOptions, BenchResult } from "./chart-render/bench-types.js";
import { numberArg } from "./bench-args.js";

/** The target for the canvas chart: 60 fps frames and a short update. */
const TARGET = { frameP50Ms: 16.7, updateP50Ms: 8 };

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** Bundles the page (React, recharts, series.ts) into one script next to an index.html. */
async function buildPage(outDir: string): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  await build({
    entryPoints: [join(here, "chart-render", "page.tsx")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    outfile: join(outDir, "page.js"),
    tsconfig: join(here, "chart-render", "tsconfig.json"),
    logLevel: "error",
  });
  const html = join(outDir, "index.html");
  writeFileSync(
    html,
    '<!doctype html><html><body style="margin:0"><div id="root"></div><script src="page.js"></script></body></html>',
  );
  return pathToFileURL(html).href;
}

function summarize(result: BenchResult): Record<string, number> {
  return {
    drawnPoints: result.drawnPoints,
    renderMs: round(result.renderMs),
    frames: result.frameMs.length,
    frameP50Ms: round(percentile(result.frameMs, 50)),
    frameP95Ms: round(percentile(result.frameMs, 95)),
    updateP50Ms: round(percentile(result.updateMs, 50)),
    updateP95Ms: round(percentile(result.updateMs, 95)),
  };
}

async function main(): Promise<void> {
  const pointsIndex = process.argv.indexOf("--points");
  const pointCounts = (pointsIndex === -1 ? "100000,1000000" : (process.argv[pointsIndex + 1] ?? ""))
    .split(",")
    .map(Number);
  if (pointCounts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(
      `--points must be positive whole numbers separated by commas, got ${process.argv[pointsIndex + 1] ?? "nothing"}`,
    );
  const withRaw = process.argv.includes("--raw");
  const frames = numberArg("frames", 200);
  // Raw 100k-point frames can take a second each on a busy CPU: cap the time, report the frames measured.
  const budgetMs = numberArg("budget-ms", 60_000);
  const buckets = 1000; // at most 2 points per bucket: ~2,000 points
  const pointsPerFrame = 10;

  const outDir = mkdtempSync(join(tmpdir(), "sb-chart-bench-"));
  let browser: Browser | undefined;
  try {
    const url = await buildPage(outDir);
    browser = await chromium.launch({ executablePath: (await resolveChromium()).path, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 480 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(
      () => typeof (globalThis as unknown as Partial<BenchGlobal>).runChartBench === "function",
    );
    const run = async (mode: BenchMode, points: number): Promise<BenchResult> => {
      const options: BenchOptions = { mode, points, buckets, frames, pointsPerFrame, budgetMs };
      const result = await page.evaluate((o) => (globalThis as unknown as BenchGlobal).runChartBench(o), options);
      if (errors.length > 0) throw new Error(`the bench page failed: ${errors.join("; ")}`);
      return result;
    };
    const results = [];
    for (const points of pointCounts) {
      // The baseline goes first and warms the JIT and recharts, so the canvas run is not charged for it.
      const downsampled = summarize(await run("downsampled", points));
      const canvas = summarize(await run("canvas", points));
      const raw = withRaw ? summarize(await run("raw", points)) : undefined;
      const ratio = (key: string): number => round((canvas[key] ?? Number.NaN) / (downsampled[key] ?? Number.NaN));
      results.push({
        points,
        baseline: downsampled,
        canvas,
        ...(raw === undefined ? {} : { raw }),
        ratios: {
          renderMs: ratio("renderMs"),
          frameP50Ms: ratio("frameP50Ms"),
          frameP95Ms: ratio("frameP95Ms"),
          updateP50Ms: ratio("updateP50Ms"),
        },
        target: {
          ...TARGET,
          met:
            (canvas["frameP50Ms"] ?? Infinity) <= TARGET.frameP50Ms &&
            (canvas["updateP50Ms"] ?? Infinity) <= TARGET.updateP50Ms,
        },
      });
    }
    const report = {
      bench: "chart-render",
      chromium: browser.version(),
      pointsPerFrame,
      framesRequested: frames,
      baseline:
        "recharts LineChart of downsampleMinMax(series, 1000) recomputed per update (the Training view before the canvas layer)",
      results,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await browser?.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `chart-render bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
