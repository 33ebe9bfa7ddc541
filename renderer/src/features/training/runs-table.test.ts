import { describe, expect, it } from "vitest";
import type { RunSummaryView } from "../../api";
import { configDiff, visibleRuns } from "./runs-table";

function run(
  id: string,
  name: string,
  loss: number | null,
  lr: number,
  startedAt: number | null = 0,
  finishedAt: number | null = 1000,
): RunSummaryView {
  return {
    id,
    name,
    status: "completed",
    createdAt: 0,
    startedAt,
    finishedAt,
    step: 10,
    loss,
    etaS: null,
    bestLoss: loss,
    maxSteps: 10,
    tokensPerS: 100,
    params: {
      model: "tiny",
      learning_rate: lr,
      batch_size: 8,
      "lora.r": 8,
      "lora.alpha": 16,
      max_steps: 10,
      seq_len: 64,
    },
  };
}

describe("runs table", () => {
  const runs = [
    run("a1", "alpha", 2.5, 0.001),
    run("b2", "beta", 1.5, 0.003),
    run("c3", "gamma", null, 0.002, null, null),
  ];

  it("sorts by any column, blanks last either way", () => {
    const now = 5000;
    expect(visibleRuns(runs, "", { column: "finalLoss", descending: false }, now).map((r) => r.name)).toEqual([
      "beta",
      "alpha",
      "gamma",
    ]);
    expect(visibleRuns(runs, "", { column: "finalLoss", descending: true }, now).map((r) => r.name)).toEqual([
      "alpha",
      "beta",
      "gamma",
    ]);
    expect(visibleRuns(runs, "", { column: "learning_rate", descending: false }, now).map((r) => r.name)).toEqual([
      "alpha",
      "gamma",
      "beta",
    ]);
    expect(visibleRuns(runs, "", { column: "duration", descending: true }, now).map((r) => r.name)).toEqual([
      "alpha",
      "beta",
      "gamma",
    ]);
  });

  it("filters on every word of the filter", () => {
    expect(visibleRuns(runs, "BET completed", { column: "name", descending: false }, 0).map((r) => r.name)).toEqual([
      "beta",
    ]);
    expect(visibleRuns(runs, "tiny", { column: "name", descending: false }, 0)).toHaveLength(3);
    expect(visibleRuns(runs, "nothing", { column: "name", descending: false }, 0)).toEqual([]);
  });

  it("diffs two configs key by key, leaving out the run folders", () => {
    const left = {
      learning_rate: 0.001,
      lora: { r: 8, target_modules: ["q_proj", "v_proj"] },
      output_dir: "/a",
      seed: 1,
    };
    const right = {
      learning_rate: 0.003,
      lora: { r: 8, target_modules: ["q_proj"] },
      output_dir: "/b",
      seed: 1,
      warmup_steps: 5,
    };
    expect(configDiff(left, right)).toEqual([
      { key: "learning_rate", left: "0.001", right: "0.003" },
      { key: "lora.target_modules", left: "q_proj, v_proj", right: "q_proj" },
      { key: "warmup_steps", left: "(not set)", right: "5" },
    ]);
  });
});
