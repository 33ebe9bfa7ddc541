// The gRPC client for one worker: token on every RPC, deadlines, cancellation, and a multiplexed call stream.
import {
  credentials,
  Metadata,
  status,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ServiceError,
} from "@grpc/grpc-js";
import type { DescribeRequest } from "../../proto/generated/snakebridge/v1/describe.js";
import {
  WorkerClient,
  type CallRequest,
  type CallResponse,
  type DescribeResponse,
  type EvalEvent,
  type EvalRequest,
  type HealthResponse,
  type StreamEvent,
  type TelemetrySample,
} from "../../proto/generated/snakebridge/v1/worker.js";
import { ReleasingMap } from "../base/index.js";
import { CallLane, type AnswerReceiver, type LaneRequestHandler, type LaneTls } from "./call-lane.js";
import { PythonError } from "./python-error.js";

export const TOKEN_METADATA_KEY = "x-snakebridge-token";
const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** True for the errors grpc-js raises (a numeric status code and its details). */
export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}

/** A gRPC failure that is not a Python exception (connection lost, refused, deadline). */
export function rpcError(error: ServiceError, what: string, target?: string): PythonError {
  if (error.code === status.DEADLINE_EXCEEDED)
    return PythonError.bridge("timeout", `${what} exceeded its deadline`, target, error);
  if (error.code === status.CANCELLED) return PythonError.bridge("cancelled", `${what} was cancelled`, target, error);
  if (error.code === status.UNAVAILABLE) {
    return PythonError.bridge(
      "worker_crashed",
      `${what} failed: the worker is unreachable (${error.details})`,
      target,
      error,
    );
  }
  if (error.code === status.UNAUTHENTICATED) {
    return PythonError.bridge("internal", `${what} was refused by the worker: ${error.details}`, target, error);
  }
  return PythonError.bridge("internal", `${what} failed: ${error.details || error.message}`, target, error);
}

/** How the host answers the calls a worker makes to it (issue 17: callbacks, tools, state). */
export interface HostHandlers {
  onRequest: LaneRequestHandler;
  onCancel(callId: string): void;
  onRelease(id: string, count: number): void;
}

/** A connection to one worker process. */
export class WorkerConnection {
  readonly #client: WorkerClient;
  /** The worker's call lane (call-lane.ts): the hot path for calls, connected on first use or by waitForReady. */
  #lane: CallLane | undefined;
  /** The call lane ended from the worker's side while this connection was open: the worker takes no more calls. */
  onLaneLost: ((error: Error) => void) | undefined;
  #laneConnecting: Promise<CallLane> | undefined;
  readonly #token: string;
  readonly #metadata: Metadata;
  #pipeline: ClientDuplexStream<CallRequest, CallResponse> | undefined;
  // Releasing (app/base/releasing-map.ts): the gRPC pipeline is a hot path for workers without a lane.
  readonly #pending = new ReleasingMap<string, AnswerReceiver>();
  #closed = false;
  #hostHandlers: HostHandlers | undefined;
  readonly #tls: LaneTls | undefined;

  /**
   * `laneAddress` is the handshake's fast_address; without one, calls use gRPC's CallPipeline. With `tls`, gRPC
   * and the lane speak TLS and the worker's certificate must verify against `tls.ca` (workers on the network).
   */
  constructor(
    readonly address: string,
    token: string,
    readonly laneAddress?: string,
    tls?: LaneTls,
  ) {
    this.#tls = tls;
    const options = {
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      // Local sockets: no keepalive pings (a client pinging more than the server permits is disconnected).
      "grpc.enable_retries": 0,
      ...(tls?.serverName === undefined
        ? {}
        : { "grpc.ssl_target_name_override": tls.serverName, "grpc.default_authority": tls.serverName }),
    };
    const channel =
      tls === undefined
        ? credentials.createInsecure()
        : credentials.createSsl(typeof tls.ca === "string" ? Buffer.from(tls.ca) : tls.ca);
    this.#client = new WorkerClient(address, channel, options);
    this.#token = token;
    this.#metadata = new Metadata();
    this.#metadata.set(TOKEN_METADATA_KEY, token);
  }

