// PoolSnapshot → PoolView (drops the pool's run id; optional fields become explicit nulls).
import type { PoolView, WorkerView } from "../../../api/workbench-api.js";
import type { PythonBridge } from "../../../bridge/index.js";
import type { PoolSnapshot, WorkerSnapshot } from "../../../pool/index.js";

/** The UI's view of the worker pool. */
export function poolView(
  snapshot: PoolSnapshot,
  remoteOf: (workerId: string) => RemoteWorker | undefined = () => undefined,
): PoolView {
  return {
    size: snapshot.size,
    queued: snapshot.queued,
    workers: snapshot.workers.map((w) => workerView(w, remoteOf(w.id))),
  };
}

/** A worker that runs elsewhere (a Ray actor): its node, and its pid there. */
interface RemoteWorker {
  node: string;
  pid: number;
}

/**
 * The pool view of a bridge. A Ray actor worker shows its node and the pid of its worker process on that node
 * (the pool itself only knows the local lease process that stands for it).
 */
export function bridgePoolView(bridge: PythonBridge): PoolView {
  const view = poolView(bridge.pool.snapshot(), (workerId) => {
    const placement = bridge.workerPlacement(workerId);
    return placement === undefined
      ? undefined
      : { node: `${placement.hostname} (${placement.nodeIp})`, pid: placement.workerPid };
  });
  return { ...view, queued: bridge.waiting };
}

function workerView(worker: WorkerSnapshot, remote: RemoteWorker | undefined): WorkerView {
  // A slot between generations still maps to the last actor: show the pool's pid (0) then.
  const live = remote !== undefined && worker.pid !== 0;
  return {
    id: worker.id,
    pid: live ? remote.pid : worker.pid,
    generation: worker.generation,
    state: worker.state,
    callsTotal: worker.callsTotal,
    inFlight: worker.inFlight,
    restarts: worker.restarts,
    sessions: [...worker.sessions],
    startedAt: worker.startedAt,
    rssBytes: worker.rssBytes ?? null,
    lastError: worker.lastError ?? null,
    ...(remote === undefined ? {} : { node: remote.node }),
  };
}
