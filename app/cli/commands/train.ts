// `snakebridge train <config.yaml> [--name N] [--db PATH] [--json] [--python PATH]`
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

import type { PythonErrorView } from "../../api/values-view.js";
import type { WorkbenchEvents } from "../../api/workbench-api.js";
import { PythonBridge } from "../../bridge/index.js";
import { isRecord } from "../../training/events.js";
import { loadRunConfig } from "../../training/run-config.js";
import { RunManager } from "../../training/run-manager.js";
import { RunStore } from "../../training/run-store.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand, type CliIO } from "../command.js";
import { RAY_FLAGS, RAY_USAGE, placementOption } from "../ray-option.js";
import { findRun, runsDbPath } from "./runs.js";
import { TrainProgress } from "./train-progress.js";

/** What `train --json` prints: one object describing how the run ended. */
export interface TrainResult {
  runId: string;
  name: string;
  status: string;
  step: number | null;
  loss: number | null;
  runDir: string | null;
  checkpoint: string | null;
  /** The finished event's summary (losses, steps, tokens, time), or null when the run did not finish. */
  summary: Record<string, unknown> | null;
  error: PythonErrorView | null;
  db: string;
}

export const trainCommand: CliCommand = {
  name: "train",
  summary: "Fine-tune a model with LoRA from a run config, with live progress",
  usage: `Usage: snakebridge train <config.yaml> [--name NAME] [--db PATH] [--json] [--python PATH]
       snakebridge train --resume RUN_ID [--checkpoint STEP] [--db PATH] [--json] [--python PATH]

Trains one run described by a YAML or JSON run config (see examples/training/tiny-cpu.yaml)
and records it, with its metrics and memory telemetry, in the run store. Each run writes to
its own folder, <output_dir>/<name>-<run id>/ (output_dir defaults to runs/ beside the config),
with a frozen copy of the config (run-config.yaml) next to its checkpoints.

  --resume ID     continue run ID (any unique id prefix) from its latest checkpoint, as a new
                  run in its own folder, with the config that run was started with
  --checkpoint N  with --resume: the checkpoint step (or folder) to continue from
  --name NAME     label of the run (default: the config's name)
  --db PATH       the run store (default: $SNAKEBRIDGE_RUNS_DB or ~/.snakebridge/runs.db)
  --json          print one JSON object with the run's outcome on stdout
  --python PATH   interpreter to run the worker with (it needs the training extra)
${RAY_USAGE}

Ctrl+C stops at the end of the current step and saves a checkpoint; continue with
\`snakebridge train --resume <id>\`. A second Ctrl+C quits at once.

Exit codes: 0 completed, 1 failed, 130 stopped.`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      name: "string",
      db: "string",
      json: "boolean",
      python: "string",
      resume: "string",
      checkpoint: "string",
      ...RAY_FLAGS,
    });
    const [file, ...extra] = parsed.positionals;
    const resumeId = stringFlag(parsed, "resume");
    const checkpoint = stringFlag(parsed, "checkpoint");
    if (resumeId !== undefined && file !== undefined)
      throw new UsageError("give either a config file or --resume RUN_ID, not both");
    if (checkpoint !== undefined && resumeId === undefined)
      throw new UsageError("--checkpoint goes with --resume RUN_ID");
    if (file === undefined && resumeId === undefined)
      throw new UsageError("missing the run config file, e.g. examples/training/tiny-cpu.yaml");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"; give one config file`);
    const config = file === undefined ? undefined : loadRunConfig(file);
    const configText = file === undefined ? undefined : readFileSync(file, "utf8");
    const db = resolve(runsDbPath(stringFlag(parsed, "db")));
    const name = stringFlag(parsed, "name");
    const python = stringFlag(parsed, "python");
    if (io.signal.aborted) return 130;

    const store = RunStore.open(db);
    try {
      const resumeRun = resumeId === undefined ? undefined : findRun(store, resumeId).id;
      const bridge = await PythonBridge.start({
        poolSize: 1,
        ...(python === undefined ? {} : { python }),
        ...placementOption(parsed),
      });
      const manager = new RunManager({ bridge, store });
      try {
        const launch =
          resumeRun !== undefined
            ? () => manager.resume(resumeRun, checkpoint)
            : () =>
                manager.start({
                  config,
                  configText,
                  configDir: dirname(resolve(file ?? ".")),
                  ...(name === undefined ? {} : { name }),
                });
        const result = await trainOne(manager, io, launch, db);
        if (parsed.flags.has("json")) io.stdout.write(`${JSON.stringify(result)}\n`);
        return exitCode(result.status);
      } finally {
        await manager.dispose();
        await bridge.dispose();
      }
    } finally {
      store.close();
    }
  },
};

