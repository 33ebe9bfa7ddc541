// `snakebridge runs list|show <id>|export <id> (--csv | --model KIND --out DIR) [--db PATH]`: reads the run store.
// It only reads: a run another process is training stays "running", never marked interrupted here.
import { PythonBridge } from "../../bridge/index.js";
import { exportRunModel, MODEL_EXPORT_KINDS, type ModelExportKind } from "../../training/model-export.js";
import { defaultRunStorePath } from "../../training/run-store-location.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

import type { RunDetailView, RunSummaryView, SeriesPoint } from "../../api/workbench-api.js";
import { isRecord } from "../../training/events.js";
import { RunStore, type RunRecord } from "../../training/run-store.js";
import { runDetail, runSummary, storedProgress } from "../../training/run-views.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { formatDuration } from "./train-progress.js";
import { formatBytes } from "../../base/index.js";

/** The run store path: --db, else $SNAKEBRIDGE_RUNS_DB, else ~/.snakebridge/runs.db. */
export function runsDbPath(flag: string | undefined): string {
  return flag ?? defaultRunStorePath();
}

/** The one run whose id starts with idOrPrefix; a usage error when none or several match. */
export function findRun(store: RunStore, idOrPrefix: string): RunRecord {
  const exact = store.getRun(idOrPrefix);
  if (exact !== undefined) return exact;
  const matches = store.listRuns().filter((run) => run.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0] as RunRecord;
  if (matches.length === 0)
    throw new UsageError(`no run with id "${idOrPrefix}"; \`snakebridge runs list\` shows the ids`);
  throw new UsageError(
    `"${idOrPrefix}" matches ${matches.length} runs (${matches.map((r) => r.id.slice(0, 8)).join(", ")}); give more of the id`,
  );
}

export const runsCommand: CliCommand = {
  name: "runs",
  summary: "List, show and export training runs from the run store",
  usage: `Usage: snakebridge runs list [--db PATH] [--json]
       snakebridge runs show <id> [--db PATH] [--json]
       snakebridge runs export <id> --csv [--db PATH]
       snakebridge runs export <id> --model adapter|merged|gguf --out DIR [--checkpoint STEP] [--db PATH] [--python PATH]

  list          every run, newest first, as a table
  show <id>     one run: status, last metrics, events, error and config
  export <id>   --csv: every series point as CSV on stdout (source,step,at,name,value)
                --model: the trained model from the run's latest checkpoint — the LoRA adapter
                (safetensors), the merged model, or GGUF where the backend supports it

An id may be shortened to any unique prefix (the table shows 8 characters).

  --db PATH     the run store (default: $SNAKEBRIDGE_RUNS_DB or ~/.snakebridge/runs.db)
  --json        print one JSON value instead of text
  --csv         export the series as CSV
  --model KIND  export the model: adapter, merged or gguf (with --out DIR)
  --checkpoint STEP  with --model: export this checkpoint instead of the latest

To continue a run from a checkpoint: snakebridge train --resume <id> [--checkpoint STEP]`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      db: "string",
      json: "boolean",
      csv: "boolean",
      model: "string",
      out: "string",
      python: "string",
      checkpoint: "string",
    });
    const [action, id, ...extra] = parsed.positionals;
    if (action === undefined) throw new UsageError("missing the action: list, show <id> or export <id> --csv");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (action !== "list" && action !== "show" && action !== "export")
      throw new UsageError(`unknown action "${action}" (known: list, show, export)`);
    if (action !== "list" && id === undefined) throw new UsageError(`runs ${action} needs a run id`);
    const model = stringFlag(parsed, "model");
    if (action === "export" && parsed.flags.has("csv") === (model !== undefined))
      throw new UsageError("runs export needs either --csv or --model KIND --out DIR");
    if (model !== undefined && !MODEL_EXPORT_KINDS.includes(model as ModelExportKind)) {
      throw new UsageError(`--model must be one of ${MODEL_EXPORT_KINDS.join(", ")}, got "${model}"`);
    }
    const out = stringFlag(parsed, "out");
    if (model !== undefined && out === undefined)
      throw new UsageError("--model needs --out DIR (where to write the model)");
    const json = parsed.flags.has("json");

    const path = runsDbPath(stringFlag(parsed, "db"));
    if (!existsSync(path)) {
      if (action !== "list") throw new Error(`no run store at ${path}; train a run first or pass --db`);
      io.stdout.write(json ? "[]\n" : `no runs yet (no run store at ${path})\n`);
      return 0;
    }
    const store = RunStore.open(path);
    try {
      // A run whose owning process died (SIGKILL, power loss) reads "interrupted", ended at its last event.
      store.markInterruptedRuns();
      if (action === "list") {
        const runs = store.listRuns().map((record) => runSummary(record, storedProgress(store, record)));
        io.stdout.write(json ? `${JSON.stringify(runs)}\n` : runsTable(runs));
        return 0;
      }
      const record = findRun(store, id as string);
      if (action === "export" && model !== undefined && out !== undefined) {
        const python = stringFlag(parsed, "python");
        const bridge = await PythonBridge.start({ poolSize: 1, ...(python ? { python } : {}) });
        try {
          io.stderr.write(`exporting the ${model} of run ${record.id.slice(0, 8)} to ${resolve(out)}…\n`);
          const exported = await exportRunModel(
            bridge,
            store,
            record.id,
            model as ModelExportKind,
            resolve(out),
            stringFlag(parsed, "checkpoint"),
          );
          io.stdout.write(
            json
              ? `${JSON.stringify(exported)}\n`
              : `${exported.path}\n${exported.files.map((f) => `  ${f}`).join("\n")}\n`,
          );
        } finally {
          await bridge.dispose();
        }
        return 0;
      }
      if (action === "export") {
        io.stdout.write(store.exportCsv(record.id));
        return 0;
      }
      const detail = runDetail(store, record, storedProgress(store, record));
      io.stdout.write(json ? `${JSON.stringify(detail)}\n` : showRun(detail));
      return 0;
    } finally {
      store.close();
    }
  },
};

