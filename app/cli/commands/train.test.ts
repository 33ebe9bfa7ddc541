// `snakebridge train` and `snakebridge runs` through the CLI entry point, with a real worker.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { trainingSkipReason } from "../../training/testing/training-support.js";
import type { CliIO } from "../command.js";
import { runCli } from "../main.js";

const SKIP = await trainingSkipReason();

interface Captured {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
}

function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")));
  return {
    io: { stdout, stderr, interactive: false, signal: new AbortController().signal },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

describe.skipIf(SKIP !== null)(`snakebridge train / runs${SKIP === null ? "" : ` (skipped: ${SKIP})`}`, () => {
  let dir: string;
  let configPath: string;
  let db: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sb-train-cli-"));
    db = join(dir, "runs.db");
    configPath = join(dir, "tiny.yaml");
    // Relative paths in the file resolve against the file's folder, not the process's.
    writeFileSync(
      configPath,
      [
        "name: cli-tiny",
        "model: {tiny: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 2, vocab_size: 256}}",
        `dataset: ${JSON.stringify(resolve("examples/training/data/tiny.jsonl"))}`,
        "lora: {r: 4, dropout: 0}",
        "max_steps: 20",
        "learning_rate: 0.003",
        "batch_size: 8",
        "seq_len: 32",
        "device: cpu",
        "output_dir: out",
        "",
      ].join("\n"),
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("trains a run, prints one JSON summary, and the runs command lists, shows and exports it", async () => {
    const train = capture();
    const code = await runCli(["train", configPath, "--db", db, "--json"], train.io);
    expect(code, train.stderr()).toBe(0);
    const lines = train.stdout().trim().split("\n");
    expect(lines, "stdout must hold exactly one JSON line").toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as Record<string, unknown>;
    const runDir = join(dir, "out", `cli-tiny-${String(result["runId"]).slice(0, 8)}`);
    expect(result).toMatchObject({
      name: "cli-tiny",
      status: "completed",
      step: 20,
      error: null,
      db,
      runDir,
      checkpoint: join(runDir, "checkpoint-20"),
    });
    expect(result["summary"]).toMatchObject({ steps: 20 });
    const progress = train
      .stderr()
      .split("\n")
      .filter((line) => line.startsWith("step "));
    expect(progress, "one progress line per log event when stderr is not a terminal").toHaveLength(20);
    expect(progress.at(-1)).toMatch(/^step 20\/20 100% {2}loss \d+\.\d{4} {2}[\d,]+ tok\/s {2}ETA 0:00$/);
    const runId = String(result["runId"]);

    const list = capture();
    expect(await runCli(["runs", "list", "--db", db], list.io)).toBe(0);
    const [header, row] = list.stdout().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+STATUS\s+STEP\s+LOSS\s+CREATED\s+DURATION$/);
    expect(row).toMatch(new RegExp(`^${runId.slice(0, 8)}\\s+cli-tiny\\s+completed\\s+20\\s+\\d+\\.\\d{4}\\s`));

    const show = capture();
    expect(await runCli(["runs", "show", runId.slice(0, 8), "--db", db], show.io)).toBe(0);
    expect(show.stdout()).toContain(`Run ${runId}  cli-tiny`);
    expect(show.stdout()).toMatch(/status\s+completed at step 20/);
    expect(show.stdout()).toMatch(/\n {2}loss\s+\d+\.\d{4}\s+\(step 20\)/);
    expect(show.stdout()).toMatch(/started 1, log 20, eval 1, checkpoint 1, finished 1/);
    expect(show.stdout()).toContain("max_steps: 20");

    const csv = capture();
    expect(await runCli(["runs", "export", runId, "--csv", "--db", db], csv.io)).toBe(0);
    const rows = csv.stdout().trim().split("\n");
    expect(rows[0]).toBe("source,step,at,name,value");
    expect(rows.filter((r) => /^metric,\d+,\d+,loss,/.test(r))).toHaveLength(20);

    const adapterDir = join(dir, "exported-adapter");
    const exported = capture();
    expect(
      await runCli(
        ["runs", "export", runId, "--model", "adapter", "--out", adapterDir, "--db", db, "--json"],
        exported.io,
      ),
      exported.stderr(),
    ).toBe(0);
    const adapter = JSON.parse(exported.stdout()) as { path: string; files: string[] };
    expect(adapter.files).toContain("adapter_model.safetensors");
    expect(existsSync(join(adapter.path, "adapter_model.safetensors"))).toBe(true);

    const gguf = capture();
    expect(
      await runCli(["runs", "export", runId, "--model", "gguf", "--out", join(dir, "gguf"), "--db", db], gguf.io),
    ).toBe(1);
    expect(gguf.stderr()).toMatch(/GGUF export is not available with the transformers\+peft backend/);

    const missing = capture();
    expect(await runCli(["runs", "show", "nope", "--db", db], missing.io)).toBe(2);
    expect(missing.stderr()).toContain('no run with id "nope"');
  }, 120_000);

  it("stops cleanly on Ctrl+C with a checkpoint, exit code 130 and how to resume", async () => {
    const stopConfig = join(dir, "long.yaml");
    writeFileSync(
      stopConfig,
      `${readFileSync(configPath, "utf8").replace("max_steps: 20", "max_steps: 500").replace("output_dir: out", "output_dir: long")}`,
    );
    const run = capture();
    const ctrlC = new AbortController();
    const io: CliIO = { ...run.io, signal: ctrlC.signal };
    (io.stderr as PassThrough).on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("step 3/500")) ctrlC.abort();
    });
    const code = await runCli(["train", stopConfig, "--db", db, "--json"], io);
    expect(code, run.stderr()).toBe(130);
    const result = JSON.parse(run.stdout()) as { runId: string; status: string; step: number; checkpoint: string };
    expect(result.status).toBe("stopped");
    expect(result.step).toBeGreaterThanOrEqual(3);
    expect(result.step).toBeLessThan(500);
    expect(result.checkpoint).toBe(
      join(dir, "long", `cli-tiny-${result.runId.slice(0, 8)}`, `checkpoint-${result.step}`),
    );
    expect(existsSync(result.checkpoint)).toBe(true);
    expect(run.stderr()).toContain(`checkpoint saved at ${result.checkpoint}`);
    expect(run.stderr()).toContain(`to resume: snakebridge train --resume ${result.runId.slice(0, 8)}`);

    // Resume it from the CLI, a few steps on: a new run in its own folder that continues the step count.
    const resumed = capture();
    const resumedCode = await runCli(["train", "--resume", result.runId.slice(0, 8), "--db", db, "--json"], {
      ...resumed.io,
      signal: AbortSignal.timeout(8_000),
    });
    const after = JSON.parse(resumed.stdout()) as { status: string; runDir: string; name: string };
    expect([0, 130], resumed.stderr()).toContain(resumedCode);
    expect(after.name).toBe(`cli-tiny (from step ${result.step})`);
    expect(after.runDir).not.toBe(join(dir, "long", `cli-tiny-${result.runId.slice(0, 8)}`));
    expect(resumed.stderr()).toContain(`resuming at step ${result.step}`);
  }, 120_000);
});
