// The pool adapter for workers that run as Ray actors.
//
// The pool is generic: it watches a local process per worker and signals its process group to stop or kill it.
// A Ray actor may run on another machine, so each slot is represented here by a *lease*: a tiny local process
// (`cat` reading a pipe from this host) whose life is tied to the actor's in both directions. The pool killing
// the lease's group kills the actor (ray.kill through the agent); the actor dying (kill -9 on its node, node
// lost, worker exited) kills the lease, which the pool sees as the worker's crash and replaces it. The lease
// exits by itself when this host dies (its stdin closes), and is recorded in the pool's registry like any worker.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { LaneTls } from "../call-lane.js";
import type { HealthReport, StartContext, StartedWorker, WorkerAdapter } from "../../pool/index.js";
import { signalGroup } from "../../pool/index.js";
import { defaultStateDir } from "../../pool/index.js";
import type { PythonAdapterOptions, PythonWorker } from "../python-adapter.js";
import { PROTOCOL_VERSION } from "../worker-process.js";
import { WorkerConnection } from "../worker-client.js";
import type { RayPlacement, WorkerPlacement } from "./placement.js";
import { RayAgent, type ActorExit, type ActorStarted, type ClusterInfo } from "./ray-agent.js";

export interface RayAdapterOptions extends PythonAdapterOptions {
  placement: RayPlacement;
  /** Pool size: a `local` head gets at least this many CPUs × numCpus so every slot can be placed. */
  poolSize: number;
  stateDir?: string;
}

/** A started Ray worker: the bridge's view plus where it runs. */
export interface RayWorker extends PythonWorker {
  placement: WorkerPlacement;
}

/** Joining a cluster, or starting a local head on a busy machine, takes seconds; a minute means it will not. */
const CONNECT_TIMEOUT_MS = 60_000;