/** Runs as an aligned text table. */
export function runsTable(runs: RunSummaryView[]): string {
  if (runs.length === 0) return "no runs yet\n";
  const header = ["ID", "NAME", "STATUS", "STEP", "LOSS", "CREATED", "DURATION"];
  const rows = runs.map((run) => [
    run.id.slice(0, 8),
    run.name,
    run.status,
    run.step === null ? "-" : String(run.step),
    run.loss === null ? "-" : run.loss.toFixed(4),
    formatTime(run.createdAt),
    run.startedAt === null ? "-" : formatDuration(((run.finishedAt ?? Date.now()) - run.startedAt) / 1000),
  ]);
  const numeric = new Set([3, 4]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

/** One run as text: status, times, last metrics and telemetry, events summary, error, config. */
export function showRun(run: RunDetailView): string {
  const lines = [
    `Run ${run.id}  ${run.name}`,
    `  status     ${run.status}${run.step === null ? "" : ` at step ${run.step}`}`,
  ];
  lines.push(`  created    ${formatTime(run.createdAt)}`);
  if (run.startedAt !== null) lines.push(`  started    ${formatTime(run.startedAt)}`);
  if (run.finishedAt !== null && run.startedAt !== null) {
    lines.push(
      `  finished   ${formatTime(run.finishedAt)} (${formatDuration((run.finishedAt - run.startedAt) / 1000)})`,
    );
  }
  const started = run.events.find((event) => event.type === "started")?.payload;
  if (started !== undefined) {
    lines.push(`  run dir    ${String(started["run_dir"])}`);
    lines.push(
      `  device     ${String(started["device"])} (${String(started["backend"])}), ${String(started["trainable_params"])} of ${String(started["total_params"])} params trainable`,
    );
  }
  const checkpoint = run.events.filter((event) => event.type === "checkpoint").at(-1)?.payload;
  if (checkpoint !== undefined)
    lines.push(`  checkpoint ${String(checkpoint["path"])} (step ${String(checkpoint["step"])})`);

  const metrics = Object.entries(run.series).filter(([, points]) => points[0]?.step !== null);
  const telemetry = Object.entries(run.series).filter(([, points]) => points[0]?.step === null);
  if (metrics.length > 0) {
    lines.push("", "Last metrics");
    for (const [name, points] of metrics) lines.push(lastValue(name, points, (p) => `step ${String(p.step)}`));
  }
  if (telemetry.length > 0) {
    lines.push("", "Telemetry (last sample)");
    for (const [name, points] of telemetry) lines.push(lastValue(name, points, () => `${points.length} samples`));
  }

  const counts = new Map<string, number>();
  for (const event of run.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  lines.push(
    "",
    "Events",
    `  ${counts.size === 0 ? "none" : [...counts].map(([type, count]) => `${type} ${count}`).join(", ")}`,
  );
  for (const event of run.events.filter((e) => e.type === "oom_backoff")) {
    lines.push(
      `  oom_backoff at step ${String(event.payload["step"])}: batch ${String(event.payload["old_batch_size"])} → ${String(event.payload["new_batch_size"])}`,
    );
  }
  const finished = run.events.find((event) => event.type === "finished")?.payload;
  if (finished !== undefined && isRecord(finished["summary"])) {
    const summary = finished["summary"];
    lines.push(
      `  finished ${String(finished["status"])}: ${Object.entries(summary)
        .map(([key, value]) => `${key}=${formatValue(value)}`)
        .join(", ")}`,
    );
  }
  if (run.error !== null) {
    lines.push("", `Error (${run.error.classification}): ${run.error.type}: ${run.error.message}`);
    if (run.error.traceback) lines.push(run.error.traceback.trimEnd());
  }
  lines.push(
    "",
    "Config",
    ...run.configText
      .trimEnd()
      .split("\n")
      .map((line) => `  ${line}`),
  );
  return `${lines.join("\n")}\n`;
}

function lastValue(name: string, points: SeriesPoint[], where: (point: SeriesPoint) => string): string {
  const last = points.at(-1);
  if (last === undefined) return `  ${name}`;
  const value = name.endsWith("_bytes") ? formatBytes(last.value) : formatValue(last.value);
  return `  ${name.padEnd(28)} ${value.padStart(12)}  (${where(last)})`;
}

function formatValue(value: unknown): string {
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 0.001 && Math.abs(value) < 1e6 ? value.toFixed(4) : value.toExponential(3);
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}
