// Exports a trained run's model: the LoRA adapter, the merged model, or GGUF where the backend can.
import type { PythonBridge } from "../bridge/index.js";
import type { RunStore } from "./run-store.js";

export type ModelExportKind = "adapter" | "merged" | "gguf";
export const MODEL_EXPORT_KINDS: readonly ModelExportKind[] = ["adapter", "merged", "gguf"];

export interface ModelExportResult {
  kind: ModelExportKind;
  path: string;
  files: string[];
}

/** The folder a run trained into (from its `started` event). */
export function runDirectory(store: RunStore, runId: string): string {
  const started = store.events(runId).find((stored) => stored.event.type === "started");
  if (!started || started.event.type !== "started") {
    throw new Error(`run ${runId} never started training, so it has no model to export`);
  }
  return started.event.run_dir;
}

/** A checkpoint folder of the run, by path or step; throws naming the run's checkpoints when it has no such one. */
export function runCheckpoint(store: RunStore, runId: string, checkpoint: string): string {
  const saved = store
    .eventsOfType(runId, "checkpoint")
    .flatMap((stored) => (stored.event.type === "checkpoint" ? [stored.event] : []));
  const match = saved.find((event) => event.path === checkpoint || String(event.step) === checkpoint);
  if (match === undefined) {
    throw new Error(
      `run ${runId} has no checkpoint "${checkpoint}"; its checkpoints are ${saved.map((event) => event.step).join(", ") || "none"}`,
    );
  }
  return match.path;
}

/**
 * Exports the run's latest checkpoint (or the given one: a path or step) as `kind` into `outDir`
 * (runs in a worker: merging loads the model).
 */
export async function exportRunModel(
  bridge: PythonBridge,
  store: RunStore,
  runId: string,
  kind: ModelExportKind,
  outDir: string,
  checkpoint?: string,
): Promise<ModelExportResult> {
  const source = checkpoint === undefined ? runDirectory(store, runId) : runCheckpoint(store, runId, checkpoint);
  const result = await bridge.call(
    "snakebridge_worker.training.export",
    [source, kind, outDir],
    {},
    { timeoutMs: 60 * 60_000 },
  );
  const value = result as { kind?: unknown; path?: unknown; files?: unknown };
  if (typeof value.path !== "string" || !Array.isArray(value.files)) {
    throw new Error(`the export of run ${runId} returned an unexpected value: ${JSON.stringify(result)}`);
  }
  return { kind, path: value.path, files: value.files.map(String) };
}
