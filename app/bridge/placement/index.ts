// Picks the worker adapter for a placement: the bridge stays the same whether workers are children or actors.
import type { WorkerAdapter } from "../../pool/index.js";
import { PythonWorkerAdapter, type PythonAdapterOptions, type PythonWorker } from "../python-adapter.js";
import { mayBeRemote, type Placement } from "./placement.js";
import { RayWorkerAdapter } from "./ray-worker-adapter.js";

export {
  mayBeRemote,
  placementFromEnvironment,
  rayPlacementFromFlag,
  rayTlsFromDirectory,
  type LocalPlacement,
  type Placement,
  type RayPlacement,
  type RayTls,
  type WorkerPlacement,
} from "./placement.js";
export { RayWorkerAdapter, placementOf, type RayWorker } from "./ray-worker-adapter.js";
export type { ClusterInfo } from "./ray-agent.js";

/** What the bridge needs from any worker adapter. */
export type BridgeWorkerAdapter = WorkerAdapter<PythonWorker> & { dispose(): Promise<void> };

/** The adapter that starts workers where `placement` says. */
export function workerAdapterFor(
  placement: Placement | undefined,
  options: PythonAdapterOptions,
  pool: { size: number; stateDir?: string | undefined },
): BridgeWorkerAdapter {
  if (placement?.kind !== "ray") return new PythonWorkerAdapter(options);
  return new RayWorkerAdapter({
    ...options,
    placement,
    poolSize: pool.size,
    ...(pool.stateDir === undefined ? {} : { stateDir: pool.stateDir }),
  });
}

/** Arrays this large travel through /dev/shm by default; never when the worker may be on another machine. */
export function defaultShmThreshold(placement: Placement | undefined): number {
  return mayBeRemote(placement) ? 0 : 1024 * 1024;
}