async function trainOne(
  manager: RunManager,
  io: CliIO,
  launch: () => Promise<{ runId: string }>,
  db: string,
): Promise<TrainResult> {
  const progress = new TrainProgress(io.stderr, io.interactive);
  let runId: string | undefined;
  let maxSteps = 0;
  let stopRequested = false;
  const onEvent = (event: WorkbenchEvents["training.event"]): void => {
    if (event.runId !== runId) return;
    const p = event.payload;
    if (event.type === "started") {
      maxSteps = Number(p["max_steps"]);
      const resumed = Number(p["start_step"]) > 0 ? `, resuming at step ${String(p["start_step"])}` : "";
      progress.note(
        `training on ${String(p["device"])} (${String(p["backend"])}): ${String(p["trainable_params"])} of ${String(p["total_params"])} params trainable, ` +
          `${String(p["train_examples"])} train / ${String(p["eval_examples"])} eval rows${resumed}`,
      );
    } else if (event.type === "log") {
      progress.update({
        step: Number(p["step"]),
        maxSteps,
        loss: Number(p["loss"]),
        tokensPerS: Number(p["tokens_per_s"]),
        etaS: typeof p["eta_s"] === "number" ? p["eta_s"] : null,
      });
    } else if (event.type === "eval") {
      progress.note(`eval at step ${String(p["step"])}: eval_loss ${Number(p["eval_loss"]).toFixed(4)}`);
    } else if (event.type === "oom_backoff") {
      progress.note(
        `out of memory at step ${String(p["step"])}: batch ${String(p["old_batch_size"])} → ${String(p["new_batch_size"])} (grad_accumulation ${String(p["grad_accumulation"])})`,
      );
    } else if (event.type === "checkpoint") {
      progress.note(`checkpoint saved: ${String(p["path"])}`);
    }
  };
  const unsubscribe = [
    manager.onEvent(onEvent),
    manager.onWarning((warning) => {
      if (warning.runId === runId) progress.note(`warning: ${warning.message}`);
    }),
  ];
  const onAbort = (): void => {
    if (runId === undefined || stopRequested) return;
    stopRequested = true;
    progress.note("stopping at the end of this step and saving a checkpoint… (Ctrl+C again quits at once)");
    manager
      .stop(runId)
      .catch((error: unknown) =>
        progress.note(`could not stop the run: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  io.signal.addEventListener("abort", onAbort, { once: true });
  try {
    runId = (await launch()).runId;
    if (io.signal.aborted) onAbort();
    const summary = await manager.whenFinished(runId);
    progress.finish();
    const detail = manager.detail(runId);
    const started = detail.events.find((e) => e.type === "started")?.payload;
    const finished = detail.events.find((e) => e.type === "finished")?.payload;
    const checkpoint = detail.events.filter((e) => e.type === "checkpoint").at(-1)?.payload;
    const result: TrainResult = {
      runId,
      name: summary.name,
      status: summary.status,
      step: summary.step,
      loss: summary.loss,
      runDir: typeof started?.["run_dir"] === "string" ? started["run_dir"] : null,
      checkpoint: typeof checkpoint?.["path"] === "string" ? checkpoint["path"] : null,
      summary: isRecord(finished?.["summary"]) ? finished["summary"] : null,
      error: detail.error,
      db,
    };
    io.stderr.write(`${outcomeMessage(result)}\n`);
    return result;
  } finally {
    io.signal.removeEventListener("abort", onAbort);
    for (const subscription of unsubscribe) subscription.dispose();
  }
}

function outcomeMessage(result: TrainResult): string {
  const id = result.runId.slice(0, 8);
  switch (result.status) {
    case "completed":
      return (
        `run ${id} completed at step ${String(result.step)}, loss ${result.loss?.toFixed(4) ?? "-"}; adapter checkpoint: ${result.checkpoint ?? "none"}\n` +
        `details: snakebridge runs show ${id} --db ${result.db}`
      );
    case "stopped":
      return result.checkpoint === null
        ? `run ${id} stopped at step ${String(result.step)} without a checkpoint`
        : `run ${id} stopped at step ${String(result.step)}; checkpoint saved at ${result.checkpoint}\n` +
            `to resume: snakebridge train --resume ${id} --db ${result.db}`;
    default: {
      const error = result.error;
      return (
        `run ${id} ${result.status}: ${error === null ? "no error was recorded" : `${error.type}: ${error.message}`}` +
        (error?.traceback ? `\n${error.traceback.trimEnd()}` : "")
      );
    }
  }
}

function exitCode(status: string): number {
  if (status === "completed") return 0;
  if (status === "stopped") return 130;
  return 1;
}
