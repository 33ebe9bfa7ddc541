// WorkbenchHost: owns the Python bridge, the workspace folder and every feature; dispose() stops them all.
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { HostStatus } from "../api/workbench-api.js";
import { PythonBridge, SqliteStateStore } from "../bridge/index.js";
import { placementFromEnvironment, type Placement } from "../bridge/placement/index.js";
import { LibraryDescriber } from "../integration/library-describer.js";
import { fabricBridgeOptions, refuseCodeInEnforceMode, type HostEnforcement } from "./fabric-options.js";
import type { WorkbenchMetrics } from "./metrics/workbench-metrics.js";
import { RequestError } from "./service/api-errors.js";
import { EnvironmentPools, type PlannedEnvironment } from "../integration/fabric/environments.js";
import { HostPools } from "./host-pools.js";
import { EventHub } from "./service/event-hub.js";
import { consoleHandlers } from "./service/features/console.js";
import { libraryHandlers } from "./service/features/libraries.js";
import { manifestCheckHandlers, manifestSchemaHandler } from "./service/features/manifests.js";
import { manifestBuildHandlers } from "./service/features/manifest-build.js";
import { notebookHandlers } from "./service/features/notebooks.js";
import { defaultRunStorePath } from "../training/run-store-location.js";
import { TrainingFeature, trainingSchemaHandler } from "./service/features/training.js";
import { WorkersFeature } from "./service/features/workers.js";
import { workspaceHandlers } from "./service/features/workspace.js";
import { PythonCellRunner } from "./service/python-cells.js";
import { TypeScriptCells } from "./service/typescript-cells/typescript-cells.js";
import { WorkbenchService, type EngineRequests } from "./service/workbench-service.js";
import type { HandlerTable } from "./service/request-handler.js";
import { WorkspaceFolder } from "./service/workspace-folder.js";
import { seedWorkspace } from "./service/workspace-seed.js";
import { HOST_VERSION } from "./host-version.js";

export interface HostOptions {
  /** Default: ~/SnakebridgeWorkspace. */
  workspaceDir?: string;
  /** Python workers (default 2). */
  poolSize?: number;
  /** The run store (default: $SNAKEBRIDGE_RUNS_DB or ~/.snakebridge/runs.db, shared with `snakebridge train`). */
  runsDb?: string;
  /** Interpreter for the workers (default: bridge discovery). */
  python?: string;
  /** Where the workers run (default: SNAKEBRIDGE_RAY, else child processes; `--ray` puts them on a Ray cluster). */
  placement?: Placement;
  transport: HostStatus["transport"];
  /** Enforce mode: only the allowlist's entrypoints run, and every call is audited. */
  enforce?: HostEnforcement;
  /** Prometheus metrics fed by the bridge, the pool, the describer and training events. */
  metrics?: WorkbenchMetrics;
  /**
   * Integration environments (built by `snakebridge env sync`): one pool each besides the default pool, and each
   * integration's calls go to its pool. Refused at start when one is not built.
   */
  environments?: readonly PlannedEnvironment[];
}

/** The default workspace folder. */
export function defaultWorkspaceDir(): string {
  return join(homedir(), "SnakebridgeWorkspace");
}

/** Owns everything the workbench runs; `service` answers requests as soon as start() resolves. */
export class WorkbenchHost {
  readonly events = new EventHub();
  readonly service: WorkbenchService;
  /** Resolves when the Python pool is up; rejects (also reported via host.status) when it cannot start. */
  readonly ready: Promise<void>;
  #status: HostStatus;
  #bridge: PythonBridge | undefined;
  #pools: HostPools | undefined;
  readonly #disposers: (() => void | Promise<void>)[] = [];
  #disposed = false;
  readonly #options: HostOptions;

