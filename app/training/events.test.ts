import { describe, expect, it } from "vitest";

import { decodeTrainingEvent, encodeTrainingEvent, parseTrainingEvent, TrainingEventError } from "./events.js";

const LOG = {
  type: "log",
  step: 3,
  epoch: 0.1,
  loss: 2.5,
  learning_rate: 1e-4,
  grad_norm: 0.3,
  tokens_seen: 1200,
  tokens_per_s: 400,
  elapsed_s: 3,
  eta_s: null,
  batch_size: 4,
};

const SUMMARY = {
  train_loss_mean: 1,
  final_loss: 1,
  eval_loss: null,
  steps: 1,
  tokens_seen: 1,
  elapsed_s: 1,
  steps_per_s: 1,
  cpu_s_per_step: 0.2,
  checkpoint: "/c",
};

describe("parseTrainingEvent", () => {
  it("accepts a log event with CUDA memory fields and bigint counters from the bridge", () => {
    const event = parseTrainingEvent({ ...LOG, step: 3n, tokens_seen: 1200n, allocated_bytes: 1024 });
    expect(event).toMatchObject({ type: "log", step: 3, tokens_seen: 1200, eta_s: null, allocated_bytes: 1024 });
  });

  it("names the event type, the field and what it expected", () => {
    expect(() => parseTrainingEvent({ type: "eval", step: 1 })).toThrow(
      'training event "eval": "eval_loss" must be a number (within ±2^53 when whole), got nothing (the field is missing)',
    );
    expect(() => parseTrainingEvent({ ...LOG, step: "three" })).toThrow(
      'training event "log": "step" must be a number (within ±2^53 when whole), got "three"',
    );
    expect(() => parseTrainingEvent({ ...LOG, step: 2n ** 60n })).toThrow(/"step" must be a number/);
    expect(() => parseTrainingEvent({ type: "checkpoint", step: 1, path: 7 })).toThrow(
      'training event "checkpoint": "path" must be a string, got number 7',
    );
    expect(() =>
      parseTrainingEvent({ type: "finished", status: "completed", step: 1, summary: { ...SUMMARY, steps: "x" } }),
    ).toThrow('training event "finished": "summary.steps" must be a number');
    expect(() => parseTrainingEvent({ type: "started", config: "a.yaml" })).toThrow(
      'training event "started": "config" must be an object, got "a.yaml"',
    );
    expect(() => parseTrainingEvent({ type: "progress" })).toThrow(
      'training event: "type" must be one of started, log, eval, checkpoint, oom_backoff, memory_snapshot, finished, failed, got "progress"',
    );
    expect(() => parseTrainingEvent([])).toThrow(TrainingEventError);
  });

  it("lists the values an enum field allows", () => {
    expect(parseTrainingEvent({ type: "finished", status: "stopped", step: 1, summary: SUMMARY })).toMatchObject({
      type: "finished",
      status: "stopped",
      summary: { eval_loss: null, cpu_s_per_step: 0.2 },
    });
    expect(() => parseTrainingEvent({ type: "finished", status: "done", step: 1, summary: SUMMARY })).toThrow(
      'training event "finished": a FinishedEvent_Outcome must be one of completed, stopped, got "done"',
    );
  });

  it("lets optional, nullable and unknown fields be absent or extra", () => {
    // Written before `node`, `cpu_s_per_step` and the CUDA fields existed, and by a newer worker with a field more.
    const { cpu_s_per_step: _dropped, ...olderSummary } = SUMMARY;
    expect(parseTrainingEvent({ ...LOG, from_the_future: 1 })).not.toHaveProperty("from_the_future");
    expect(parseTrainingEvent({ ...LOG })).toMatchObject({ allocated_bytes: null, reserved_bytes: null });
    expect(parseTrainingEvent({ type: "finished", status: "completed", step: 1, summary: olderSummary })).toMatchObject(
      { summary: { cpu_s_per_step: null } },
    );
  });
});

describe("encodeTrainingEvent and decodeTrainingEvent", () => {
  it("keep a diverging loss (NaN, infinities) that plain JSON would turn into null", () => {
    const text = encodeTrainingEvent(parseTrainingEvent({ ...LOG, loss: Number.NaN, grad_norm: -Infinity }));
    expect(text).toContain('"loss":"NaN"');
    const event = decodeTrainingEvent(text);
    expect(event.type === "log" && [event.loss, event.grad_norm]).toEqual([Number.NaN, -Infinity]);
  });

  it("says when a stored line is not JSON", () => {
    expect(() => decodeTrainingEvent('{"type": "log", ')).toThrow(/^training event: not JSON \(/);
  });
});
