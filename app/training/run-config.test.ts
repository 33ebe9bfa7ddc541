import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { loadRunConfig, RunConfigError, validateRunConfig } from "./run-config.js";

const here = dirname(fileURLToPath(import.meta.url));
const example = resolve(here, "../../examples/training/tiny-cpu.yaml");

function issuesOf(action: () => unknown): { path: string; message: string }[] {
  try {
    action();
  } catch (error) {
    if (error instanceof RunConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a RunConfigError");
}

describe("run config", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "run-config-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads the shipped example and resolves its paths against the file", () => {
    const config = loadRunConfig(example);
    expect(config.max_steps).toBe(60);
    expect(typeof config.dataset === "object" && config.dataset.path).toBe(
      resolve(here, "../../examples/training/data/tiny.jsonl"),
    );
    expect(existsSync(resolve(here, "../../examples/training/data/tiny.jsonl"))).toBe(true);
    expect(config.output_dir).toBe(resolve(here, "../../examples/training/runs"));
  });

  it("loads JSON configs too and keeps Hugging Face ids as they are", () => {
    const file = join(dir, "run.json");
    writeFileSync(file, JSON.stringify({ model: "org/model", dataset: "data.jsonl" }));
    expect(loadRunConfig(file)).toMatchObject({ model: "org/model", dataset: join(dir, "data.jsonl") });
  });

  it("names the file, each bad key path and what is expected", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "dataset: {path: d.jsonl}\nbatch_size: 0\nlora: {rank: 8}\ndevice: tpu\n");
    let message = "";
    try {
      loadRunConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain("batch_size: must be >= 1");
    expect(message).toContain("lora.rank: is not a known field");
    expect(message).toContain('device: must be one of "auto", "cpu", "cuda"');
  });

  it("reports a missing dataset and a type error inside a oneOf branch", () => {
    expect(issuesOf(() => validateRunConfig({ max_steps: 5 }))).toEqual([{ path: "dataset", message: "is required" }]);
    const issues = issuesOf(() => validateRunConfig({ dataset: { path: "d.jsonl", eval_split: 2 } }));
    expect(issues.map((issue) => issue.path)).toContain("dataset.eval_split");
  });

  it("reports unreadable and unparsable files as config errors", () => {
    expect(issuesOf(() => loadRunConfig(join(dir, "missing.yaml")))[0]?.message).toMatch(/cannot be read/);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "dataset: [unclosed\n");
    expect(issuesOf(() => loadRunConfig(broken))[0]?.message).toMatch(/is not valid yaml/);
  });
});
