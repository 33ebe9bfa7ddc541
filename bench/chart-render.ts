// Chart render bench: how a recharts LineChart copes with a 100,000-point series drawn raw versus
// downsampled with downsampleMinMax (app/api/series.ts) to ~2,000 points, first render and then
// 10 points appended per frame for 200 frames. Bundles bench/chart-render/page.tsx with esbuild,
// drives it in Debian's Chromium through playwright-core, and prints one JSON object.
//
//   npx tsx bench/chart-render.ts [--points N] [--frames N] [--budget-ms N]   (see bench/README.md)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";

import { CHROMIUM_ARGS, resolveChromium } from "../scripts/chromium.mjs";
import type { BenchGlobal, BenchOptions, BenchResult } from "./chart-render/bench-types.js";


function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1] ?? "nothing"}`);
  return value;
}

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
  writeFileSync(html, '<!doctype html><html><body style="margin:0"><div id="root"></div><script src="page.js"></script></body></html>');
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
  const points = numberArg("points", 100_000);
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
    await page.waitForFunction(() => typeof (globalThis as unknown as Partial<BenchGlobal>).runChartBench === "function");
    const run = async (mode: BenchOptions["mode"]): Promise<BenchResult> => {
      const options: BenchOptions = { mode, points, buckets, frames, pointsPerFrame, budgetMs };
      const result = await page.evaluate((o) => (globalThis as unknown as BenchGlobal).runChartBench(o), options);
      if (errors.length > 0) throw new Error(`the bench page failed: ${errors.join("; ")}`);
      return result;
    };
    // The downsampled baseline first warms the JIT and recharts for both, so the raw run is not charged for it.
    const downsampled = summarize(await run("downsampled"));
    const raw = summarize(await run("raw"));
    const ratio = (key: string): number => round((raw[key] ?? Number.NaN) / (downsampled[key] ?? Number.NaN));
    const report = {
      bench: "chart-render",
      chromium: browser.version(),
      points,
      pointsPerFrame,
      framesRequested: frames,
      raw,
      downsampled,
      ratios: { renderMs: ratio("renderMs"), frameP50Ms: ratio("frameP50Ms"), frameP95Ms: ratio("frameP95Ms"), updateP50Ms: ratio("updateP50Ms") },
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await browser?.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chart-render bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
