// What the host asks a worker directly, outside the pool's queue: its health and a stream of telemetry.
import { status, type ServiceError } from "@grpc/grpc-js";
import type { HealthResponse, TelemetrySample } from "../../proto/generated/snakebridge/v1/worker.js";
import { AsyncQueue } from "./async-queue.js";
import type { WorkerHealth } from "./bridge-options.js";
import { rpcError, type WorkerConnection } from "./worker-client.js";

/** A worker's health answer in the bridge's shape (64-bit counters as numbers). */
export function workerHealth(workerId: string, health: HealthResponse): WorkerHealth {
  return {
    workerId,
    pid: health.pid,
    pythonVersion: health.pythonVersion,
    rssBytes: Number(health.rssBytes),
    liveHandles: health.liveHandles,
    callsTotal: Number(health.callsTotal),
    uptimeS: health.uptimeS,
    busy: health.busy,
  };
}

/** Telemetry samples from one worker every `intervalMs` until `signal` aborts or the consumer stops. */
export function telemetryStream(
  connection: WorkerConnection,
  intervalMs: number,
  signal: AbortSignal,
): AsyncIterable<TelemetrySample> {
  const call = connection.telemetry(intervalMs);
  const onAbort = (): void => call.cancel();
  const queue = new AsyncQueue<TelemetrySample>(() => call.cancel());
  signal.addEventListener("abort", onAbort, { once: true });
  // The listener goes with the stream, so a long-lived signal does not collect one per telemetry stream.
  const detach = (): void => signal.removeEventListener("abort", onAbort);
  call.on("data", (sample: TelemetrySample) => queue.push(sample));
  call.on("error", (error: ServiceError) => {
    detach();
    if (error.code === status.CANCELLED) queue.end();
    else queue.fail(rpcError(error, "telemetry"));
  });
  call.on("end", () => {
    detach();
    queue.end();
  });
  return queue;
}
