// workers.*: the pool's state, restarts, kills and recent output; pushes "pool.changed" and "worker.output".
import type { PythonBridge } from "../../../bridge/index.js";
import type { Disposable } from "../../../pool/index.js";
import { RequestError } from "../api-errors.js";
import { bridgePoolView } from "../convert/pool-view.js";
import type { EventHub } from "../event-hub.js";
import type { HandlerTable } from "../request-handler.js";
import { WorkerLogs } from "../worker-logs.js";

/** Pool events come in bursts (a call starts and finishes); the UI needs one update per burst. */
const POOL_CHANGED_DEBOUNCE_MS = 100;

type WorkerRequests = "workers.list" | "workers.restart" | "workers.kill" | "workers.log" | "workers.tools";

/** Watches the pool and the workers' output; dispose() stops watching. */
export class WorkersFeature implements Disposable {
  readonly logs = new WorkerLogs();
  readonly #subscriptions: Disposable[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly bridge: PythonBridge, private readonly events: EventHub) {
    this.#subscriptions.push(
      bridge.onWorkerOutput((workerId, stream, text) => {
        this.logs.append(workerId, text);
        events.emit("worker.output", { workerId, stream, text });
      }),
      bridge.pool.on(() => this.#schedulePoolChanged()),
    );
  }

  /** Text a cell printed in a worker: user code's prints are what the Workers log is for. */
  recordCellOutput(workerId: string, stream: "stdout" | "stderr", text: string): void {
    this.logs.append(workerId, text);
    this.events.emit("worker.output", { workerId, stream, text });
  }

  #schedulePoolChanged(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.events.emit("pool.changed", bridgePoolView(this.bridge));
    }, POOL_CHANGED_DEBOUNCE_MS);
  }

  #checkWorker(workerId: string): void {
    if (!this.bridge.pool.snapshot().workers.some((w) => w.id === workerId)) {
      const known = this.bridge.pool.snapshot().workers.map((w) => w.id).join(", ");
      throw new RequestError("not_found", `no worker "${workerId}" (workers: ${known})`);
    }
  }

  /** The request handlers of this feature. */
  handlers(): HandlerTable<WorkerRequests> {
    return {
      "workers.list": async () => bridgePoolView(this.bridge),
      "workers.restart": async ({ workerId }) => {
        this.#checkWorker(workerId);
        await this.bridge.pool.restartWorker(workerId, "restarted from the workbench");
        return {};
      },
      "workers.kill": async ({ workerId }) => {
        this.#checkWorker(workerId);
        this.bridge.pool.killWorker(workerId, "killed from the workbench");
        return {};
      },
      "workers.log": async ({ workerId }) => {
        this.#checkWorker(workerId);
        return { text: this.logs.text(workerId) };
      },
      "workers.tools": async () => ({ tools: this.bridge.tools.list().map((t) => ({ name: t.name, description: t.description, inputSchema: { ...t.inputSchema } })) }),
    };
  }

  /** Stops watching the pool and the workers' output. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
  }
}
