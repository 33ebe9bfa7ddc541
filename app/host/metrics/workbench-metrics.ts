// Prometheus metrics for the workbench host (prom-client): calls, latency, queue depth, worker lifecycle,
// handles, descriptor-cache hits and misses, stream chunks, training steps and tokens/s.
// Served on `serve`'s /metrics (token required) or on a loopback port of its own (--metrics-port).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { DisposableStore } from "../../base/index.js";
import type { CallObserver, PythonBridge } from "../../bridge/index.js";
import type { LibraryDescriber } from "../../integration/library-describer.js";
import type { EventHub } from "../service/event-hub.js";

/** Distinct call targets kept as label values; beyond this, calls count under target="(other)". */
const MAX_TARGETS = 500;

/** Prometheus' text exposition format. */
export interface MetricsPage {
  contentType: string;
  body: string;
}

/** The host's metrics registry and the hooks that feed it. */
export class WorkbenchMetrics {
  readonly registry = new Registry();
  readonly #targets = new Set<string>();
  readonly #calls: Counter<"target" | "kind" | "outcome">;
  readonly #latency: Histogram<"kind" | "outcome">;
  readonly #streamChunks: Counter<"target">;
  readonly #workerEvents: Counter<"event">;
  readonly #describes: Counter<"result">;
  readonly #trainingSteps: Counter<"run">;
  readonly #trainingStep: Gauge<"run">;
  readonly #tokensPerSecond: Gauge<"run">;
  #bridge: PythonBridge | undefined;
  readonly #subscriptions = new DisposableStore();

  constructor() {
    const registers = [this.registry];
    this.#calls = new Counter({
      name: "snakebridge_calls_total",
      help: "Python calls by target, kind and outcome (ok or the error classification)",
      labelNames: ["target", "kind", "outcome"],
      registers,
    });
    this.#latency = new Histogram({
      name: "snakebridge_call_duration_seconds",
      help: "Call latency seen by the host, from request to answer",
      labelNames: ["kind", "outcome"],
      registers,
      buckets: [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
      ],
    });
    this.#streamChunks = new Counter({
      name: "snakebridge_stream_chunks_total",
      help: "Items yielded by Python streams (generators), by target",
      labelNames: ["target"],
      registers,
    });
    this.#workerEvents = new Counter({
      name: "snakebridge_worker_events_total",
      help: "Worker lifecycle: started, crashed, recycled, start_failed, stopped",
      labelNames: ["event"],
      registers,
    });
    this.#describes = new Counter({
      name: "snakebridge_descriptor_cache_total",
      help: "Library descriptor lookups: hit (from the cache) or miss (introspected)",
      labelNames: ["result"],
      registers,
    });
    this.#trainingSteps = new Counter({
      name: "snakebridge_training_log_steps_total",
      help: "Training steps logged, by run",
      labelNames: ["run"],
      registers,
    });
    this.#trainingStep = new Gauge({
      name: "snakebridge_training_step",
      help: "The latest logged training step, by run",
      labelNames: ["run"],
      registers,
    });
    this.#tokensPerSecond = new Gauge({
      name: "snakebridge_training_tokens_per_second",
      help: "Training throughput at the latest logged step, by run",
      labelNames: ["run"],
      registers,
    });
    const snapshot = () => this.#bridge?.pool.snapshot();
    const waiting = () => this.#bridge?.waiting ?? 0;
    new Gauge({
      name: "snakebridge_pool_queue_depth",
      help: "Calls waiting for a free worker (a batch of calls waiting in the pool counts once)",
      registers,
      collect() {
        this.set(waiting());
      },
    });
    new Gauge({
      name: "snakebridge_workers",
      help: "Workers by state",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        for (const worker of snapshot()?.workers ?? []) this.inc({ state: worker.state });
      },
    });
    new Gauge({
      name: "snakebridge_calls_in_flight",
      help: "Calls running in workers now",
      registers,
      collect() {
        this.set((snapshot()?.workers ?? []).reduce((sum, w) => sum + w.inFlight, 0));
      },
    });
    const bridgeOf = () => this.#bridge;
    new Gauge({
      name: "snakebridge_live_handles",
      help: "Python objects held for the host as handles, by worker",
      labelNames: ["worker"],
      registers,
      async collect() {
        this.reset();
        const bridge = bridgeOf();
        if (bridge === undefined) return;
        // A worker stuck in C code still answers Health (its own thread); one that cannot answer is left out.
        for (const health of await bridge.health({ timeoutMs: 2_000 }))
          this.set({ worker: health.workerId }, health.liveHandles);
      },
    });
  }

  /** Feeds call and stream metrics; hand it to PythonBridge.start({ observer }). */
  readonly observer: CallObserver = {
    onCallEnd: (record) => {
      const kind = record.kind;
      this.#calls.inc({ target: this.#target(record.target), kind, outcome: record.outcome });
      this.#latency.observe({ kind, outcome: record.outcome === "ok" ? "ok" : "error" }, record.durationMs / 1000);
    },
    onStreamItem: (target) => this.#streamChunks.inc({ target: this.#target(target) }),
  };

  #target(target: string): string {
    if (this.#targets.has(target)) return target;
    if (this.#targets.size >= MAX_TARGETS) return "(other)";
    this.#targets.add(target);
    return target;
  }

  /** Reads queue depth, workers and handles from this bridge, and counts its pool's lifecycle events. */
  watchBridge(bridge: PythonBridge): void {
    this.#bridge = bridge;
    const events: Record<string, string> = {
      worker_started: "started",
      worker_crashed: "crashed",
      worker_recycled: "recycled",
      worker_start_failed: "start_failed",
      worker_stopped: "stopped",
    };
    const subscription = bridge.pool.on((event) => {
      const name = events[event.type];
      if (name !== undefined) this.#workerEvents.inc({ event: name });
    });
    this.#subscriptions.add(subscription);
  }

  /** Counts descriptor-cache hits and misses of this describer. */
  watchDescriber(describer: LibraryDescriber): void {
    const describe = describer.describe.bind(describer);
    describer.describe = async (...args) => {
      const outcome = await describe(...args);
      this.#describes.inc({ result: outcome.fromCache ? "hit" : "miss" });
      return outcome;
    };
  }

  /** Follows training runs through the host's events (steps and tokens/s as they are logged). */
  watchEvents(events: EventHub): void {
    this.#subscriptions.add(
      events.on((message) => {
        if (message.event !== "training.event" || message.payload.type !== "log") return;
        const { runId, payload } = message.payload;
        const step = payload.step;
        const tokens = payload.tokens_per_s;
        if (typeof step !== "number") return;
        this.#trainingSteps.inc({ run: runId });
        this.#trainingStep.set({ run: runId }, step);
        if (typeof tokens === "number") this.#tokensPerSecond.set({ run: runId }, tokens);
      }),
    );
  }

  /** The current values in Prometheus' text format. */
  async render(): Promise<MetricsPage> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops following the bridge and events. */
  dispose(): void {
    this.#subscriptions.clear();
    this.#bridge = undefined;
  }
}
