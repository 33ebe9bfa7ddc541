// RunManager against a real Python worker training the built-in tiny model on CPU.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { WorkbenchEvents } from "../api/workbench-api.js";
import type { PythonBridge } from "../bridge/index.js";
import { startTestBridge } from "../bridge/testing/start-test-bridge.js";
import type { LogEvent, TrainingEvent } from "./events.js";
import { RunConfigError } from "./run-config.js";
import { FROZEN_CONFIG_FILE, RESOLVED_CONFIG_FILE, RunManager, RunResumeError } from "./run-manager.js";
import { RunStore } from "./run-store.js";
import { nextRunEvent, trainingSkipReason } from "./testing/training-support.js";

const SKIP = await trainingSkipReason();

const DATASET = resolve("examples/training/data/tiny.jsonl");

/** A small, fast CPU config: ~0.1 s per step on one core once torch is imported. */
function tinyConfig(outputDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { tiny: { hidden_size: 32, layers: 1, heads: 2, kv_heads: 2, vocab_size: 256 } },
    dataset: { path: DATASET, eval_split: 0.1 },
    lora: { r: 8, alpha: 16, dropout: 0 },
    max_steps: 30,
    learning_rate: 0.003,
    batch_size: 8,
    seq_len: 32,
    log_every: 1,
    device: "cpu",
    seed: 1,
    output_dir: outputDir,
    ...overrides,
  };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

const nextEvent = nextRunEvent;

