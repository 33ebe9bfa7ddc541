// PythonBridge: calls into Python through the worker pool. The API the rest of the app uses.
import { randomUUID } from "node:crypto";
import type { ServiceError } from "@grpc/grpc-js";
import type { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import {
  CallKind,
  OutputStream,
  ResultMode,
  type CallRequest,
  type CallResponse,
  type EvalEvent as EvalEventMessage,
  type HealthResponse,
  type StreamEvent,
  type TelemetrySample,
} from "../../proto/generated/snakebridge/v1/worker.js";
import {
  PoolError,
  ProcessPool,
  type Affinity,
  type PoolOptions,
  type RunOptions,
  type WorkerInfo,
} from "../pool/index.js";
import { Emitter, type IDisposable } from "../base/index.js";
import { CallGuard, workerAllowlistEnv, type AllowPolicy } from "./allowlist.js";
import { AsyncQueue } from "./async-queue.js";
import { observeCall, observeStream, type CallObserver } from "./call-observer.js";
import { redactOutcome, redactStream, type ArgumentBinder } from "./argument-binder.js";
import { CallInterrupt } from "./call-interrupt.js";
import { decodeValue, encodeValue, type EncodeContext, type HandleContext } from "./codec.js";
import { callContext, currentCall, type CallContext } from "./callbacks/call-context.js";
import { HostFunctions } from "./callbacks/host-functions.js";
import { HostRequestServer, type HostService } from "./callbacks/host-requests.js";
import { RunningCalls } from "./callbacks/running-calls.js";
import { HostTools } from "./tools.js";
import { SessionStates, stateService, type SessionState, type StateStore } from "./session-state.js";
import { findInterpreter, type InterpreterInfo } from "./interpreter.js";
import type { PythonWorker, StartMode } from "./python-adapter.js";
import {
  defaultShmThreshold,
  placementOf,
  workerAdapterFor,
  type BridgeWorkerAdapter,
  type Placement,
  type WorkerPlacement,
} from "./placement/index.js";
import { PythonError, type ErrorClassification } from "./python-error.js";
import { rpcError, type WorkerConnection } from "./worker-client.js";
import { NDArray, PyHandle, type HandleOwner, type PyCallback, type PyKwargs, type PyValue } from "./values.js";

export interface BridgeOptions {
  /** Interpreter to use; otherwise SNAKEBRIDGE_PYTHON, the project venv, then python3 on PATH. */
  python?: string;
  poolSize?: number;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Deadline for calls that set none (default 60 s). */
  defaultTimeoutMs?: number;
  /** After a deadline, how long the worker gets to honour the interrupt before it is replaced (default 2 s). */
  hungCallGraceMs?: number;
  /** How workers start: forked from a warm template (Linux default) or spawned. */
  startMode?: StartMode;
  /** ndarray results at least this large travel through shared memory (default 1 MiB; 0 disables). */
  shmThresholdBytes?: number;
  /** Where workers run: child processes (default) or actors on a Ray cluster (docs/ray.md). */
  placement?: Placement;
  pool?: Partial<Omit<PoolOptions, "size">>;
  /** Enforce mode: only these entrypoints may be called, checked here and in every worker (see allowlist.ts). */
  allow?: AllowPolicy;
  /** Told about every call and stream (the audit log and metrics); nothing is measured without one. */
  observer?: CallObserver;
  /** Arguments bound to calls by the host (manifest `bind:`), whose values are redacted from results, errors and logs. */
  bind?: ArgumentBinder;
  /** Where session state (bridge.state) lives: memory by default; the workbench passes a SqliteStateStore. */
  stateStore?: StateStore;
}

export interface CallOptions {
  timeoutMs?: number;
  session?: string;
  affinity?: Exclude<Affinity, "none">;
  signal?: AbortSignal;
  /** "handle" keeps the result in Python even when it is plain data. */
  resultMode?: "auto" | "handle";
  /** Identifies the call for cancel()/requestStop(); generated when absent. */
  callId?: string;
}

export type EvalEvent =
  | { type: "stdout" | "stderr"; text: string }
  | { type: "result"; value: PyValue | undefined; repr: string; executionCount: number }
  | { type: "error"; error: PythonError };

export interface WorkerHealth {
  workerId: string;
  pid: number;
  pythonVersion: string;
  rssBytes: number;
  liveHandles: number;
  callsTotal: number;
  uptimeS: number;
  busy: boolean;
}

/** One piece of what a worker printed. */
interface WorkerOutput {
  workerId: string;
  stream: "stdout" | "stderr";
  text: string;
}

export type WorkerOutputListener = (workerId: string, stream: "stdout" | "stderr", text: string) => void;

/** A call waiting for this tick's batch. */
interface BatchedCall {
  request: CallRequest;
  target: string;
  interrupt: CallInterrupt;
  resolve(value: PyValue): void;
  reject(error: unknown): void;
}

interface RunningCall {
  connection: WorkerConnection;
  workerId: string;
  interrupt: CallInterrupt;
  /** Aborted when the call ends: the signal its callbacks see (callbacks/running-calls.ts). */
  ended?: AbortController;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const STREAM_TIMEOUT_MS = 0; // streams (training runs) have no deadline unless the caller sets one

/** Every handle a call uses: the object it is called on, and any inside its arguments. */
function handlesOf(handle: PyHandle | undefined, args: readonly PyValue[], kwargs: PyKwargs): PyHandle[] {
  const found: PyHandle[] = handle ? [handle] : [];
  handlesIn(args as PyValue, found);
  handlesIn(kwargs as PyValue, found);
  return found;
}

/** Collects the PyHandles inside a value, to route the call to the worker that owns them. */
function handlesIn(value: PyValue | undefined, found: PyHandle[] = []): PyHandle[] {
  if (value instanceof PyHandle) found.push(value);
  else if (Array.isArray(value)) for (const v of value as readonly PyValue[]) handlesIn(v, found);
  else if (value instanceof Map)
    for (const [k, v] of value as ReadonlyMap<PyValue, PyValue>) {
      handlesIn(k, found);
      handlesIn(v, found);
    }
  else if (value instanceof Set) for (const v of value as ReadonlySet<PyValue>) handlesIn(v, found);
  else if (
    value !== null &&
    typeof value === "object" &&
    !(value instanceof Uint8Array) &&
    !(value instanceof NDArray)
  ) {
    for (const v of Object.values(value as Record<string, PyValue>)) handlesIn(v, found);
  }
  return found;
}

/** How each pool failure reads to a caller: every one becomes a PythonError with a classification the UI can show. */
const POOL_ERROR_CLASSES: Readonly<Record<string, ErrorClassification>> = {
  worker_crashed: "worker_crashed",
  worker_gone: "worker_crashed",
  worker_start_failed: "worker_crashed",
  pool_saturated: "pool_saturated",
  queue_timeout: "pool_saturated",
  out_of_memory: "out_of_memory",
  // The bridge was shut down while the call waited or ran: it ended without an answer.
  pool_closed: "cancelled",
};

/** Calls Python functions, classes and generators in a pool of worker processes. */
export class PythonBridge implements HandleOwner {
  readonly #running = new RunningCalls<RunningCall>();
  /** TypeScript functions Python holds proxies for (callbacks, issue 17). */
  readonly #functions = new HostFunctions();
  readonly #encodeContext: EncodeContext = { hostFunction: (fn) => this.#functions.send(fn) };
  /** Host services workers may call: tools, session state (keyed by CallKind). */
  readonly #services: Partial<Record<CallKind, HostService>> = {};
  /** Host tools every worker may call (`snakebridge_worker.tools`). */
  readonly tools = new HostTools();
  /** Session state kept by the host (`bridge.state(session)`, `snakebridge_worker.state`). */
  readonly states: SessionStates;
  #tick: BatchedCall[] = [];
  #batchesInFlight = 0;
  readonly #poolSize: number;
  readonly #output = new Emitter<WorkerOutput>("worker output");
  #shmThreshold = 0n;
  readonly #placements = new Map<string, WorkerPlacement | undefined>();
  private readonly connections = new Map<string, WorkerConnection>();
  readonly #finalizer = new FinalizationRegistry<{ id: string; workerId: string; generation: number }>((held) => {
    this.#releaseById(held.id, held.workerId, held.generation);
  });
  #disposed = false;
  #guard: CallGuard | undefined;

  private constructor(
    readonly interpreter: InterpreterInfo,
    readonly pool: ProcessPool<PythonWorker>,
    private readonly adapter: BridgeWorkerAdapter,
    private readonly options: BridgeOptions,
  ) {
    this.#shmThreshold = BigInt(options.shmThresholdBytes ?? defaultShmThreshold(options.placement));
    this.#poolSize = options.poolSize ?? 2;
    this.#services[CallKind.CALL_KIND_HOST_TOOL] = (name, args, kwargs) =>
      name === "" ? this.tools.list() : this.tools.call(name, args, kwargs);
    this.states = new SessionStates(options.stateStore);
    const serveState = stateService(this.states);
    this.#services[CallKind.CALL_KIND_HOST_STATE] = (op, args, _kwargs, request) =>
      serveState(op, args, request.sessionId);
  }

  /** The typed variables of a session, kept by the host so they survive worker crashes. */
  state(session = ""): SessionState {
    return this.states.session(session);
  }

  /** Finds the interpreter, starts the pool and resolves when the workers are ready. */
  static async start(options: BridgeOptions = {}): Promise<PythonBridge> {
    const interpreter = await findInterpreter(options.python);
    const ref: { bridge?: PythonBridge } = {};
    const adapter = workerAdapterFor(
      options.placement,
      {
        python: interpreter.executable,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.env === undefined && options.allow === undefined
          ? {}
          : { env: { ...options.env, ...workerAllowlistEnv(options.allow) } }),
        ...(options.startMode === undefined ? {} : { startMode: options.startMode }),
        onNotice: (message) => ref.bridge?.emitOutput("host", "stderr", `${message}\n`),
        onOutput: (workerId, stream, text) => ref.bridge?.emitOutput(workerId, stream, text),
        onReady: (worker) => {
          if (!ref.bridge) return;
          ref.bridge.#serveHost(worker.workerId, worker.connection);
          ref.bridge.connections.set(worker.workerId, worker.connection);
          ref.bridge.#placements.set(worker.workerId, placementOf(worker));
        },
        onExit: (worker) => {
          if (ref.bridge?.connections.get(worker.workerId) === worker.connection)
            ref.bridge.connections.delete(worker.workerId);
        },
      },
      { size: options.poolSize ?? 2, stateDir: options.pool?.stateDir },
    );
    const pool = new ProcessPool(adapter, { name: "python", ...options.pool, size: options.poolSize ?? 2 });
    const bridge = new PythonBridge(interpreter, pool, adapter, options);
    if (options.allow !== undefined) bridge.#guard = new CallGuard(options.allow);
    ref.bridge = bridge;
    try {
      await pool.start();
    } catch (error) {
      await adapter.dispose();
      throw error;
    }
    return bridge;
  }

  // -- calls ------------------------------------------------------------------------------------

  /** Calls a Python function by dotted path, e.g. call("math.sqrt", [2]). */
  call(
    target: string,
    args: readonly PyValue[] = [],
    kwargs: PyKwargs = {},
    options: CallOptions = {},
  ): Promise<PyValue> {
    return this.#invoke(CallKind.CALL_KIND_FUNCTION, target, undefined, args, kwargs, options);
  }

  /** Constructs a Python object and returns a handle to it. */
  async construct(
    target: string,
    args: readonly PyValue[] = [],
    kwargs: PyKwargs = {},
    options: CallOptions = {},
  ): Promise<PyHandle> {
    const result = await this.#invoke(CallKind.CALL_KIND_CONSTRUCTOR, target, undefined, args, kwargs, options);
    if (!(result instanceof PyHandle))
      throw PythonError.bridge("internal", `constructor ${target} did not return a handle`, target);
    return result;
  }

  /** Calls a method on a live object. */
  callMethod(
    handle: PyHandle,
    method: string,
    args: readonly PyValue[] = [],
    kwargs: PyKwargs = {},
    options: CallOptions = {},
  ): Promise<PyValue> {
    return this.#invoke(CallKind.CALL_KIND_METHOD, method, handle, args, kwargs, options);
  }

  /** Reads an attribute of a live object, or a module-level value by dotted path. */
  getAttribute(owner: PyHandle | string, name?: string, options: CallOptions = {}): Promise<PyValue> {
    if (typeof owner === "string") return this.#invoke(CallKind.CALL_KIND_ATTRIBUTE, owner, undefined, [], {}, options);
    return this.#invoke(CallKind.CALL_KIND_ATTRIBUTE, name ?? "", owner, [], {}, options);
  }

  #request(
    kind: CallKind,
    target: string,
    handle: PyHandle | undefined,
    args: readonly PyValue[],
    kwargs: PyKwargs,
    options: CallOptions,
    callId: string,
  ): CallRequest {
    this.#guard?.check(kind, target, handle);
    const bound = handle === undefined ? this.options.bind?.kwargsFor(kind, target) : undefined;
    if (bound !== undefined) kwargs = { ...kwargs, ...bound };
    return {
      callId,
      kind,
      target,
      handleId: handle?.id ?? "",
      args: args.map((a) => encodeValue(a, 0, this.#encodeContext)),
      kwargs: Object.entries(kwargs).map(([name, value]) => ({
        name,
        value: encodeValue(value, 0, this.#encodeContext),
      })),
      sessionId: options.session ?? "",
      resultMode: options.resultMode === "handle" ? ResultMode.RESULT_MODE_HANDLE : ResultMode.RESULT_MODE_UNSPECIFIED,
      shmThresholdBytes: this.#shmThreshold,
      parentCallId: "",
    };
  }

  /** Pool routing for a call: pinned to the worker that holds the handles it uses. */
  #routing(target: string, handles: readonly PyHandle[], options: CallOptions): RunOptions {
    const released = handles.find((h) => h.released);
    if (released) {
      throw PythonError.bridge(
        "serialization_error",
        `handle ${released.id} (${released.pythonType}) was released and cannot be used`,
        target,
      );
    }
    const workers = new Set(handles.map((h) => h.workerId));
    if (workers.size > 1) {
      throw PythonError.bridge(
        "serialization_error",
        `the call mixes objects from different workers (${[...workers].join(", ")}); objects can only be combined inside one worker. ` +
          "Create them in the same session (CallOptions.session with affinity 'strict').",
        target,
      );
    }
    const routing: RunOptions = { label: target };
    const pinned = handles[0]?.workerId;
    if (pinned !== undefined) routing.workerId = pinned;
    if (options.session !== undefined) {
      routing.session = options.session;
      routing.affinity = options.affinity ?? "hint";
    }
    if (options.signal !== undefined) routing.signal = options.signal;
    return routing;
  }

  #handleContext(worker: WorkerInfo): HandleContext {
    return {
      owner: this,
      workerId: worker.id,
      generation: worker.generation,
      track: (handle) =>
        this.#finalizer.register(handle, { id: handle.id, workerId: worker.id, generation: worker.generation }, handle),
      hostFunction: (id) => this.#functions.get(id),
    };
  }

  // -- calls from Python to the host (callbacks, tools, state: issue 17) -------------------------

  /** The call the current callback runs for (its id, worker and an AbortSignal), or undefined outside callbacks. */
  currentCall(): CallContext | undefined {
    return currentCall();
  }

  /** True while a worker holds a proxy for `fn` (a callback Python kept). */
  holdsCallback(fn: PyCallback): boolean {
    return this.#functions.holds(fn);
  }

  /** How many TypeScript functions Python holds proxies for now. */
  get liveCallbacks(): number {
    return this.#functions.size;
  }

  /** Makes `service` answer the worker requests of `kind` (tools.ts, session-state.ts). */
  serveKind(kind: CallKind, service: HostService): void {
    this.#services[kind] = service;
  }

  #serveHost(workerId: string, connection: WorkerConnection): void {
    const server = new HostRequestServer(
      {
        functions: this.#functions,
        encode: this.#encodeContext,
        decodeContext: (id) => {
          const info = this.pool.snapshot().workers.find((w) => w.id === id);
          return info === undefined ? undefined : this.#handleContext(info);
        },
        callSignal: (callId) => this.#running.signalOf(callId),
        services: this.#services,
        owner: this,
      },
      workerId,
    );
    connection.serveHost({
      onRequest: (request) => server.serve(request),
      onCancel: (callId) => server.cancel(callId),
      onRelease: (id, count) => this.#functions.release(id, count),
    });
  }

  /** The callback this call is made from, when it should run on the worker waiting on that callback. */
  #nestedParent(handles: readonly PyHandle[]): CallContext | undefined {
    const parent = callContext.getStore();
    if (parent === undefined || parent.owner !== this || !this.#running.has(parent.callId)) return undefined;
    if (handles.some((h) => h.workerId !== parent.workerId)) return undefined; // its objects live elsewhere: the pool routes it
    return parent;
  }

  /** Runs a call made from a callback on the worker that waits on that callback (it counts as busy in the pool). */
  async #runNested(
    parent: CallContext,
    request: CallRequest,
    handles: PyHandle[],
    target: string,
    interrupt: CallInterrupt,
  ): Promise<PyValue> {
    const connection = this.connections.get(parent.workerId);
    const info = this.pool.snapshot().workers.find((w) => w.id === parent.workerId);
    if (connection === undefined || info === undefined)
      throw PythonError.bridge("worker_crashed", `worker ${parent.workerId} is gone`, target);
    if (interrupt.error) throw interrupt.error;
    this.#checkGeneration(info, handles, target);
    request.parentCallId = parent.callId;
    const answer = connection.callFast(request);
    this.#bindInterrupt(interrupt, { connection }, info, request.callId, target, answer);
    try {
      return this.#outcome(await answer, info, target);
    } finally {
      this.#running.delete(request.callId);
    }
  }

  #checkGeneration(worker: WorkerInfo, handles: PyHandle[], target: string): void {
    const stale = handles.find((h) => h.generation !== worker.generation);
    if (stale) {
      throw PythonError.bridge(
        "worker_crashed",
        `the object ${stale.pythonType} (${stale.id}) lived in worker ${stale.workerId}, which has been restarted since; create it again`,
        target,
      );
    }
  }

  #invoke(
    kind: CallKind,
    target: string,
    handle: PyHandle | undefined,
    args: readonly PyValue[],
    kwargs: PyKwargs,
    options: CallOptions,
  ): Promise<PyValue> {
    const binder = this.options.bind;
    const run =
      binder === undefined
        ? () => this.#invokeUnobserved(kind, target, handle, args, kwargs, options)
        : () => redactOutcome(binder, this.#invokeUnobserved(kind, target, handle, args, kwargs, options));
    const observer = this.options.observer;
    if (observer === undefined) return run();
    return observeCall(observer, kind, target, handle, args, kwargs, options.session, run);
  }

  async #invokeUnobserved(
    kind: CallKind,
    target: string,
    handle: PyHandle | undefined,
    args: readonly PyValue[],
    kwargs: PyKwargs,
    options: CallOptions,
  ): Promise<PyValue> {
    this.#assertOpen(target);
    const callId = options.callId ?? randomUUID();
    const request = this.#request(kind, target, handle, args, kwargs, options, callId);
    const handles = handlesOf(handle, args, kwargs);
    const routing = this.#routing(target, handles, options);
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const parent = this.#nestedParent(handles);
    // A call from a callback also ends when the call waiting on that callback ends.
    const signal =
      parent === undefined
        ? options.signal
        : options.signal === undefined
          ? parent.signal
          : AbortSignal.any([options.signal, parent.signal]);
    const interrupt = new CallInterrupt(target, timeoutMs, signal);
    // Calls that may run on any worker share a frame with the others issued in this tick.
    const work =
      parent !== undefined
        ? this.#runNested(parent, request, handles, target, interrupt)
        : routing.workerId === undefined && routing.session === undefined
          ? new Promise<PyValue>((resolve, reject) => this.#enqueue({ request, target, interrupt, resolve, reject }))
          : this.pool.run(async (worker, info) => {
              if (interrupt.error) throw interrupt.error; // ended while it waited for a worker: never start it
              this.#checkGeneration(info, handles, target);
              const answer = worker.connection.callFast(request);
              this.#bindInterrupt(interrupt, worker, info, callId, target, answer);
              try {
                return this.#outcome(await answer, info, target);
              } catch (error) {
                await this.#settleCrash(worker, error);
                throw error;
              } finally {
                this.#running.delete(callId);
              }
            }, routing);
    try {
      return await Promise.race([work, interrupt.expired]);
    } catch (error) {
      throw this.#normalise(error, target);
    } finally {
      interrupt.dispose();
      work.catch(() => undefined); // settled after the call was interrupted: already reported
    }
  }

  /** Adds a call to this tick's batch; the batch leaves once every continuation of this tick has run. */
  #enqueue(call: BatchedCall): void {
    this.#tick.push(call);
    if (this.#tick.length === 1) process.nextTick(() => this.#dispatchTick());
  }

  /**
   * Sends this tick's calls as pool tasks of several calls each: one per idle worker (as far as this bridge
   * knows), so that two calls issued together still run in parallel, and sixteen travel as two frames.
   */
  #dispatchTick(): void {
    const calls = this.#tick;
    this.#tick = [];
    const idle = Math.max(1, this.#poolSize - this.#batchesInFlight);
    const groups = Math.min(idle, calls.length);
    const size = Math.ceil(calls.length / groups);
    for (let i = 0; i < calls.length; i += size) {
      const group = calls.slice(i, i + size);
      this.#batchesInFlight += 1;
      this.pool
        .run((worker, info) => this.#runBatch(worker, info, group), { label: group[0]!.target })
        .catch((error: unknown) => {
          for (const call of group) call.reject(error);
        })
        .finally(() => {
          this.#batchesInFlight -= 1;
        })
        .catch(() => undefined);
    }
  }

  /** Runs a batch on one worker: one frame out, answers as they come (batched by the worker). */
  async #runBatch(worker: PythonWorker, info: WorkerInfo, group: readonly BatchedCall[]): Promise<void> {
    let crashed: unknown;
    const answers: Promise<void>[] = [];
    for (const call of group) {
      if (call.interrupt.error) {
        call.reject(call.interrupt.error); // ended while it waited for a worker: never start it
        continue;
      }
      const callId = call.request.callId;
      const answer = worker.connection.callFast(call.request);
      this.#bindInterrupt(call.interrupt, worker, info, callId, call.target, answer);
      answers.push(
        answer.then(
          (response) => {
            this.#running.delete(callId);
            try {
              call.resolve(this.#outcome(response, info, call.target));
            } catch (error) {
              call.reject(error);
            }
          },
          (error: unknown) => {
            this.#running.delete(callId);
            crashed ??= error;
            // A dead worker: the pool's verdict (out_of_memory when the memory watchdog killed it) rejects the
            // call instead, once the exit is seen (see the catch in #dispatchTick).
            if (!(error instanceof PythonError && error.classification === "worker_crashed")) call.reject(error);
          },
        ),
      );
    }
    await Promise.all(answers);
    if (crashed === undefined) return;
    await this.#settleCrash(worker, crashed);
    throw crashed; // the pool learns of the crash from the task too, as with a single call
  }

  /**
   * Makes `interrupt` reach the worker running the call: the worker gets an interrupt (SIGINT on its main
   * thread) and keeps the pool slot until the call has really ended; if it ignores the interrupt for
   * hungCallGraceMs it is replaced. Also registers the call for cancel(callId) and requestStop(callId).
   */
  #bindInterrupt(
    interrupt: CallInterrupt,
    worker: Pick<PythonWorker, "connection">,
    info: Pick<WorkerInfo, "id">,
    callId: string,
    target: string,
    finished: Promise<unknown>,
    onSent?: (found: boolean) => void,
  ): void {
    const connection = worker.connection;
    this.#running.set(callId, { connection, workerId: info.id, interrupt });
    interrupt.bind(async () => {
      const graceMs = this.options.hungCallGraceMs ?? 2000;
      const grace = setTimeout(() => {
        this.pool.killWorker(info.id, `call ${target} ignored an interrupt for ${graceMs} ms`);
      }, graceMs);
      grace.unref();
      finished.finally(() => clearTimeout(grace)).catch(() => undefined);
      const found = await connection.cancel(callId, false).catch(() => false);
      onSent?.(found);
      return found;
    });
  }

  /**
   * A lost connection usually means the process is dying. Hold the worker until its exit is observed, so the
   * pool sees the crash first and does not hand the next queued call to a dead process.
   */
  async #settleCrash(worker: PythonWorker, error: unknown): Promise<void> {
    if (!(error instanceof PythonError) || error.classification !== "worker_crashed") return;
    await Promise.race([worker.exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  #outcome(response: CallResponse, worker: WorkerInfo, target: string): PyValue {
    const outcome = response.outcome;
    if (outcome === undefined)
      throw PythonError.bridge("internal", `the worker sent an empty answer for ${target}`, target);
    if (outcome.$case === "error") throw PythonError.fromMessage(outcome.value, target);
    return decodeValue(outcome.value, this.#handleContext(worker));
  }

  #normalise(error: unknown, target: string): Error {
    if (error instanceof PythonError) return error;
    // Checked before `code`: a DOMException AbortError carries a numeric code (20) of its own.
    if (error instanceof Error && error.name === "AbortError")
      return PythonError.bridge("cancelled", `${target} was cancelled`, target, error);
    if (error instanceof PoolError)
      return PythonError.bridge(POOL_ERROR_CLASSES[error.code] ?? "internal", error.message, target, error);
    if (error instanceof Error && "code" in error && typeof error.code === "number")
      return rpcError(error as ServiceError, `call ${target}`, target);
    return error instanceof Error ? error : new Error(String(error));
  }

  #assertOpen(target: string): void {
    if (this.#disposed) throw PythonError.bridge("internal", "the Python bridge has been shut down", target);
  }

  // -- streams ----------------------------------------------------------------------------------

  /** Calls a generator (or anything iterable) and yields its items; breaking out of the loop cancels it. */
  stream(
    target: string,
    args: readonly PyValue[] = [],
    kwargs: PyKwargs = {},
    options: CallOptions = {},
  ): AsyncIterable<PyValue> {
    const observer = this.options.observer;
    const binder = this.options.bind;
    if (observer === undefined && binder === undefined) return this.#streamUnobserved(target, args, kwargs, options);
    this.#guard?.check(CallKind.CALL_KIND_FUNCTION, target, undefined); // refused at once, as without a wrapper
    const open =
      binder === undefined
        ? () => this.#streamUnobserved(target, args, kwargs, options)
        : () => redactStream(binder, this.#streamUnobserved(target, args, kwargs, options));
    return observer === undefined ? open() : observeStream(observer, target, args, kwargs, options.session, open);
  }

  #streamUnobserved(
    target: string,
    args: readonly PyValue[],
    kwargs: PyKwargs,
    options: CallOptions,
  ): AsyncIterable<PyValue> {
    this.#assertOpen(target);
    const callId = options.callId ?? randomUUID();
    const request = this.#request(CallKind.CALL_KIND_FUNCTION, target, undefined, args, kwargs, options, callId);
    const routing = this.#routing(target, handlesOf(undefined, args, kwargs), options);
    const interrupt = new CallInterrupt(target, options.timeoutMs ?? STREAM_TIMEOUT_MS, options.signal);
    const queue = new AsyncQueue<PyValue>(() => {
      void interrupt.fire("cancelled");
    });
    interrupt.expired.catch((error: unknown) => queue.fail(error));
    this.pool
      .run(async (worker, info) => {
        if (interrupt.error) throw interrupt.error;
        const call = worker.connection.callStream(request);
        const context = this.#handleContext(info);
        const ended = new Promise<PythonError | undefined>((resolve) => {
          call.on("data", (event: StreamEvent) => {
            const e = event.event;
            if (e?.$case === "item") queue.push(decodeValue(e.value, context));
            else if (e?.$case === "error") queue.fail(PythonError.fromMessage(e.value, target));
          });
          call.on("error", (error: ServiceError) => resolve(rpcError(error, `stream ${target}`, target)));
          call.on("end", () => resolve(undefined));
        });
        // The worker did not know the call yet (still in flight): cancelling the RPC stops it on arrival.
        this.#bindInterrupt(interrupt, worker, info, callId, target, ended, (found) => {
          if (!found) call.cancel();
        });
        try {
          const failure = await ended;
          if (failure === undefined) return queue.end();
          queue.fail(failure);
          await this.#settleCrash(worker, failure);
          if (failure.classification !== "cancelled") throw failure;
        } finally {
          this.#running.delete(callId);
          interrupt.dispose();
        }
      }, routing)
      .catch((error: unknown) => queue.fail(this.#normalise(error, target)));
    return queue;
  }

  /** Runs code in a session namespace (REPL / notebook cell) and yields its output, then its result or error. */
  evaluate(
    code: string,
    options: { session: string; signal?: AbortSignal; timeoutMs?: number; callId?: string },
  ): AsyncIterable<EvalEvent> {
    this.#assertOpen("eval");
    this.#guard?.refuseEval(); // enforce mode: running code is off
    const callId = options.callId ?? randomUUID();
    const interrupt = new CallInterrupt("eval", options.timeoutMs ?? 0, options.signal);
    const queue = new AsyncQueue<EvalEvent>(() => {
      void interrupt.fire("cancelled");
    });
    const fail = (error: PythonError): void => {
      queue.push({ type: "error", error });
      queue.end();
    };
    interrupt.expired.catch((error: unknown) => fail(this.#normalise(error, "eval") as PythonError));
    const routing: RunOptions = { session: options.session, affinity: "strict", label: "eval" };
    if (options.signal) routing.signal = options.signal;
    this.pool
      .run(async (worker, info) => {
        if (interrupt.error) throw interrupt.error;
        const call = worker.connection.eval({ callId, sessionId: options.session, code });
        const context = this.#handleContext(info);
        const ended = new Promise<PythonError | undefined>((resolve) => {
          call.on("data", (event: EvalEventMessage) => {
            const e = event.event;
            if (e?.$case === "output") {
              queue.push({
                type: e.value.stream === OutputStream.OUTPUT_STREAM_STDERR ? "stderr" : "stdout",
                text: e.value.text,
              });
            } else if (e?.$case === "result") {
              queue.push({
                type: "result",
                value: e.value.value === undefined ? undefined : decodeValue(e.value.value, context),
                repr: e.value.repr,
                executionCount: e.value.executionCount,
              });
            } else if (e?.$case === "error") {
              queue.push({ type: "error", error: PythonError.fromMessage(e.value, "eval") });
            }
          });
          call.on("error", (error: ServiceError) => resolve(rpcError(error, "cell", "eval")));
          call.on("end", () => resolve(undefined));
        });
        this.#bindInterrupt(interrupt, worker, info, callId, "eval", ended, (found) => {
          if (!found) call.cancel();
        });
        try {
          const failure = await ended;
          if (failure === undefined) return queue.end();
          fail(failure);
          await this.#settleCrash(worker, failure);
          if (failure.classification !== "cancelled") throw failure;
        } finally {
          this.#running.delete(callId);
          interrupt.dispose();
        }
      }, routing)
      .catch((error: unknown) => fail(this.#normalise(error, "eval") as PythonError));
    return queue;
  }

  /** Forgets a session's Python namespace (notebook restart). */
  async resetSession(session: string): Promise<void> {
    await this.call("snakebridge_worker.sessions.reset_session", [session], {}, { session, affinity: "strict" });
  }

  /** The allowlist in force (enforce mode), or undefined when every target may be called. */
  get allowPolicy(): AllowPolicy | undefined {
    return this.#guard?.policy;
  }

  /** Interrupts a running call, stream or cell by id; false when it is not running. */
  async cancel(callId: string): Promise<boolean> {
    const running = this.#running.get(callId);
    if (!running) return false;
    return running.interrupt.fire("cancelled");
  }

  /** Where a worker runs when it is a Ray actor (node, actor name); undefined for a local worker. */
  workerPlacement(workerId: string): WorkerPlacement | undefined {
    return this.#placements.get(workerId);
  }

  /** The pool worker running a call (e.g. to sample that worker's telemetry during a training run). */
  workerOf(callId: string): string | undefined {
    return this.#running.get(callId)?.workerId;
  }

  /** Asks a running call to finish at its next safe point (a training run checkpoints and stops). */
  async requestStop(callId: string): Promise<boolean> {
    const running = this.#running.get(callId);
    if (!running) return false;
    return running.connection.cancel(callId, true);
  }

  // -- introspection and health -----------------------------------------------------------------

  /** Introspects a module and its public submodules. */
  async describe(
    module: string,
    options: { depth?: number; includePrivate?: boolean; timeoutMs?: number } = {},
  ): Promise<LibraryDescriptor> {
    this.#assertOpen(module);
    const timeoutMs = options.timeoutMs ?? 300_000;
    const response = await this.pool
      .run(
        (worker) =>
          worker.connection.describe(
            { module, depth: options.depth ?? 1, includePrivate: options.includePrivate ?? false },
            timeoutMs,
          ),
        { label: `describe ${module}` },
      )
      .catch((error: unknown) => {
        throw this.#normalise(error, module);
      });
    const outcome = response.outcome;
    if (outcome?.$case === "error") throw PythonError.fromMessage(outcome.value, module);
    if (outcome?.$case !== "library")
      throw PythonError.bridge("internal", `describe ${module} returned nothing`, module);
    return outcome.value;
  }

  /** Health of every live worker (asked directly, without queueing behind calls). */
  async health(): Promise<WorkerHealth[]> {
    const results = await Promise.all(
      this.pool.snapshot().workers.map(async (w) => {
        const connection = this.#connectionOf(w.id);
        if (!connection) return undefined;
        const h: HealthResponse = await connection.health();
        return {
          workerId: w.id,
          pid: h.pid,
          pythonVersion: h.pythonVersion,
          rssBytes: Number(h.rssBytes),
          liveHandles: h.liveHandles,
          callsTotal: Number(h.callsTotal),
          uptimeS: h.uptimeS,
          busy: h.busy,
        };
      }),
    );
    return results.filter((r): r is WorkerHealth => r !== undefined);
  }

  #connectionOf(workerId: string): WorkerConnection | undefined {
    return this.connections.get(workerId);
  }

  /** Streams telemetry samples from one worker until the signal aborts. */
  telemetry(workerId: string, intervalMs: number, signal: AbortSignal): AsyncIterable<TelemetrySample> {
    const connection = this.#connectionOf(workerId);
    if (!connection) throw PythonError.bridge("not_found", `no live worker ${workerId}`);
    const call = connection.telemetry(intervalMs);
    const onAbort = (): void => call.cancel();
    const queue = new AsyncQueue<TelemetrySample>(() => call.cancel());
    signal.addEventListener("abort", onAbort, { once: true });
    // The listener goes with the stream, so a long-lived signal does not collect one per telemetry stream.
    const detach = (): void => signal.removeEventListener("abort", onAbort);
    call.on("data", (sample: TelemetrySample) => queue.push(sample));
    call.on("error", (error: ServiceError) => {
      detach();
      if (error.code === 1) queue.end();
      else queue.fail(rpcError(error, "telemetry"));
    });
    call.on("end", () => {
      detach();
      queue.end();
    });
    return queue;
  }

  /** Subscribes to what workers print (user code's print(), warnings). */
  onWorkerOutput(listener: WorkerOutputListener): IDisposable {
    return this.#output.event(({ workerId, stream, text }) => listener(workerId, stream, text));
  }

  private emitOutput(workerId: string, stream: "stdout" | "stderr", text: string): void {
    const binder = this.options.bind;
    const shown = binder !== undefined && binder.mentionsSecret(text) ? binder.redact(text) : text;
    this.#output.fire({ workerId, stream, text: shown });
  }

  // -- handles ----------------------------------------------------------------------------------

  /** Releases a handle in the worker that holds it (called by PyHandle.release()). */
  async releaseHandle(handle: PyHandle): Promise<void> {
    this.#finalizer.unregister(handle);
    await this.#releaseById(handle.id, handle.workerId, handle.generation);
  }

  async #releaseById(id: string, workerId: string, generation: number): Promise<void> {
    if (this.#disposed) return;
    const worker = this.pool.snapshot().workers.find((w) => w.id === workerId);
    // A replaced worker took its objects with it: nothing to release.
    if (!worker || worker.generation !== generation) return;
    const connection = this.#connectionOf(workerId);
    await connection?.release([id]).catch(() => undefined);
  }

  /** Stops every worker and releases every resource. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#output.dispose();
    await this.pool.shutdown();
    await this.adapter.dispose();
  }
}
