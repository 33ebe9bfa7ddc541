// PoolSnapshot → PoolView (drops the pool's run id; optional fields become explicit nulls).
import type { PoolView, WorkerView } from "../../../api/workbench-api.js";
import type { PoolSnapshot, WorkerSnapshot } from "../../../pool/index.js";

/** The UI's view of the worker pool. */
export function poolView(snapshot: PoolSnapshot): PoolView {
  return { size: snapshot.size, queued: snapshot.queued, workers: snapshot.workers.map(workerView) };
}

function workerView(worker: WorkerSnapshot): WorkerView {
  return {
    id: worker.id,
    pid: worker.pid,
    generation: worker.generation,
    state: worker.state,
    callsTotal: worker.callsTotal,
    inFlight: worker.inFlight,
    restarts: worker.restarts,
    sessions: [...worker.sessions],
    startedAt: worker.startedAt,
    rssBytes: worker.rssBytes ?? null,
    lastError: worker.lastError ?? null,
  };
}
