// The runs list arrives two ways: pushed updates (training.updated, one run each, as they happen) and snapshots
// (training.runs, the whole list, answered some time after it was asked). A snapshot asked for before an update
// arrived is older than that update; applied as is, it put a run back to "running", or dropped a run started
// while the view was still loading, and no later update came to fix it (the run had ended).

import type { RunSummaryView } from "../../api";

/** Counts pushed updates per run, so a snapshot can tell which runs changed after it was asked for. */
export class RunsFreshness {
  #sequence = 0;
  readonly #lastUpdate = new Map<string, number>();

  /** A pushed update for `runId` arrived. */
  updated(runId: string): void {
    this.#lastUpdate.set(runId, ++this.#sequence);
  }

  /** Call when asking for a snapshot; pass the result to `merge` with the snapshot. */
  mark(): number {
    return this.#sequence;
  }

  /** The snapshot, except that runs updated since `mark` keep their pushed state (and are kept if it lacks them). */
  merge(snapshot: readonly RunSummaryView[], current: readonly RunSummaryView[], mark: number): RunSummaryView[] {
    const newer = new Map(
      current.filter((run) => (this.#lastUpdate.get(run.id) ?? 0) > mark).map((run) => [run.id, run] as const),
    );
    const merged = snapshot.map((run) => newer.get(run.id) ?? run);
    const inSnapshot = new Set(snapshot.map((run) => run.id));
    for (const run of newer.values()) if (!inSnapshot.has(run.id)) merged.push(run);
    return merged;
  }
}
