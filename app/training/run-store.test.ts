import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { LogEvent, TrainingEvent } from "./events.js";
import { RunNotFoundError, type RunRecord, RunStore } from "./run-store.js";
import { NO_PROGRESS, runDetail } from "./run-views.js";

/** Events as the run store held them before the contract moved to proto/ (a real CPU run's, trimmed to one file). */
const OLD_EVENTS = join(import.meta.dirname, "testing", "events-before-proto.jsonl");

function log(step: number, loss: number): LogEvent {
  return {
    type: "log",
    step,
    epoch: step / 10,
    loss,
    learning_rate: 1e-3,
    grad_norm: 0.5,
    tokens_seen: step * 100,
    tokens_per_s: 1000,
    elapsed_s: step,
    eta_s: null,
    batch_size: 4,
  };
}

const started: TrainingEvent = {
  type: "started",
  config: { max_steps: 3 },
  trainable_params: 10,
  total_params: 100,
  device: "cpu",
  backend: "transformers+peft",
  run_dir: "/tmp/run",
  start_step: 0,
  max_steps: 3,
  train_examples: 9,
  eval_examples: 1,
};

describe("RunStore", () => {
  let dir: string;
  let path: string;
  let store: RunStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "run-store-"));
    path = join(dir, "nested", "runs.sqlite");
    store = RunStore.open(path);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates runs in status created and lists them newest first", () => {
    const first = store.createRun({ name: "a", config: { lr: 1 } }, 1000);
    const second = store.createRun({ name: "b", config: { lr: 2 } }, 2000);
    expect(first).toMatchObject({ name: "a", status: "created", config: { lr: 1 }, createdAt: 1000, startedAt: null });
    expect(store.listRuns().map((run) => run.id)).toEqual([second.id, first.id]);
    expect(store.getRun("missing")).toBeUndefined();
  });

  it("stores events in order, log/eval numbers as metric series, and follows the run status", () => {
    const run = store.createRun({ name: "r", config: {} });
    store.appendEvent(run.id, started, 10);
    expect(store.getRun(run.id)).toMatchObject({ status: "running", startedAt: 10 });
    store.appendEvent(run.id, log(1, 3.0), 11);
    store.appendEvent(run.id, log(2, 2.5), 12);
    store.appendEvent(run.id, { type: "eval", step: 2, eval_loss: 2.7 }, 13);
    store.appendEvent(run.id, { type: "checkpoint", step: 2, path: "/tmp/run/checkpoint-2" }, 14);
    const summary = {
      train_loss_mean: 2.75,
      final_loss: 2.5,
      eval_loss: 2.7,
      steps: 2,
      tokens_seen: 200,
      elapsed_s: 2,
      steps_per_s: 1,
      cpu_s_per_step: null,
      checkpoint: "/tmp/run/checkpoint-2",
    };
    store.appendEvent(run.id, { type: "finished", status: "stopped", step: 2, summary }, 15);

    expect(store.events(run.id).map((stored) => [stored.seq, stored.event.type])).toEqual([
      [1, "started"],
      [2, "log"],
      [3, "log"],
      [4, "eval"],
      [5, "checkpoint"],
      [6, "finished"],
    ]);
    expect(store.series(run.id, "loss")).toEqual([
      { step: 1, at: 11, value: 3.0 },
      { step: 2, at: 12, value: 2.5 },
    ]);
    expect(store.series(run.id, "eval_loss")).toEqual([{ step: 2, at: 13, value: 2.7 }]);
    expect(store.seriesNames(run.id)).toContain("grad_norm");
    expect(store.seriesNames(run.id)).not.toContain("eta_s");
    expect(store.getRun(run.id)).toMatchObject({ status: "stopped", finishedAt: 15, summary });
  });

  it("records a failed event as the run's error", () => {
    const run = store.createRun({ name: "r", config: {} });
    store.appendEvent(run.id, {
      type: "failed",
      classification: "out_of_memory",
      error_type: "TrainingOutOfMemory",
      message: "lower seq_len",
      traceback: "tb",
    });
    expect(store.getRun(run.id)).toMatchObject({
      status: "failed",
      error: { classification: "out_of_memory", message: "lower seq_len" },
    });
  });

  it("keeps telemetry as time series without a step and drops non-finite values", () => {
    const run = store.createRun({ name: "r", config: {} });
    store.appendTelemetry(run.id, 100, { rss_bytes: 5e8, "gpu0.memory_used_bytes": 1e9 });
    store.appendTelemetry(run.id, 200, { rss_bytes: 6e8, "gpu0.memory_used_bytes": Number.NaN });
    expect(store.series(run.id, "rss_bytes")).toEqual([
      { step: null, at: 100, value: 5e8 },
      { step: null, at: 200, value: 6e8 },
    ]);
    expect(store.series(run.id, "gpu0.memory_used_bytes")).toHaveLength(1);
    expect(store.seriesNames(run.id)).toEqual(["gpu0.memory_used_bytes", "rss_bytes"]);
  });

  it("keeps everything after close and reopen", () => {
    const run = store.createRun({ name: "persisted", config: { seed: 1 } });
    store.appendEvent(run.id, started);
    store.appendEvent(run.id, log(1, 4.2));
    store.close();
    store = RunStore.open(path);
    expect(store.getRun(run.id)).toMatchObject({ name: "persisted", status: "running", config: { seed: 1 } });
    expect(store.series(run.id, "loss").map((point) => point.value)).toEqual([4.2]);
  });

  it("marks runs left running by a dead host as interrupted, and only those", () => {
    const running = store.createRun({ name: "running", config: {}, owner: deadOwner() });
    const live = store.createRun({ name: "live", config: {} });
    store.appendEvent(live.id, started);
    const done = store.createRun({ name: "done", config: {} });
    store.appendEvent(running.id, started, 40);
    store.appendEvent(running.id, log(1, 4.2), 42);
    const queued = store.createRun({ name: "queued", config: {}, owner: deadOwner() }, 30);
    store.setStatus(done.id, "completed", { at: 50 });
    store.close();
    store = RunStore.open(path);
    expect(store.markInterruptedRuns()).toBe(2);
    // Ended when its owner was last heard from (its last event), not when this process noticed.
    expect(store.getRun(running.id)).toMatchObject({ status: "interrupted", finishedAt: 42 });
    expect(store.getRun(queued.id)).toMatchObject({ status: "interrupted", finishedAt: 30 });
    expect(String((store.getRun(running.id)?.error as { message: string }).message)).toMatch(/resume/);
    expect(store.getRun(done.id)).toMatchObject({ status: "completed", finishedAt: 50 });
    // This process still owns "live": another process opening the store must not mark it.
    expect(store.getRun(live.id)?.status).toBe("running");
    expect(store.markInterruptedRuns()).toBe(0);
  });

  it("exports metrics and telemetry as CSV", () => {
    const run = store.createRun({ name: "r", config: {} });
    store.appendEvent(run.id, log(1, 3.5), 11);
    store.appendTelemetry(run.id, 20, { "name,with comma": 7 });
    const lines = store.exportCsv(run.id).trimEnd().split("\n");
    expect(lines[0]).toBe("source,step,at,name,value");
    expect(lines).toContain("metric,1,11,loss,3.5");
    expect(lines).toContain('telemetry,,20,"name,with comma",7');
  });

  it("reads events stored before the proto contract: the worker's dicts as plain JSON, older fields missing", () => {
    const run = store.createRun({ name: "old", config: {} });
    const lines = readFileSync(OLD_EVENTS, "utf8").trimEnd().split("\n");
    const db = new Database(path);
    const insert = db.prepare("INSERT INTO events (run_id, seq, at, type, json) VALUES (?, ?, ?, ?, ?)");
    lines.forEach((json, index) => insert.run(run.id, index + 1, 100 + index, String(JSON.parse(json).type), json));
    db.close();

    const events = store.events(run.id).map((stored) => stored.event);
    expect(events.map((event) => event.type)).toEqual([
      "started",
      "log",
      "memory_snapshot",
      "oom_backoff",
      "log",
      "eval",
      "checkpoint",
      "log",
      "log",
      "eval",
      "checkpoint",
      "finished",
      "failed",
    ]);
    expect(events[0]).toMatchObject({ type: "started", max_steps: 4, node: null, config: { max_steps: 4 } });
    expect(events[1]).toMatchObject({ type: "log", step: 1, eta_s: null, allocated_bytes: null });
    expect(events[11]).toMatchObject({
      type: "finished",
      status: "completed",
      summary: { steps: 4, cpu_s_per_step: null },
    });
    const record = store.getRun(run.id);
    expect(record).toBeDefined();
    const detail = runDetail(store, record as RunRecord, NO_PROGRESS);
    expect(detail.runDir).toBe("/runs/tiny-3f2a9c1e");
    expect(detail.checkpoints.map((checkpoint) => checkpoint.step)).toEqual([2, 4]);
    expect(detail.events[3]).toEqual({
      at: 103,
      type: "oom_backoff",
      payload: { step: 2, old_batch_size: 4, new_batch_size: 2, grad_accumulation: 2 },
    });
  });

  it("keeps a diverged loss (NaN) through the store", () => {
    const run = store.createRun({ name: "r", config: {} });
    store.appendEvent(run.id, log(1, Number.NaN), 11);
    const [stored] = store.events(run.id);
    expect(stored?.event.type === "log" && stored.event.loss).toBeNaN();
    expect(store.series(run.id, "loss")).toEqual([]);
  });

  it("rejects events for unknown runs and malformed events, storing nothing", () => {
    expect(() => store.appendEvent("nope", log(1, 1))).toThrow(RunNotFoundError);
    const run = store.createRun({ name: "r", config: {} });
    const broken = { ...log(1, 1), loss: "high" } as unknown as TrainingEvent;
    expect(() => store.appendEvent(run.id, broken)).toThrow(/"loss" must be a number/);
    expect(store.events(run.id)).toEqual([]);
    expect(store.series(run.id, "loss")).toEqual([]);
  });
});

/** The identity of a process that has exited (a short-lived child). */
function deadOwner(): { pid: number; started: string | null } {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return { pid: child.pid ?? 999_999, started: null };
}