describe.skipIf(SKIP !== null)(`RunManager with a real worker${SKIP === null ? "" : ` (skipped: ${SKIP})`}`, () => {
  let bridge: PythonBridge;
  let dir: string;
  let store: RunStore;
  let manager: RunManager;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sb-run-manager-"));
    bridge = await startTestBridge();
    store = RunStore.open(join(dir, "runs.db"));
    manager = new RunManager({ bridge, store, telemetryIntervalMs: 200 });
  }, 60_000);

  afterAll(async () => {
    await manager?.dispose();
    store?.close();
    await bridge?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("trains 30 steps, persisting every event, the loss series and host telemetry, and no GPU series", async () => {
    const events: WorkbenchEvents["training.event"][] = [];
    const lossPoints: number[] = [];
    const updates: WorkbenchEvents["training.updated"][] = [];
    const unsubscribe = [
      manager.onEvent((event) => events.push(event)),
      manager.onPoints(({ points }) => lossPoints.push(...(points["loss"] ?? []).map((p) => p.value))),
      manager.onUpdate((update) => updates.push(update)),
    ];
    const { runId } = await manager.start({
      config: tinyConfig(join(dir, "completed"), { save_every: 10 }),
      name: "thirty steps",
    });
    expect(manager.isActive(runId)).toBe(true);
    const summary = await manager.whenFinished(runId);
    for (const subscription of unsubscribe) subscription.dispose();

    const detail = manager.detail(runId);
    expect(summary.status, JSON.stringify(detail.error)).toBe("completed");
    expect(summary).toMatchObject({ name: "thirty steps", step: 30, etaS: null });
    const stored = store.events(runId).map((e) => e.event.type);
    expect(stored[0]).toBe("started");
    expect(stored.slice(-3)).toEqual(["eval", "checkpoint", "finished"]);
    // The run owns <output_dir>/<name>-<id>/, with the config frozen beside its checkpoints.
    const runDir = join(dir, "completed", `thirty-steps-${runId.slice(0, 8)}`);
    expect(detail.runDir).toBe(runDir);
    expect(detail.checkpoints.map((c) => c.step)).toEqual([10, 20, 30]);
    expect(detail.checkpoints.every((c) => dirname(c.path) === runDir && existsSync(c.path))).toBe(true);
    expect(readFileSync(join(runDir, FROZEN_CONFIG_FILE), "utf8")).toContain("max_steps: 30");
    expect(JSON.parse(readFileSync(join(runDir, RESOLVED_CONFIG_FILE), "utf8"))).toMatchObject({
      output_dir: runDir,
      max_steps: 30,
    });
    expect(detail.config).toMatchObject({ output_dir: runDir, learning_rate: 0.003 });
    expect(events.map((e) => e.type)).toEqual(stored);

    const logs = store.events(runId).filter((e) => e.event.type === "log").length;
    const loss = detail.series["loss"] ?? [];
    expect(logs).toBe(30);
    expect(loss.length).toBe(logs);
    expect(loss.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(lossPoints).toEqual(loss.map((p) => p.value));
    const values = loss.map((p) => p.value);
    expect(mean(values.slice(-5)), `loss did not go down: ${values.join(", ")}`).toBeLessThan(mean(values.slice(0, 5)));

    const rss = detail.series["host.rss_bytes"] ?? [];
    expect(rss.length, "no host.rss_bytes telemetry was stored").toBeGreaterThan(0);
    expect(rss.every((p) => p.step === null && p.value > 10 * 1024 * 1024)).toBe(true);
    expect(detail.series["host.cpu_percent"]?.length).toBe(rss.length);
    expect(Object.keys(detail.series).filter((name) => /^(gpu|cuda)\d/.test(name))).toEqual([]);

    expect(detail.configText).toContain("max_steps: 30");
    expect(detail.events.at(-1)).toMatchObject({ type: "finished", payload: { status: "completed", step: 30 } });
    expect(detail.error).toBeNull();
    expect(updates.at(-1)?.run).toMatchObject({ id: runId, status: "completed", step: 30 });
    expect(updates.some((u) => u.run.status === "running" && u.run.etaS !== null)).toBe(true);
    const listed = manager.list().find((run) => run.id === runId);
    expect(listed).toMatchObject({
      status: "completed",
      step: 30,
      loss: values.at(-1),
      bestLoss: Math.min(...values),
      maxSteps: 30,
    });
    expect(listed?.params).toMatchObject({
      model: "tiny",
      learning_rate: 0.003,
      batch_size: 8,
      "lora.r": 8,
      max_steps: 30,
    });
    expect(listed?.tokensPerS).toBeGreaterThan(0);

    // Resume from the middle checkpoint: a new run, in its own folder beside the first, continuing at step 11.
    const resumed = await manager.resume(runId, "10");
    const resumedSummary = await manager.whenFinished(resumed.runId);
    const resumedDetail = manager.detail(resumed.runId);
    expect(resumedSummary.status, JSON.stringify(resumedDetail.error)).toBe("completed");
    expect(resumedSummary.name).toBe("thirty steps (from step 10)");
    expect(resumedDetail.runDir).not.toBe(runDir);
    expect(dirname(resumedDetail.runDir ?? "")).toBe(join(dir, "completed"));
    expect(resumedDetail.configText).toContain(`resume_from: ${join(runDir, "checkpoint-10")}`);
    expect(resumedDetail.series["loss"]?.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect(existsSync(join(runDir, "checkpoint-30")), "resuming must not touch the first run's folder").toBe(true);
    await expect(manager.resume(runId, "7")).rejects.toThrow(RunResumeError);
  }, 120_000);

  it("gives two runs of one config separate folders, and never touches the config's own folder", async () => {
    const config = tinyConfig(join(dir, "twice"), { max_steps: 2 });
    const first = await manager.start({ config, name: "same" });
    const second = await manager.start({ config, name: "same" });
    const [a, b] = await Promise.all([manager.whenFinished(first.runId), manager.whenFinished(second.runId)]);
    expect([a.status, b.status]).toEqual(["completed", "completed"]);
    const dirA = manager.detail(first.runId).runDir;
    const dirB = manager.detail(second.runId).runDir;
    expect(dirA).not.toBe(dirB);
    expect(manager.detail(first.runId).checkpoints[0]?.path).toBe(join(dirA ?? "", "checkpoint-2"));
    expect(manager.detail(second.runId).checkpoints[0]?.path).toBe(join(dirB ?? "", "checkpoint-2"));
  }, 120_000);

  it("stops mid-run with a checkpoint, and a run resumed from it continues the step count", async () => {
    const { runId } = await manager.start({ config: tinyConfig(join(dir, "stopped"), { max_steps: 400 }) });
    await nextEvent(manager, runId, (e) => e.type === "log" && (e.payload["step"] as number) >= 5);
    expect(await manager.stop(runId)).toEqual({ stopping: true });
    const stopped = await manager.whenFinished(runId);
    expect(stopped.status, JSON.stringify(manager.detail(runId).error)).toBe("stopped");
    const events = store.events(runId).map((e) => e.event);
    const finished = events.at(-1) as TrainingEvent & { type: "finished" };
    const checkpoint = events.at(-2) as TrainingEvent & { type: "checkpoint" };
    expect(finished).toMatchObject({ type: "finished", status: "stopped" });
    expect(checkpoint).toMatchObject({ type: "checkpoint", step: finished.step });
    expect(finished.step).toBeGreaterThanOrEqual(5);
    expect(finished.step).toBeLessThan(400);
    expect(existsSync(checkpoint.path), `checkpoint folder ${checkpoint.path} is missing`).toBe(true);
    expect(await manager.stop(runId), "stopping a finished run").toEqual({ stopping: false });

    const at = finished.step;
    const resumed = await manager.start({
      config: tinyConfig(join(dir, "resumed"), { max_steps: at + 5, resume_from: checkpoint.path }),
    });
    const summary = await manager.whenFinished(resumed.runId);
    expect(summary.status, JSON.stringify(manager.detail(resumed.runId).error)).toBe("completed");
    const resumedEvents = store.events(resumed.runId).map((e) => e.event);
    expect(resumedEvents[0]).toMatchObject({ type: "started", start_step: at });
    const steps = resumedEvents.filter((e): e is LogEvent => e.type === "log").map((e) => e.step);
    expect(steps).toEqual([at + 1, at + 2, at + 3, at + 4, at + 5]);
    expect(summary.step).toBe(at + 5);
  }, 120_000);

  it("records a config Python rejects as a failed run with the validation message", async () => {
    // Valid for the schema (each field alone is fine), rejected by the worker: 4 kv heads cannot serve 2 heads.
    const { runId } = await manager.start({ config: tinyConfig(join(dir, "bad"), { model: { tiny: { heads: 2 } } }) });
    const summary = await manager.whenFinished(runId);
    expect(summary.status).toBe("failed");
    const detail = manager.detail(runId);
    expect(detail.error).toMatchObject({ classification: "value_error", type: "ValueError" });
    expect(detail.error?.message).toContain("model.tiny.kv_heads: expected a divisor of model.tiny.heads");
    expect(detail.events).toEqual([]);
  }, 60_000);

  it("rejects a config the schema refuses before recording a run", async () => {
    const before = manager.list().length;
    await expect(manager.start({ config: tinyConfig(join(dir, "never"), { lora: { r: 0 } }) })).rejects.toThrow(
      RunConfigError,
    );
    await expect(manager.start({ config: { max_steps: 3 } })).rejects.toThrow(/dataset: is required/);
    expect(manager.list().length).toBe(before);
  });

  it("cancels at once on a forced stop, leaving the run stopped without a finished event", async () => {
    const { runId } = await manager.start({ config: tinyConfig(join(dir, "forced"), { max_steps: 400 }) });
    await nextEvent(manager, runId, (e) => e.type === "log" && (e.payload["step"] as number) >= 3);
    await manager.stop(runId, { force: true });
    const summary = await manager.whenFinished(runId);
    expect(summary.status).toBe("stopped");
    const types = store.events(runId).map((e) => e.event.type);
    expect(types).not.toContain("finished");
    expect(manager.detail(runId).error).toMatchObject({ classification: "cancelled" });
  }, 60_000);

  it("marks a run a crashed host left running as interrupted, with its data intact", () => {
    const path = join(dir, "crashed.db");
    {
      // The crashed host: a run that started and logged, then nothing (no finished, no close).
      const crashed = RunStore.open(path);
      const exited = spawnSync(process.execPath, ["-e", ""]);
      const run = crashed.createRun({
        name: "crashed",
        config: tinyConfig(join(dir, "out")),
        owner: { pid: exited.pid ?? 999_999, started: null },
      });
      crashed.appendEvent(run.id, {
        type: "started",
        config: {},
        trainable_params: 1,
        total_params: 2,
        device: "cpu",
        backend: "transformers+peft",
        run_dir: join(dir, "out"),
        start_step: 0,
        max_steps: 10,
        train_examples: 5,
        eval_examples: 1,
      });
      for (const step of [1, 2, 3]) {
        crashed.appendEvent(run.id, {
          type: "log",
          step,
          epoch: step / 5,
          loss: 5 - step,
          learning_rate: 1e-3,
          grad_norm: 1,
          tokens_seen: step * 10,
          tokens_per_s: 100,
          elapsed_s: step,
          eta_s: 10 - step,
          batch_size: 8,
        });
      }
      crashed.appendTelemetry(run.id, Date.now(), { "host.rss_bytes": 1e8 });
      expect(crashed.getRun(run.id)?.status).toBe("running");

      // The next host opens the same file.
      const reopened = RunStore.open(path);
      const next = new RunManager({ bridge, store: reopened });
      try {
        expect(next.summary(run.id)).toMatchObject({ status: "interrupted", step: 3, loss: 2, etaS: null });
        const detail = next.detail(run.id);
        expect(detail.series["loss"]?.map((p) => p.value)).toEqual([4, 3, 2]);
        expect(detail.series["host.rss_bytes"]?.length).toBe(1);
        expect(detail.events.map((e) => e.type)).toEqual(["started", "log", "log", "log"]);
        expect(detail.error?.message).toContain("resume_from");
      } finally {
        void next.dispose();
        reopened.close();
        crashed.close();
      }
    }
  });
});
