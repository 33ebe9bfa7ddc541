// Monitoring overhead bench: steps/s of the tiny CPU training run with telemetry sampling and live
// streaming on (every event, point and update serialised as the WebSocket transport does) against the
// same run with both off, interleaved in pairs (alternating which goes first) in one invocation.
// Prints one JSON object: per-pair ratios, their median and spread. Target: ≤ 2% slower at the median.
// Wall-clock steps/s swings with whatever else the machine runs, so the worker's CPU seconds per step
// (all its threads, including the ones that stream events and answer telemetry) are reported as well.
//
//   npx tsx bench/training-overhead.ts [--pairs 6] [--steps 60]   (see bench/README.md)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { PythonBridge } from "../app/bridge/index.js";
import { RunManager } from "../app/training/run-manager.js";
import { RunStore } from "../app/training/run-store.js";
import { numberArg } from "./bench-args.js";
import { median, round } from "../app/cli/benchmarks/stats.js";

async function main(): Promise<void> {
  const pairs = numberArg("pairs", 6);
  const steps = numberArg("steps", 60);
  const dir = mkdtempSync(join(tmpdir(), "sb-overhead-"));
  const bridge = await PythonBridge.start({ poolSize: 1 });
  const store = RunStore.open(join(dir, "runs.db"));
  const config = {
    model: { tiny: { hidden_size: 64, layers: 2, heads: 4 } },
    dataset: { path: resolve("examples/training/data/tiny.jsonl"), eval_split: 0 },
    lora: { r: 8, alpha: 16, dropout: 0 },
    max_steps: steps,
    learning_rate: 0.003,
    batch_size: 8,
    seq_len: 64,
    log_every: 1,
    device: "cpu",
    seed: 42,
    output_dir: join(dir, "runs"),
  };
  let streamedBytes = 0;
  /** One run; returns the steps/s and CPU seconds per step the worker measured over its training loop. */
  const once = async (monitored: boolean): Promise<{ sps: number; cpu: number }> => {
    const manager = new RunManager({ bridge, store, telemetryIntervalMs: monitored ? 1000 : 0 });
    const stops = monitored
      ? [
          // What the host's WebSocket transport does with each event: serialise it for every client.
          manager.onEvent(
            (event) => (streamedBytes += JSON.stringify({ event: "training.event", payload: event }).length),
          ),
          manager.onPoints(
            (points) => (streamedBytes += JSON.stringify({ event: "training.points", payload: points }).length),
          ),
          manager.onUpdate(
            (update) => (streamedBytes += JSON.stringify({ event: "training.updated", payload: update }).length),
          ),
        ]
      : [];
    try {
      const { runId } = await manager.start({ config, name: monitored ? "monitored" : "quiet" });
      const summary = await manager.whenFinished(runId);
      const detail = manager.detail(runId);
      if (summary.status !== "completed")
        throw new Error(
          `the ${monitored ? "monitored" : "quiet"} run ${summary.status}: ${detail.error?.message ?? "no error recorded"}`,
        );
      const finished = detail.events.find((event) => event.type === "finished")?.payload["summary"] as
        { steps_per_s?: number; cpu_s_per_step?: number } | undefined;
      if (typeof finished?.steps_per_s !== "number" || typeof finished.cpu_s_per_step !== "number")
        throw new Error("the run's summary has no steps_per_s / cpu_s_per_step");
      if (monitored && !Object.keys(detail.series).includes("host.rss_bytes"))
        throw new Error("the monitored run recorded no telemetry");
      return { sps: finished.steps_per_s, cpu: finished.cpu_s_per_step };
    } finally {
      for (const subscription of stops) subscription.dispose();
      await manager.dispose();
    }
  };
  try {
    await once(true); // warm-up: imports, page cache, JIT; not counted
    const results: { on: number; off: number; ratio: number; cpuOn: number; cpuOff: number; cpuRatio: number }[] = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      // Alternate the order so drift (thermal, other jobs on the machine) does not favour one side.
      const first = pair % 2 === 0;
      const a = await once(first);
      const b = await once(!first);
      const on = first ? a : b;
      const off = first ? b : a;
      results.push({
        on: round(on.sps, 3),
        off: round(off.sps, 3),
        ratio: round(on.sps / off.sps, 4),
        cpuOn: round(on.cpu, 4),
        cpuOff: round(off.cpu, 4),
        cpuRatio: round(on.cpu / off.cpu, 4),
      });
      process.stderr.write(
        `pair ${pair + 1}/${pairs}: on ${on.sps.toFixed(2)} steps/s (${on.cpu.toFixed(3)} CPU s/step), off ${off.sps.toFixed(2)} steps/s (${off.cpu.toFixed(3)} CPU s/step)\n`,
      );
    }
    const ratios = results.map((result) => result.ratio);
    const medianRatio = median(ratios);
    const report = {
      bench: "training-overhead",
      steps,
      pairs,
      telemetryIntervalMs: 1000,
      results,
      medianRatio: round(medianRatio, 4),
      medianSlowdownPercent: round((1 - medianRatio) * 100, 2),
      spread: {
        min: Math.min(...ratios),
        max: Math.max(...ratios),
        iqr: round(median(ratios.filter((r) => r >= medianRatio)) - median(ratios.filter((r) => r <= medianRatio)), 4),
      },
      medianStepsPerS: {
        on: round(median(results.map((r) => r.on)), 3),
        off: round(median(results.map((r) => r.off)), 3),
      },
      // CPU seconds per step, monitored ÷ quiet: above 1 is the worker's own monitoring cost.
      medianCpuRatio: round(median(results.map((r) => r.cpuRatio)), 4),
      cpuSpread: { min: Math.min(...results.map((r) => r.cpuRatio)), max: Math.max(...results.map((r) => r.cpuRatio)) },
      streamedBytes,
      target: { maxSlowdownPercent: 2, met: (1 - medianRatio) * 100 <= 2 },
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    store.close();
    await bridge.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `training-overhead bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