const RAY_PREFIX_RE = /^(?:\x1b\[[0-9;]*m)*\((?<who>[^)]*?)pid=(?<pid>\d+)[^)]*\)(?:\x1b\[[0-9;]*m)*\s?/;

/** Starts each pool slot as a named actor on a Ray cluster. */
export class RayWorkerAdapter implements WorkerAdapter<PythonWorker> {
  #agent: Promise<{ agent: RayAgent; cluster: ClusterInfo }> | undefined;
  readonly #leases = new Map<string, ChildProcess>();
  readonly #byActorPid = new Map<number, string>();
  #disposed = false;
  #tls: LaneTls | undefined;
  readonly #options: RayAdapterOptions;

  constructor(options: RayAdapterOptions) {
    this.#options = options;
  }

  /** The CA workers' certificates must verify against, read once (undefined: plain TCP). */
  #clientTls(): LaneTls | undefined {
    const tls = this.#options.placement.tls;
    if (tls === undefined) return undefined;
    if (this.#tls === undefined) {
      let ca: Buffer;
      try {
        ca = readFileSync(tls.ca);
      } catch (error) {
        throw new Error(
          `Ray TLS: cannot read the CA certificate ${tls.ca}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.#tls = { ca, ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }) };
    }
    return this.#tls;
  }

  /** The cluster as the agent reported it when it connected (undefined before the first worker starts). */
  async cluster(): Promise<ClusterInfo | undefined> {
    return (await this.#agent)?.cluster;
  }

  /** The agent's pid (tests use it to simulate a crash of host and agent together). */
  async agentPid(): Promise<number | undefined> {
    return (await this.#agent)?.agent.pid;
  }

  #connect(): Promise<{ agent: RayAgent; cluster: ClusterInfo }> {
    this.#agent ??= (async () => {
      const { placement } = this.#options;
      const agent = await RayAgent.start({
        python: this.#options.python,
        ...(this.#options.cwd === undefined ? {} : { cwd: this.#options.cwd }),
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
        stateDir: this.#options.stateDir ?? defaultStateDir(),
        onOutput: (stream, line) => this.#relay(stream, line),
        onActorExit: (exit) => this.#actorExited(exit),
      });
      const perWorker = placement.numCpus ?? 1;
      try {
        const cluster = await agent.request<ClusterInfo>(
          "connect",
          {
            address: placement.address,
            namespace: placement.namespace ?? "snakebridge",
            num_cpus: Math.max(this.#options.poolSize * perWorker, 1),
            ...(placement.numGpus ? { num_gpus: placement.numGpus * this.#options.poolSize } : {}),
            ...(placement.objectStoreBytes === undefined ? {} : { object_store_memory: placement.objectStoreBytes }),
          },
          CONNECT_TIMEOUT_MS,
        );
        agent.adoptTempDir(cluster.temp_dir);
        if (cluster.swept.length > 0) {
          this.#options.onNotice?.(
            `Ray: removed ${cluster.swept.length} worker actor(s) left by a host that died: ${cluster.swept.join(", ")}`,
          );
        }
        return { agent, cluster };
      } catch (error) {
        await agent.shutdown();
        throw error;
      }
    })();
    // A failed connection stays failed (a wrong address does not heal): the pool's retries fail fast with it.
    this.#agent.catch(() => undefined);
    return this.#agent;
  }

  /** Ray prefixes forwarded actor output with "(WorkerActor pid=N)": attribute it to that slot. */
  #relay(stream: "stdout" | "stderr", line: string): void {
    const match = RAY_PREFIX_RE.exec(line);
    const workerId = match?.groups?.pid === undefined ? undefined : this.#byActorPid.get(Number(match.groups.pid));
    if (workerId !== undefined) this.#options.onOutput?.(workerId, stream, line.slice(match![0].length) + "\n");
    else this.#options.onOutput?.("ray", stream, line + "\n");
  }

  #actorExited(exit: ActorExit): void {
    const lease = this.#leases.get(exit.name);
    if (!lease || lease.exitCode !== null || lease.signalCode !== null) return;
    if (!exit.expected) this.#options.onNotice?.(`Ray worker actor ${exit.name}: ${exit.reason}`);
    // The pool sees the lease die and treats it as the worker's crash (or the end of a stop it asked for).
    if (lease.pid !== undefined) signalGroup(lease.pid, "SIGKILL");
  }

  async start(ctx: StartContext): Promise<StartedWorker<PythonWorker>> {
    const clientTls = this.#clientTls();
    const { agent } = await this.#connect();
    const { placement } = this.#options;
    const token = randomBytes(24).toString("base64url");
    const lease = await spawnLease();
    const name = `${ctx.workerId}.${randomBytes(4).toString("hex")}`;
    let actorName: string | undefined;
    const abandon = (): void => {
      try {
        signalGroup(lease.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    ctx.signal.addEventListener("abort", abandon, { once: true });
    let started: ActorStarted;
    try {
      const timeoutMs = this.#options.startTimeoutMs ?? 60_000;
      started = await agent.request<ActorStarted>(
        "start",
        {
          slot: ctx.workerId,
          name,
          token,
          bind_host: placement.workerHost ?? "",
          env: { ...this.#options.env, SNAKEBRIDGE_WORKER_ID: ctx.workerId, SNAKEBRIDGE_RUN_ID: ctx.runId },
          num_cpus: placement.numCpus ?? 1,
          ...(placement.numGpus ? { num_gpus: placement.numGpus } : {}),
          ...(placement.resources ? { resources: placement.resources } : {}),
          ...(placement.tls ? { tls: { cert: placement.tls.cert, key: placement.tls.key } } : {}),
          timeout_s: timeoutMs / 1000,
        },
        timeoutMs + 40_000,
      );
      actorName = started.name;
      if (started.protocol !== PROTOCOL_VERSION) {
        throw new Error(
          `the worker on Ray node ${started.node_ip} speaks protocol ${started.protocol}, this host ${PROTOCOL_VERSION}; install one version on both`,
        );
      }
      if (clientTls !== undefined && started.tls !== true) {
        throw new Error(
          `the worker on Ray node ${started.node_ip} did not start TLS; install the same Snakebridge version on every node`,
        );
      }
      if (ctx.signal.aborted) throw new Error("worker start was aborted");
    } catch (error) {
      ctx.signal.removeEventListener("abort", abandon);
      abandon();
      if (actorName !== undefined) await agent.request("kill", { name: actorName }, 10_000).catch(() => undefined);
      throw error;
    }
    ctx.signal.removeEventListener("abort", abandon);
    this.#leases.set(started.name, lease);
    this.#byActorPid.set(started.actor_pid, ctx.workerId);
    const connection = new WorkerConnection(started.address, token, started.fast_address || undefined, clientTls);
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const worker: RayWorker = {
      connection,
      handshake: { ...started },
      workerId: ctx.workerId,
      exited,
      placement: {
        kind: "ray",
        nodeId: started.node_id,
        nodeIp: started.node_ip,
        hostname: started.hostname,
        actorName: started.name,
        actorPid: started.actor_pid,
        workerPid: started.pid,
        resources: started.assigned_resources,
      },
    };
    lease.once("exit", () => {
      connection.close();
      this.#leases.delete(started.name);
      this.#byActorPid.delete(started.actor_pid);
      // The pool killed the lease (kill, stop, shutdown) or the actor died: either way the actor must go.
      agent.request("kill", { name: started.name }, 10_000).catch((error: unknown) => {
        if (!this.#disposed) this.#options.onNotice?.(`Ray: could not kill actor ${started.name}: ${String(error)}`);
      });
      markExited();
      this.#options.onExit?.(worker);
    });
    try {
      await connection.waitForReady(15_000);
    } catch (error) {
      abandon();
      throw new Error(
        `Ray worker ${started.name} on ${started.node_ip} announced ${started.address} but did not accept a connection: ${String(error)}. ` +
          "Check that this machine can reach the node on that address (see workerHost in docs/ray.md).",
      );
    }
    this.#options.onReady?.(worker);
    return { process: lease as ChildProcess & { pid: number }, connection: worker };
  }

  async check(worker: PythonWorker): Promise<HealthReport> {
    const health = await worker.connection.health(5_000);
    return {
      ok: true,
      rssBytes: Number(health.rssBytes),
      detail: `${health.liveHandles} live handles, ${health.callsTotal} calls`,
    };
  }

  /** Stops the worker gracefully on its node, then the pool ends the lease. */
  async stop(worker: PythonWorker): Promise<void> {
    const placement = (worker as Partial<RayWorker>).placement;
    const current = await this.#agent;
    if (placement && current) await current.agent.request("stop", { name: placement.actorName, grace_s: 2 }, 20_000);
    worker.connection.close();
  }

  /** Shuts the agent down (after the pool has stopped its workers): actors killed, a local head stopped. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const current = await this.#agent?.catch(() => undefined);
    await current?.agent.shutdown();
  }
}

/** A local stand-in for a remote actor: `cat` on a pipe from this host, in a process group of its own. */
function spawnLease(): Promise<ChildProcess> {
  const lease = spawn("cat", [], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  lease.stdin?.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    lease.once("spawn", () => resolve(lease));
    lease.once("error", (error) =>
      reject(new Error(`could not start the local lease process for a Ray worker (cat): ${error.message}`)),
    );
  });
}

/** Where a worker runs, when it runs on Ray. */
export function placementOf(worker: PythonWorker): WorkerPlacement | undefined {
  return (worker as Partial<RayWorker>).placement;
}
