// The host's worker pools: the default one, plus one per integration environment (`serve --allow` with manifests
// that declare `environment:`), named for the UI and the Workers API. Worker ids of the environment pools carry
// their pool's name ("sbalpha/w1"), since every pool numbers its workers from w1.
import type { PoolGroupView, PoolView } from "../api/workbench-api.js";
import type { PythonBridge } from "../bridge/index.js";
import { environmentFor, type EnvironmentPools, type PlannedEnvironment } from "../integration/fabric/environments.js";
import { RequestError } from "./service/api-errors.js";
import { bridgePoolView } from "./service/convert/pool-view.js";

/** One named pool. */
export interface HostPool {
  name: string;
  bridge: PythonBridge;
  /** Integration modules whose calls it runs (empty for the default pool). */
  integrations: string[];
  /** Prefix of its worker ids in the API ("" for the default pool, whose ids stay "w1", "w2", …). */
  idPrefix: string;
}

/** The host's pools and how calls and worker ids map onto them. */
export class HostPools {
  readonly list: readonly HostPool[];
  readonly #environments: readonly PlannedEnvironment[];

  private constructor(
    readonly defaultBridge: PythonBridge,
    list: HostPool[],
    environments: readonly PlannedEnvironment[],
  ) {
    this.#environments = environments;
    this.list = list;
  }

  /** A host with the default pool only (no environments). */
  static single(bridge: PythonBridge): HostPools {
    return new HostPools(bridge, [{ name: "default", bridge, integrations: [], idPrefix: "" }], []);
  }

  /** Names the pools that EnvironmentPools started: by their integrations, with the key when two would clash. */
  static of(pools: EnvironmentPools, environments: readonly PlannedEnvironment[]): HostPools {
    const list: HostPool[] = [{ name: "default", bridge: pools.defaultBridge, integrations: [], idPrefix: "" }];
    const taken = new Set(["default"]);
    for (const env of environments) {
      const integrations = [...new Set(env.integrations.map((i) => i.module))];
      let name = integrations.join("+");
      if (taken.has(name)) name = `${name}@${env.key.slice(0, 8)}`;
      taken.add(name);
      list.push({ name, bridge: pools.bridgeFor(integrations[0]!), integrations, idPrefix: `${name}/` });
    }
    return new HostPools(pools.defaultBridge, list, environments);
  }

  /** The bridge whose workers can import `target`'s integration (a module or a dotted callable). */
  bridgeFor(target: string): PythonBridge {
    const env = environmentFor(this.#environments, target);
    if (env === undefined) return this.defaultBridge;
    const module = env.integrations[0]!.module;
    return this.list.find((p) => p.integrations.includes(module))?.bridge ?? this.defaultBridge;
  }

  /** The pool and pool-local id of an API worker id; a RequestError naming the known ids when there is none. */
  resolveWorker(workerId: string): { pool: HostPool; localId: string } {
    for (const pool of this.list) {
      if (pool.idPrefix !== "" && !workerId.startsWith(pool.idPrefix)) continue;
      if (pool.idPrefix === "" && workerId.includes("/")) continue;
      const localId = workerId.slice(pool.idPrefix.length);
      if (pool.bridge.pool.snapshot().workers.some((w) => w.id === localId)) return { pool, localId };
    }
    const known = this.list.flatMap((p) => p.bridge.pool.snapshot().workers.map((w) => p.idPrefix + w.id)).join(", ");
    throw new RequestError("not_found", `no worker "${workerId}" (workers: ${known})`);
  }

  /** Every pool's workers in one view; with one pool it is exactly the single pool's view, as before. */
  view(): PoolView {
    if (this.list.length === 1) {
      const one = bridgePoolView(this.defaultBridge);
      return { ...one, workers: one.workers.map((w) => ({ ...w, pool: "default" })) };
    }
    const groups: PoolGroupView[] = [];
    const view: PoolView = { size: 0, queued: 0, workers: [], pools: groups };
    for (const pool of this.list) {
      const one = bridgePoolView(pool.bridge);
      view.size += one.size;
      view.queued += one.queued;
      view.workers.push(...one.workers.map((w) => ({ ...w, id: pool.idPrefix + w.id, pool: pool.name })));
      groups.push({
        name: pool.name,
        integrations: pool.integrations,
        python: pool.bridge.interpreter.executable,
        size: one.size,
        queued: one.queued,
      });
    }
    return view;
  }
}
