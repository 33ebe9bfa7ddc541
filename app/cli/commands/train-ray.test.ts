// `snakebridge train --ray local`: a tiny CPU LoRA run whose worker is a Ray actor; its events and telemetry
// stream back into the run store exactly as for a local worker.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { rayAvailability } from "../../bridge/placement/testing/ray-available.js";
import { trainingSkipReason } from "../../training/testing/training-support.js";
import { RunStore } from "../../training/run-store.js";
import { runCli } from "../main.js";

const trainingSkip = await trainingSkipReason();
const ray = rayAvailability();
const skip = trainingSkip ?? (ray.ok ? null : ray.reason);

describe.skipIf(skip !== null)(`snakebridge train --ray local${skip === null ? "" : ` (skipped: ${skip})`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-train-ray-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("trains on an actor worker and records events and the worker's telemetry", async () => {
    const config = join(dir, "tiny.yaml");
    writeFileSync(
      config,
      [
        "name: ray-tiny",
        "model: {tiny: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 2, vocab_size: 256}}",
        `dataset: ${JSON.stringify(resolve("examples/training/data/tiny.jsonl"))}`,
        "lora: {r: 4, dropout: 0}",
        "max_steps: 30",
        "learning_rate: 0.003",
        "batch_size: 8",
        "seq_len: 32",
        "device: cpu",
        "output_dir: out",
        "",
      ].join("\n"),
    );
    const db = join(dir, "runs.db");
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")));
    stderr.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")));
    const code = await runCli(["train", config, "--db", db, "--json", "--ray", "local", "--ray-cpus", "1"], {
      stdout,
      stderr,
      interactive: false,
      signal: new AbortController().signal,
    });
    expect(code, err.join("")).toBe(0);
    const result = JSON.parse(out.join("").trim()) as { runId: string; status: string; step: number };
    expect(result).toMatchObject({ status: "completed", step: 30 });
    const store = RunStore.open(db);
    try {
      expect(store.eventsOfType(result.runId, "log")).toHaveLength(30);
      expect(store.seriesNames(result.runId)).toContain("host.rss_bytes");
      // The run says which Ray node trained it (the Training view shows it).
      const started = store.eventsOfType(result.runId, "started")[0]?.event;
      expect(started !== undefined && "node" in started ? started.node : undefined).toMatch(/ \(127\.0\.0\.1\)$/);
    } finally {
      store.close();
    }
  }, 180_000);
});
