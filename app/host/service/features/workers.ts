// workers.*: the pool's state, restarts, kills and recent output; pushes "pool.changed" and "worker.output".
import { DisposableStore, type IDisposable } from "../../../base/index.js";
import type { HostPools } from "../../host-pools.js";
import type { EventHub } from "../event-hub.js";
import type { HandlerTable } from "../request-handler.js";
import { WorkerLogs } from "../worker-logs.js";

/** Pool events come in bursts (a call starts and finishes); the UI needs one update per burst. */
const POOL_CHANGED_DEBOUNCE_MS = 100;

type WorkerRequests = "workers.list" | "workers.restart" | "workers.kill" | "workers.log" | "workers.tools";

/** Watches the pool and the workers' output; dispose() stops watching. */
export class WorkersFeature implements IDisposable {
  readonly logs = new WorkerLogs();
  readonly #subscriptions = new DisposableStore();
  #timer: NodeJS.Timeout | undefined;
  readonly #pools: HostPools;
  readonly #events: EventHub;

  constructor(pools: HostPools, events: EventHub) {
    this.#pools = pools;
    this.#events = events;
    for (const { bridge, idPrefix } of pools.list) {
      this.#subscriptions.add(
        bridge.onWorkerOutput((localId, stream, text) => {
          const workerId = idPrefix + localId;
          this.logs.append(workerId, text);
          events.emit("worker.output", { workerId, stream, text });
        }),
      );
      this.#subscriptions.add(bridge.pool.on(() => this.#schedulePoolChanged()));
    }
  }

  /** Text a cell printed in a worker: user code's prints are what the Workers log is for. */
  recordCellOutput(workerId: string, stream: "stdout" | "stderr", text: string): void {
    this.logs.append(workerId, text);
    this.#events.emit("worker.output", { workerId, stream, text });
  }

  #schedulePoolChanged(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#events.emit("pool.changed", this.#pools.view());
    }, POOL_CHANGED_DEBOUNCE_MS);
  }

  /** The request handlers of this feature. */
  handlers(): HandlerTable<WorkerRequests> {
    return {
      "workers.list": async () => this.#pools.view(),
      "workers.restart": async ({ workerId }) => {
        const { pool, localId } = this.#pools.resolveWorker(workerId);
        await pool.bridge.pool.restartWorker(localId, "restarted from the workbench");
        return {};
      },
      "workers.kill": async ({ workerId }) => {
        const { pool, localId } = this.#pools.resolveWorker(workerId);
        pool.bridge.pool.killWorker(localId, "killed from the workbench");
        return {};
      },
      "workers.log": async ({ workerId }) => {
        this.#pools.resolveWorker(workerId);
        return { text: this.logs.text(workerId) };
      },
      "workers.tools": async () => ({
        tools: this.#pools.defaultBridge.tools
          .list()
          .map((t) => ({ name: t.name, description: t.description, inputSchema: { ...t.inputSchema } })),
      }),
    };
  }

  /** Stops watching the pool and the workers' output. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#subscriptions.dispose();
  }
}
