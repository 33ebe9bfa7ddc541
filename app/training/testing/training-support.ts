// Test support for training tests: skip cleanly without the training extra, and never wait out a
// long timeout for an event a run that already ended will not send.
import { spawnSync } from "node:child_process";

import { disposeAll, type IDisposable } from "../../base/index.js";
import { findInterpreter } from "../../bridge/index.js";
import type { WorkbenchEvents } from "../../api/workbench-api.js";
import type { RunManager } from "../run-manager.js";

/** Why training tests cannot run here (the worker's Python lacks torch/transformers/peft), or null when they can. */
export async function trainingSkipReason(): Promise<string | null> {
  let python: string;
  try {
    python = (await findInterpreter()).executable;
  } catch (error) {
    return `no Python for the worker (${(error as Error).message})`;
  }
  const probe = spawnSync(python, ["-c", "import torch, transformers, peft"], { encoding: "utf8", timeout: 60_000 });
  if (probe.status === 0) return null;
  const last = (probe.stderr || probe.error?.message || "").trim().split("\n").at(-1) ?? "";
  return `the training extra is not installed in ${python} (${last}); install it with: node scripts/setup-python.mjs --extra training`;
}

/**
 * Resolves with the first event of the run that matches; rejects as soon as the run ends without
 * one (finished or failed), so a test of a broken run fails at once instead of at its timeout.
 */
export function nextRunEvent(
  manager: RunManager,
  runId: string,
  match: (event: WorkbenchEvents["training.event"]) => boolean,
): Promise<WorkbenchEvents["training.event"]> {
  return new Promise((resolve, reject) => {
    const stops: IDisposable[] = [];
    const done = (): void => disposeAll(stops);
    stops.push(
      manager.onEvent((event) => {
        if (event.runId !== runId) return;
        if (match(event)) {
          done();
          resolve(event);
        }
      }),
    );
    // whenFinished settles when the stream ends for any reason (finished, failed, cancelled, crashed).
    void manager.whenFinished(runId).then(
      (summary) => {
        done();
        const error = manager.detail(runId).error;
        reject(
          new Error(
            `run ${runId} ended (${summary.status}) before the awaited event${error ? `: ${error.type}: ${error.message}` : ""}`,
          ),
        );
      },
      (error: unknown) => {
        done();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