  private constructor(
    readonly workspace: WorkspaceFolder,
    options: HostOptions,
  ) {
    this.#options = options;
    this.#status = {
      state: "starting",
      error: null,
      interpreter: null,
      pool: { size: options.poolSize ?? 2, queued: 0, workers: [] },
      hostVersion: HOST_VERSION,
      transport: options.transport,
      workspaceDir: workspace.root,
      ...(options.enforce === undefined ? {} : { enforce: { manifests: [...options.enforce.policy.manifests] } }),
    };
    options.metrics?.watchEvents(this.events);
    const engine = this.#startEngine();
    this.ready = engine.then(() => undefined);
    this.ready.catch(() => undefined); // reported through host.status
    this.service = new WorkbenchService(
      this.events,
      {
        "host.status": async () => this.status(),
        ...workspaceHandlers(workspace),
        ...manifestSchemaHandler(),
        ...trainingSchemaHandler(),
      },
      engine,
    );
  }

  /** Prepares (and on first run seeds) the workspace, then starts the Python pool in the background. */
  static async start(options: HostOptions): Promise<WorkbenchHost> {
    const root = resolve(options.workspaceDir ?? defaultWorkspaceDir());
    await mkdir(root, { recursive: true });
    const workspace = new WorkspaceFolder(root);
    await seedWorkspace(workspace);
    return new WorkbenchHost(workspace, options);
  }

  /** The host's current status (pool state is read live). */
  status(): HostStatus {
    if (this.#pools) this.#status = { ...this.#status, pool: this.#pools.view() };
    return this.#status;
  }

  /** The running bridge (for in-process callers); throws while the engine is not up. */
  get bridge(): PythonBridge {
    if (!this.#bridge)
      throw new RequestError(
        "unavailable",
        `the Python engine is ${this.#status.state}${this.#status.error ? `: ${this.#status.error}` : ""}`,
      );
    return this.#bridge;
  }

  #setStatus(patch: Partial<HostStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.events.emit("host.status", this.status());
  }

  async #startEngine(): Promise<HandlerTable<EngineRequests>> {
    let pools: HostPools;
    try {
      const placement = this.#options.placement ?? placementFromEnvironment();
      // Session state (bridge.state) beside the run store: it outlives workers and the workbench itself.
      const runsDb = this.#options.runsDb ?? defaultRunStorePath();
      const stateStore = new SqliteStateStore(
        runsDb === ":memory:" ? ":memory:" : join(dirname(runsDb), "session-state.db"),
      );
      this.#disposers.push(() => stateStore.close());
      const bridgeOptions = {
        poolSize: this.#options.poolSize ?? 2,
        stateStore,
        cwd: this.workspace.root,
        ...fabricBridgeOptions(this.#options),
        ...(this.#options.python === undefined ? {} : { python: this.#options.python }),
        ...(placement === undefined ? {} : { placement }),
      };
      const environments = this.#options.environments ?? [];
      pools =
        environments.length === 0
          ? HostPools.single(await PythonBridge.start(bridgeOptions))
          : HostPools.of(await EnvironmentPools.start(environments, bridgeOptions), environments);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#setStatus({ state: "failed", error: message });
      throw new RequestError("unavailable", `The Python engine could not start: ${message}`);
    }
    const disposePools = async (): Promise<void> => void (await Promise.all(pools.list.map((p) => p.bridge.dispose())));
    if (this.#disposed) {
      await disposePools();
      throw new RequestError("unavailable", "the workbench host was shut down while the Python engine started");
    }
    const bridge = pools.defaultBridge;
    this.#bridge = bridge;
    this.#pools = pools;
    // The default pool last: the metrics' queue depth follows the pool watched last; worker events count for all.
    for (const pool of [...pools.list].reverse()) this.#options.metrics?.watchBridge(pool.bridge);
    this.#disposers.push(disposePools);
    const handlers = refuseCodeInEnforceMode(this.#engineHandlers(pools), this.#options.enforce);
    const { executable, version, source } = bridge.interpreter;
    this.#setStatus({ state: "ready", error: null, interpreter: { executable, version, source } });
    return handlers;
  }

  #engineHandlers(pools: HostPools): HandlerTable<EngineRequests> {
    const bridge = pools.defaultBridge;
    const workers = new WorkersFeature(pools, this.events);
    // Describes (Libraries, manifest generate/diff/completions) of an integration with an environment run in its pool.
    const describer = new LibraryDescriber({
      bridge,
      ...(pools.list.length > 1 ? { bridgeFor: (module: string) => pools.bridgeFor(module) } : {}),
    });
    this.#options.metrics?.watchDescriber(describer);
    const python = new PythonCellRunner(bridge, (workerId, stream, text) =>
      workers.recordCellOutput(workerId, stream, text),
    );
    const typescript = new TypeScriptCells(bridge, this.workspace);
    const training = new TrainingFeature(
      bridge,
      this.workspace,
      this.events,
      this.#options.runsDb ?? defaultRunStorePath(),
    );
    // Disposed in reverse: features stop before the bridge they use.
    this.#disposers.push(
      () => describer.dispose(),
      () => workers.dispose(),
      () => typescript.dispose(),
      () => training.dispose(),
    );
    return {
      ...libraryHandlers(describer),
      ...manifestCheckHandlers(describer),
      ...manifestBuildHandlers(describer, this.workspace),
      ...notebookHandlers(bridge, this.workspace, python, typescript, this.events),
      ...consoleHandlers(bridge, python, this.events),
      ...workers.handlers(),
      ...training.handlers(),
    };
  }

  /** Stops every feature, then the Python workers; waits for a pool that is still starting. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.ready.catch(() => undefined);
    const errors: unknown[] = [];
    for (const dispose of this.#disposers.splice(0).reverse()) {
      try {
        await dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.events.clear();
    if (errors.length > 0) throw new AggregateError(errors, "the workbench host did not shut down cleanly");
  }
}
