// Where the pool's workers run: child processes of this host (the default), or actors on a Ray cluster.
import { join } from "node:path";

/**
 * TLS for workers on the network (PEM file paths). The host verifies each worker's certificate against `ca`; the
 * worker reads `cert` and `key` on its own node, so those paths must exist on every node (a mounted secret).
 */
export interface RayTls {
  ca: string;
  cert: string;
  key: string;
  /** The name the workers' certificate carries, when it does not list each node's address. */
  serverName?: string;
}

/** Workers as actors on a Ray cluster, driven through `python -m snakebridge_worker.ray_agent`. */
export interface RayPlacement {
  kind: "ray";
  /**
   * "local": a private single-node head bound to 127.0.0.1 that lives and dies with this host;
   * "auto": the cluster `ray start` left on this machine (or RAY_ADDRESS); "HOST:PORT": a cluster's GCS;
   * "ray://HOST:10001": Ray Client (needs `pip install "ray[client]"`).
   */
  address: "auto" | "local" | (string & {});
  /** CPUs each worker actor reserves (default 1). */
  numCpus?: number;
  /** GPUs each worker actor reserves (default 0). */
  numGpus?: number;
  /** Custom resources each worker actor reserves, e.g. { "gpu_box": 1 } to pin workers to labelled nodes. */
  resources?: Readonly<Record<string, number>>;
  /** Ray namespace for the named actors (default "snakebridge"). */
  namespace?: string;
  /**
   * Address the workers bind and announce. Default: the node's Ray address (127.0.0.1 on a loopback cluster).
   * Workers listen on TCP: see docs/ray.md for what that exposes and how it is secured.
   */
  workerHost?: string;
  /** TLS for the workers' gRPC server and call lane (the per-worker token is still required). */
  tls?: RayTls;
  /** Object store of a `local` head (default 150 MB: the bridge moves data over gRPC, not the object store). */
  objectStoreBytes?: number;
}

export interface LocalPlacement {
  kind: "local";
}

export type Placement = LocalPlacement | RayPlacement;

/** Where one started worker runs (shown in the Workers and Training views). */
export interface WorkerPlacement {
  kind: "ray";
  nodeId: string;
  nodeIp: string;
  hostname: string;
  actorName: string;
  actorPid: number;
  /** The worker process (the actor's child) on that node. */
  workerPid: number;
  /** What Ray granted the actor (CPU, GPU, custom resources). */
  resources: Record<string, number>;
}

/** Whether workers under this placement may live on another machine (then /dev/shm cannot carry arrays). */
export function mayBeRemote(placement: Placement | undefined): boolean {
  return placement?.kind === "ray" && placement.address !== "local";
}

/** `ca.pem`, `cert.pem` and `key.pem` in `directory` (--ray-tls-dir, SNAKEBRIDGE_RAY_TLS_DIR). */
export function rayTlsFromDirectory(directory: string): RayTls {
  return { ca: join(directory, "ca.pem"), cert: join(directory, "cert.pem"), key: join(directory, "key.pem") };
}

/**
 * The placement SNAKEBRIDGE_RAY asks for (same values as --ray), for hosts started without a command line of
 * their own, such as the desktop app: `SNAKEBRIDGE_RAY=local npm start`.
 */
export function placementFromEnvironment(env: NodeJS.ProcessEnv = process.env): RayPlacement | undefined {
  const value = env["SNAKEBRIDGE_RAY"];
  if (value === undefined || value.trim() === "") return undefined;
  const tlsDir = env["SNAKEBRIDGE_RAY_TLS_DIR"];
  try {
    const placement = rayPlacementFromFlag(value);
    return tlsDir === undefined || tlsDir.trim() === ""
      ? placement
      : { ...placement, tls: rayTlsFromDirectory(tlsDir.trim()) };
  } catch (error) {
    throw new Error(`SNAKEBRIDGE_RAY: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses the CLI's `--ray ADDRESS|local` value into a placement; throws a message the user can act on. */
export function rayPlacementFromFlag(value: string): RayPlacement {
  const address = value.trim();
  if (address === "") throw new Error('--ray needs an address: "local", "auto", HOST:PORT or ray://HOST:PORT');
  if (!/^(local|auto|ray:\/\/[^\s/]+|[^\s/:]+:\d+)$/.test(address)) {
    throw new Error(`--ray ${address}: expected "local", "auto", HOST:PORT (the cluster's GCS) or ray://HOST:PORT`);
  }
  return { kind: "ray", address };
}