  #deadline(timeoutMs: number | undefined): { deadline?: Date } {
    return timeoutMs === undefined || timeoutMs <= 0 ? {} : { deadline: new Date(Date.now() + timeoutMs) };
  }

  /** Waits until the channel is connected. */
  async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = new Date(Date.now() + timeoutMs);
    const ready = new Promise<void>((resolve, reject) =>
      this.#client.waitForReady(deadline, (error) => (error ? reject(error) : resolve())),
    );
    await Promise.all([ready, ...(this.laneAddress ? [this.#connectLane(timeoutMs)] : [])]);
  }

  #connectLane(timeoutMs = 10_000): Promise<CallLane> {
    this.#laneConnecting ??= CallLane.connect(this.laneAddress ?? "", this.#token, timeoutMs, this.#tls).then(
      (lane) => {
        if (this.#closed) lane.close();
        lane.onLost = (error) => this.onLaneLost?.(error);
        this.#lane = lane;
        if (this.#hostHandlers !== undefined) this.#attach(lane, this.#hostHandlers);
        return lane;
      },
    );
    return this.#laneConnecting;
  }

  /** Serves the calls this worker makes to the host on its lane (the gRPC fallback has no such direction). */
  serveHost(handlers: HostHandlers): void {
    this.#hostHandlers = handlers;
    if (this.#lane !== undefined) this.#attach(this.#lane, handlers);
  }

  #attach(lane: CallLane, handlers: HostHandlers): void {
    lane.onRequest = handlers.onRequest;
    lane.onCancel = (callId) => handlers.onCancel(callId);
    lane.onRelease = (id, count) => handlers.onRelease(id, count);
  }

  /** One unary Call with a gRPC deadline (the worker interrupts the call when it passes). */
  callUnary(request: CallRequest, timeoutMs?: number): Promise<CallResponse> {
    return new Promise((resolve, reject) => {
      this.#client.call(request, this.#metadata, this.#deadline(timeoutMs), (error, response) => {
        if (error) reject(rpcError(error, `call ${request.target}`, request.target));
        else resolve(response);
      });
    });
  }

  /** A Call on the fast path for small calls. The caller enforces deadlines (CallInterrupt). */
  callFast(request: CallRequest): Promise<CallResponse> {
    return new Promise((resolve, reject) => this.sendFast(request, { answered: resolve, failed: reject }));
  }

  /** A Call on the fast path whose outcome `receiver` hears (never at once); the caller enforces deadlines. */
  sendFast(request: CallRequest, receiver: AnswerReceiver): void {
    if (this.#closed) {
      const closed = PythonError.bridge("worker_crashed", "the worker connection is closed", request.target);
      queueMicrotask(() => receiver.failed(closed));
      return;
    }
    if (this.#lane) return this.#lane.send(request, receiver);
    if (this.laneAddress) {
      this.#connectLane().then(
        (lane) => lane.send(request, receiver),
        (error: unknown) => {
          receiver.failed(
            PythonError.bridge(
              "worker_crashed",
              error instanceof Error ? error.message : String(error),
              request.target,
              error,
            ),
          );
        },
      );
      return;
    }
    this.#pending.set(request.callId, receiver);
    this.#pipelineStream().write(request);
  }

  #pipelineStream(): ClientDuplexStream<CallRequest, CallResponse> {
    if (this.#pipeline) return this.#pipeline;
    const stream = this.#client.callPipeline(this.#metadata);
    stream.on("data", (response: CallResponse) => {
      const pending = this.#pending.get(response.callId);
      if (!pending) return; // the caller gave up (deadline) and already rejected
      this.#pending.delete(response.callId);
      pending.answered(response);
    });
    const fail = (error: Error): void => {
      if (this.#pipeline === stream) this.#pipeline = undefined;
      const failure = isServiceError(error) ? rpcError(error, "call") : error;
      for (const pending of this.#pending.values()) pending.failed(failure);
      this.#pending.clear();
    };
    stream.on("error", fail);
    stream.on("end", () => fail(PythonError.bridge("worker_crashed", "the worker closed its call stream")));
    this.#pipeline = stream;
    return stream;
  }

  /** Forgets a call (its caller was answered already), so a late answer is dropped. */
  abandon(callId: string): void {
    this.#pending.delete(callId);
    this.#lane?.abandon(callId);
  }

  /** Streams the items of a CallStream; cancel() on the returned call ends it. */
  callStream(request: CallRequest, timeoutMs?: number): ClientReadableStream<StreamEvent> {
    return this.#client.callStream(request, this.#metadata, this.#deadline(timeoutMs));
  }

  /** Runs a cell; events stream until the result or error. */
  eval(request: EvalRequest, timeoutMs?: number): ClientReadableStream<EvalEvent> {
    return this.#client.eval(request, this.#metadata, this.#deadline(timeoutMs));
  }

  /** Samples telemetry until the returned call is cancelled. */
  telemetry(intervalMs: number): ClientReadableStream<TelemetrySample> {
    return this.#client.telemetry({ intervalMs }, this.#metadata);
  }

  /** Describes a module. */
  describe(request: DescribeRequest, timeoutMs?: number): Promise<DescribeResponse> {
    return new Promise((resolve, reject) => {
      this.#client.describe(request, this.#metadata, this.#deadline(timeoutMs), (error, response) => {
        if (error) reject(rpcError(error, `describe ${request.module}`));
        else resolve(response);
      });
    });
  }

  /** Interrupts (or, gracefully, asks to stop) a running call. */
  cancel(callId: string, graceful = false, timeoutMs = 5_000): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#client.cancel({ callId, graceful }, this.#metadata, this.#deadline(timeoutMs), (error, response) => {
        if (error) reject(rpcError(error, `cancel ${callId}`));
        else resolve(response.found);
      });
    });
  }

  /** Releases handles. */
  release(handleIds: string[], timeoutMs = 5_000): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#client.release({ handleIds }, this.#metadata, this.#deadline(timeoutMs), (error, response) => {
        if (error) reject(rpcError(error, "release"));
        else resolve(response.released);
      });
    });
  }

  /** Asks the worker how it is. */
  health(timeoutMs = 5_000): Promise<HealthResponse> {
    return new Promise((resolve, reject) => {
      this.#client.health({}, this.#metadata, this.#deadline(timeoutMs), (error, response) => {
        if (error) reject(rpcError(error, "health check"));
        else resolve(response);
      });
    });
  }

  /** Closes the channel; pending pipelined calls fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pipeline?.end();
    for (const pending of this.#pending.values()) {
      pending.failed(PythonError.bridge("worker_crashed", "the worker connection was closed"));
    }
    this.#pending.clear();
    this.#lane?.close();
    this.#client.close();
  }

  /** A client without the token, to prove the worker refuses it (tests only need this). */
  static unauthenticated(address: string): WorkerClient {
    return new WorkerClient(address, credentials.createInsecure());
  }
}
