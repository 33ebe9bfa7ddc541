import { describe, expect, it } from "vitest";

import { parseTrainingEvent, TrainingEventError } from "./events.js";

describe("parseTrainingEvent", () => {
  it("accepts a log event with CUDA memory fields and bigint counters from the bridge", () => {
    const event = parseTrainingEvent({
      type: "log",
      step: 3n,
      epoch: 0.1,
      loss: 2.5,
      learning_rate: 1e-4,
      grad_norm: 0.3,
      tokens_seen: 1200n,
      tokens_per_s: 400,
      elapsed_s: 3,
      eta_s: null,
      batch_size: 4,
      allocated_bytes: 1024,
    });
    expect(event).toMatchObject({ type: "log", step: 3, tokens_seen: 1200, allocated_bytes: 1024 });
  });

  it("names the event type and field that is wrong", () => {
    expect(() => parseTrainingEvent({ type: "eval", step: 1 })).toThrow(
      'training event "eval": "eval_loss" must be a number, got undefined',
    );
    expect(() => parseTrainingEvent({ type: "progress" })).toThrow(/"type" must be one of started, log/);
    expect(() => parseTrainingEvent([])).toThrow(TrainingEventError);
  });

  it("checks finished status and started backend values", () => {
    const summary = {
      train_loss_mean: 1,
      final_loss: 1,
      eval_loss: null,
      steps: 1,
      tokens_seen: 1,
      elapsed_s: 1,
      steps_per_s: 1,
      checkpoint: "/c",
    };
    expect(parseTrainingEvent({ type: "finished", status: "completed", step: 1, summary }).type).toBe("finished");
    expect(() => parseTrainingEvent({ type: "finished", status: "done", step: 1, summary })).toThrow(
      /completed or stopped/,
    );
  });
});
