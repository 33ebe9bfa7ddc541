// PythonBridge: calls into Python through the worker pool. The API the rest of the app uses; each job it
// coordinates lives in its own module (call-control, call-batcher, worker-stream, handle-routing, handle-tracker).
import { statSync } from "node:fs";
import type { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import {
  CallKind,
  OutputStream,
  ResultMode,
  type CallRequest,
  type CallResponse,
  type EvalEvent as EvalEventMessage,
  type StreamEvent,
  type TelemetrySample,
} from "../../proto/generated/snakebridge/v1/worker.js";
import { describeError, Emitter, type IDisposable } from "../base/index.js";
import { ProcessPool, type RunOptions, type WorkerInfo } from "../pool/index.js";
import { CallGuard, workerAllowlistEnv, type AllowPolicy } from "./allowlist.js";
import { AsyncQueue } from "./async-queue.js";
import type { BridgeOptions, CallOptions, EvalEvent, WorkerHealth, WorkerOutputListener } from "./bridge-options.js";
import { BatchedCall, CallBatcher } from "./call-batcher.js";
import { CallControl, settleCrash } from "./call-control.js";
import { CallIds } from "./call-ids.js";
import { CallInterrupt, checkTimeout } from "./call-interrupt.js";
import { observeCall, observeStream } from "./call-observer.js";
import { redactOutcome, redactStream } from "./argument-binder.js";
import { decodeValue, encodeValue } from "./codec.js";
import { callContext, currentCall, type CallContext } from "./callbacks/call-context.js";
import { HostFunctions, OutgoingFunctions } from "./callbacks/host-functions.js";
import { HostRequestServer, type HostService } from "./callbacks/host-requests.js";
import { HandleTracker } from "./handle-tracker.js";
import { assertSameGeneration, handlesOf, routingFor } from "./handle-routing.js";
import { HostTools } from "./tools.js";
import { SessionStates, stateService, type SessionState } from "./session-state.js";
import { findInterpreter, type InterpreterInfo } from "./interpreter.js";
import type { PythonWorker } from "./python-adapter.js";
import {
  defaultShmThreshold,
  placementOf,
  workerAdapterFor,
  type BridgeWorkerAdapter,
  type WorkerPlacement,
} from "./placement/index.js";
import { PythonError } from "./python-error.js";
import { toPythonError } from "./to-python-error.js";
import type { WorkerConnection } from "./worker-client.js";
import { runWorkerStream } from "./worker-stream.js";
import { telemetryStream, workerHealth } from "./worker-queries.js";
import { PyHandle, type HandleOwner, type PyCallback, type PyKwargs, type PyValue } from "./values.js";

/** Throws, saying what to do, unless `cwd` is a folder workers can start in (spawn would only say ENOENT). */
function assertDirectory(cwd: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch (error) {
    throw new Error(
      `BridgeOptions.cwd ${JSON.stringify(cwd)} cannot be used: ${describeError(error)}; workers start there, so it must be an existing folder`,
    );
  }
  if (!isDirectory) throw new Error(`BridgeOptions.cwd ${JSON.stringify(cwd)} is not a folder; workers start there`);
}

/** How long a worker whose call lane ended may take to exit before the bridge has it replaced. */
const LANE_LOST_GRACE_MS = 250;
/** Deadline for a call that sets none and whose bridge sets none. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** Streams (training runs) and cells have no deadline unless the caller sets one. */
const NO_DEADLINE = 0;

/** One piece of what a worker printed. */
interface WorkerOutput {
  workerId: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** Calls Python functions, classes and generators in a pool of worker processes. */
export class PythonBridge implements HandleOwner {
  readonly #control: CallControl;
  readonly #batcher: CallBatcher;
  readonly #handles: HandleTracker;
  readonly #functions = new HostFunctions();
  readonly #callIds = new CallIds();
  /** What the host serves to workers, by kind (tools, state; callbacks are served by HostRequestServer itself). */
  readonly #services: Partial<Record<CallKind, HostService>> = {};
  /** The tools workers may call (tools.register): `from snakebridge_worker import tools`. */
  readonly tools = new HostTools();
  /** Every session's variables (bridge.state(session) hands out one session's view). */
  readonly states: SessionStates;
  readonly #output = new Emitter<WorkerOutput>("worker output");
  readonly #shmThreshold: bigint;
  readonly #placements = new Map<string, WorkerPlacement | undefined>();
  readonly #connections = new Map<string, WorkerConnection>();
  #disposed = false;
  #guard: CallGuard | undefined;

  readonly #adapter: BridgeWorkerAdapter;
  readonly #options: BridgeOptions;

  private constructor(
    readonly interpreter: InterpreterInfo,
    readonly pool: ProcessPool<PythonWorker>,
    adapter: BridgeWorkerAdapter,
    options: BridgeOptions,
  ) {
    this.#adapter = adapter;
    this.#options = options;
    this.#shmThreshold = BigInt(options.shmThresholdBytes ?? defaultShmThreshold(options.placement));
    this.#control = new CallControl(pool, options.hungCallGraceMs);
    this.#batcher = new CallBatcher(pool, options.poolSize ?? 2, this.#control, (response, info, target) =>
      this.#outcome(response, info, target),
    );
    this.#handles = new HandleTracker(
      this,
      { info: (id) => this.#workerInfo(id), connection: (id) => this.#connections.get(id) },
      (id) => this.#functions.get(id),
    );
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
    if (options.cwd !== undefined) assertDirectory(options.cwd);
    // Checked here, under the name the caller used: the pool would name its own option, `size`.
    if (options.poolSize !== undefined && !(Number.isInteger(options.poolSize) && options.poolSize >= 1))
      throw new RangeError(
        `BridgeOptions.poolSize must be a whole number of workers, 1 or more; got ${String(options.poolSize)}`,
      );
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
        onNotice: (message) => ref.bridge && ref.bridge.#emitOutput("host", "stderr", `${message}\n`),
        onOutput: (workerId, stream, text) => ref.bridge && ref.bridge.#emitOutput(workerId, stream, text),
        onReady: (worker) => {
          if (!ref.bridge) return;
          const bridge = ref.bridge;
          // A worker whose lane ended while it lives on (it refused a frame it could not read) takes no calls:
          // replaced, or every call the pool gave it would fail. A lane usually ends because its worker is exiting,
          // so it waits a moment for the exit (which takes the connection off #connections) before it decides.
          worker.connection.onLaneLost = (error) => {
            setTimeout(() => {
              if (bridge.#connections.get(worker.workerId) !== worker.connection) return;
              bridge.pool.killWorker(worker.workerId, `its call lane ended while it ran (${error.message})`);
            }, LANE_LOST_GRACE_MS).unref();
          };
          ref.bridge.#serveHost(worker.workerId, worker.connection);
          ref.bridge.#connections.set(worker.workerId, worker.connection);
          ref.bridge.#placements.set(worker.workerId, placementOf(worker));
        },
        onExit: (worker) => {
          if (ref.bridge === undefined) return;
          const connections = ref.bridge.#connections;
          if (connections.get(worker.workerId) === worker.connection) connections.delete(worker.workerId);
          // Its proxies died with it: the functions only it held are no longer reachable from Python.
          ref.bridge.#functions.forgetWorker(worker.workerId);
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
    if (typeof owner === "string") {
      const path = name === undefined ? owner : `${owner}.${name}`; // getAttribute("math", "e") is math.e
      return this.#invoke(CallKind.CALL_KIND_ATTRIBUTE, path, undefined, [], {}, options);
    }
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
    outgoing: OutgoingFunctions,
  ): CallRequest {
    this.#guard?.check(kind, target, handle);
    const bound = handle === undefined ? this.#options.bind?.kwargsFor(kind, target) : undefined;
    if (bound !== undefined) kwargs = { ...kwargs, ...bound };
    try {
      return {
        callId,
        kind,
        target,
        handleId: handle?.id ?? "",
        args: args.map((a) => encodeValue(a, 0, outgoing)),
        kwargs: Object.entries(kwargs).map(([name, value]) => ({
          name,
          value: encodeValue(value, 0, outgoing),
        })),
        sessionId: options.session ?? "",
        resultMode:
          options.resultMode === "handle" ? ResultMode.RESULT_MODE_HANDLE : ResultMode.RESULT_MODE_UNSPECIFIED,
        shmThresholdBytes: this.#shmThreshold,
        parentCallId: "",
      };
    } catch (error) {
      outgoing.settle(); // an argument could not be encoded: the functions before it travel nowhere
      throw error;
    }
  }

  #workerInfo(workerId: string): WorkerInfo | undefined {
    return this.pool.snapshot().workers.find((w) => w.id === workerId);
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

  /**
   * What waits for a worker now: the pool's queued tasks, and the calls the batcher holds while every worker has a
   * batch (call-batcher.ts).
   */
  get waiting(): number {
    return this.pool.snapshot().queued + this.#batcher.held;
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
        // A reply goes straight back to the worker that asked: what it carries is that worker's at once.
        encode: {
          hostFunction: (fn) => {
            const sent = this.#functions.send(fn);
            this.#functions.deliver([sent.id], workerId);
            return sent;
          },
        },
        decodeContext: (id) => {
          const info = this.#workerInfo(id);
          return info === undefined ? undefined : this.#handles.context(info);
        },
        callSignal: (callId) => this.#control.running.signalOf(callId),
        services: this.#services,
        owner: this,
      },
      workerId,
    );
    connection.serveHost({
      onRequest: (request) => server.serve(request),
      onCancel: (callId) => server.cancel(callId),
      onRelease: (id, count) => this.#functions.release(id, count, workerId),
    });
  }

  /** The callback this call is made from, when it should run on the worker waiting on that callback. */
  #nestedParent(handles: readonly PyHandle[]): CallContext | undefined {
    const parent = callContext.getStore();
    if (parent === undefined || parent.owner !== this || !this.#control.running.has(parent.callId)) return undefined;
    if (handles.some((h) => h.workerId !== parent.workerId)) return undefined; // its objects live elsewhere: the pool routes it
    return parent;
  }

  /**
   * Refuses a stream or cell started inside a callback when it could only run on the worker waiting for that
   * callback: that worker serves plain calls while it waits, but a stream would wait for the callback, and the
   * callback for the stream. Elsewhere (another worker is free, or will be) the pool routes it as usual.
   */
  #refuseWhereParentWaits(what: string, target: string, routing: RunOptions): void {
    const parent = callContext.getStore();
    if (parent === undefined || parent.owner !== this || !this.#control.running.has(parent.callId)) return;
    const workers = this.pool.snapshot().workers;
    const parentInfo = workers.find((w) => w.id === parent.workerId);
    const pinnedToParent =
      routing.workerId === parent.workerId ||
      (routing.session !== undefined &&
        routing.affinity === "strict" &&
        parentInfo?.sessions.includes(routing.session) === true);
    const noOtherWorker = workers.every((w) => w.id === parent.workerId);
    if (!pinnedToParent && !noOtherWorker) return;
    throw PythonError.bridge(
      "runtime_error",
      `${what} was started inside a callback of a call running on worker ${parent.workerId}, ` +
        `and ${pinnedToParent ? "it must run on that worker" : "that is the pool's only worker"}, ` +
        "which is waiting for the callback to return: it would wait forever. " +
        "Inside a callback, make plain calls (a call may return list(generator)), " +
        "or start the stream after the callback has returned" +
        (noOtherWorker && !pinnedToParent ? ", or give the pool a second worker (poolSize)." : "."),
      target,
    );
  }

  /** Runs a call made from a callback on the worker that waits on that callback (it counts as busy in the pool). */
  async #runNested(
    parent: CallContext,
    request: CallRequest,
    outgoing: OutgoingFunctions,
    handles: PyHandle[],
    target: string,
    interrupt: CallInterrupt,
  ): Promise<PyValue> {
    const connection = this.#connections.get(parent.workerId);
    const info = this.#workerInfo(parent.workerId);
    if (connection === undefined || info === undefined)
      throw PythonError.bridge("worker_crashed", `worker ${parent.workerId} is gone`, target);
    if (interrupt.error) throw interrupt.error;
    assertSameGeneration(info, handles, target);
    request.parentCallId = parent.callId;
    outgoing.deliver(parent.workerId);
    const answer = connection.callFast(request);
    this.#control.bind(interrupt, connection, info, request.callId, target);
    try {
      return this.#outcome(await answer, info, target);
    } finally {
      this.#control.finish(request.callId);
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
    const binder = this.#options.bind;
    const observer = this.#options.observer;
    if (binder === undefined && observer === undefined)
      return this.#invokeUnobserved(kind, target, handle, args, kwargs, options);
    const run =
      binder === undefined
        ? () => this.#invokeUnobserved(kind, target, handle, args, kwargs, options)
        : () => redactOutcome(binder, this.#invokeUnobserved(kind, target, handle, args, kwargs, options));
    if (observer === undefined) return run();
    return observeCall(observer, kind, target, handle, args, kwargs, options.session, run);
  }

  /** Runs one call: not an async function, since every promise and closure here is paid by every call. */
  #invokeUnobserved(
    kind: CallKind,
    target: string,
    handle: PyHandle | undefined,
    args: readonly PyValue[],
    kwargs: PyKwargs,
    options: CallOptions,
  ): Promise<PyValue> {
    let request: CallRequest;
    let outgoing: OutgoingFunctions;
    let handles: PyHandle[];
    let routing: RunOptions;
    let release: (() => void) | undefined;
    try {
      this.#assertOpen(target);
      checkTimeout(options.timeoutMs, target);
      outgoing = new OutgoingFunctions(this.#functions);
      let callId: string;
      if (options.callId === undefined) callId = this.#callIds.next();
      else release = this.#control.claim((callId = options.callId), target);
      request = this.#request(kind, target, handle, args, kwargs, options, callId, outgoing);
      handles = handlesOf(handle, args, kwargs);
      routing = routingFor(target, handles, options);
    } catch (error) {
      release?.();
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const parent = this.#nestedParent(handles);
    // A call from a callback also ends when the call waiting on that callback ends.
    const signal =
      parent === undefined
        ? options.signal
        : options.signal === undefined
          ? parent.signal
          : AbortSignal.any([options.signal, parent.signal]);
    const interrupt = new CallInterrupt(target, timeoutMs, signal);
    // One promise per call, settled by whichever comes first: the answer, or the interruption (which answers the
    // caller at once; the work's late outcome is then dropped).
    return new Promise<PyValue>((resolve, reject) => {
      const end = (): void => {
        interrupt.dispose();
        outgoing.settle();
        release?.();
      };
      const answer = (value: PyValue): void => {
        end();
        resolve(value);
      };
      const fail = (error: unknown): void => {
        end();
        reject(toPythonError(error, target));
      };
      interrupt.whenFired(fail);
      if (parent !== undefined) {
        this.#runNested(parent, request, outgoing, handles, target, interrupt).then(answer, fail);
      } else if (routing.workerId === undefined && routing.session === undefined) {
        // Calls that may run on any worker share a frame with the others issued in this tick.
        this.#batcher.enqueue(new BatchedCall(request, target, interrupt, answer, fail, outgoing));
      } else {
        this.pool
          .run(async (worker, info) => {
            if (interrupt.error) throw interrupt.error; // ended while it waited for a worker: never start it
            assertSameGeneration(info, handles, target);
            outgoing.deliver(info.id);
            const callId = request.callId;
            const answered = worker.connection.callFast(request);
            this.#control.bind(interrupt, worker.connection, info, callId, target);
            try {
              return this.#outcome(await answered, info, target);
            } catch (error) {
              await settleCrash(worker, error);
              throw error;
            } finally {
              this.#control.finish(callId);
            }
          }, routing)
          .then(answer, fail);
      }
    });
  }

  #outcome(response: CallResponse, worker: WorkerInfo, target: string): PyValue {
    const outcome = response.outcome;
    if (outcome === undefined)
      throw PythonError.bridge("internal", `the worker sent an empty answer for ${target}`, target);
    if (outcome.$case === "error") throw PythonError.fromMessage(outcome.value, target);
    return decodeValue(outcome.value, this.#handles.context(worker));
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
    const observer = this.#options.observer;
    const binder = this.#options.bind;
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
    this.#guard?.check(CallKind.CALL_KIND_FUNCTION, target, undefined); // refused at once, not on the first read
    checkTimeout(options.timeoutMs, target);
    const routing = routingFor(target, handlesOf(undefined, args, kwargs), options);
    this.#refuseWhereParentWaits(`stream ${target}`, target, routing);
    let interrupt: CallInterrupt | undefined;
    const queue = new AsyncQueue<PyValue>(
      () => void interrupt?.fire("cancelled"),
      // On the first read, as a generator runs: a stream nobody iterates never holds a worker (with the flow
      // control below it would hold one for good), a call id, or the callbacks in its arguments.
      () => {
        const callId = options.callId ?? this.#callIds.next();
        const outgoing = new OutgoingFunctions(this.#functions);
        let release: (() => void) | undefined;
        let request: CallRequest;
        try {
          if (options.callId !== undefined) release = this.#control.claim(callId, target);
          request = this.#request(
            CallKind.CALL_KIND_FUNCTION,
            target,
            undefined,
            args,
            kwargs,
            options,
            callId,
            outgoing,
          );
        } catch (error) {
          outgoing.settle();
          release?.();
          queue.abort(toPythonError(error, target));
          return;
        }
        const started = new CallInterrupt(target, options.timeoutMs ?? NO_DEADLINE, options.signal);
        interrupt = started;
        // A deadline or an abort ends the loop at once; items still queued are dropped, not read first.
        started.whenFired((error) => queue.abort(error));
        runWorkerStream<StreamEvent>(this.pool, this.#control, (info) => this.#handles.context(info), {
          callId,
          target,
          what: `stream ${target}`,
          routing,
          interrupt: started,
          open: (connection, worker) => {
            outgoing.deliver(worker.id);
            const rpc = connection.callStream(request);
            queue.setFlow(rpc); // a consumer that reads slowly slows the generator, not the host's memory
            return rpc;
          },
          onMessage: ({ event }, context) => {
            switch (event?.$case) {
              case "item":
                return queue.push(decodeValue(event.value, context));
              case "error":
                return queue.fail(PythonError.fromMessage(event.value, target));
            }
          },
          end: () => {
            outgoing.settle();
            release?.();
            queue.end();
          },
          fail: (error) => {
            outgoing.settle();
            release?.();
            queue.fail(error);
          },
        });
      },
    );
    return queue;
  }

  /** Runs code in a session namespace (REPL / notebook cell) and yields its output, then its result or error. */
  evaluate(
    code: string,
    options: { session: string; signal?: AbortSignal; timeoutMs?: number; callId?: string },
  ): AsyncIterable<EvalEvent> {
    this.#assertOpen("eval");
    // Checked for JavaScript callers, whom no type stops: a missing session failed deep inside as a TypeError.
    if (typeof options?.session !== "string") {
      throw new TypeError(
        'evaluate(code, { session }) needs options.session: the namespace the code runs in, e.g. { session: "main" }',
      );
    }
    this.#guard?.refuseEval(); // enforce mode: running code is off
    checkTimeout(options.timeoutMs, "eval"); // before the id is claimed: a refused cell must not keep it
    const callId = options.callId ?? this.#callIds.next();
    const routing: RunOptions = { session: options.session, affinity: "strict", label: "eval" };
    if (options.signal) routing.signal = options.signal;
    this.#refuseWhereParentWaits("a cell", "eval", routing);
    const release = options.callId === undefined ? undefined : this.#control.claim(callId, "eval");
    const interrupt = new CallInterrupt("eval", options.timeoutMs ?? NO_DEADLINE, options.signal);
    const queue = new AsyncQueue<EvalEvent>(() => {
      void interrupt.fire("cancelled");
    });
    runWorkerStream<EvalEventMessage>(this.pool, this.#control, (info) => this.#handles.context(info), {
      callId,
      target: "eval",
      what: "cell",
      routing,
      interrupt,
      open: (connection) => connection.eval({ callId, sessionId: options.session, code }),
      onMessage: ({ event }, context) => {
        switch (event?.$case) {
          case "output":
            return queue.push({
              type: event.value.stream === OutputStream.OUTPUT_STREAM_STDERR ? "stderr" : "stdout",
              text: event.value.text,
            });
          case "result":
            return queue.push({
              type: "result",
              value: event.value.value === undefined ? undefined : decodeValue(event.value.value, context),
              repr: event.value.repr,
              executionCount: event.value.executionCount,
            });
          case "error":
            return queue.push({ type: "error", error: PythonError.fromMessage(event.value, "eval") });
        }
      },
      end: () => {
        release?.();
        queue.end();
      },
      // A cell's failure is one of its events, so the notebook shows it where the output was.
      fail: (error) => {
        release?.();
        queue.push({ type: "error", error });
        queue.end();
      },
    });
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
  cancel(callId: string): Promise<boolean> {
    return this.#control.cancel(callId);
  }

  /** Where a worker runs when it is a Ray actor (node, actor name); undefined for a local worker. */
  workerPlacement(workerId: string): WorkerPlacement | undefined {
    return this.#placements.get(workerId);
  }

  /** The pool worker running a call (e.g. to sample that worker's telemetry during a training run). */
  workerOf(callId: string): string | undefined {
    return this.#control.workerOf(callId);
  }

  /** Asks a running call to finish at its next safe point (a training run checkpoints and stops). */
  requestStop(callId: string): Promise<boolean> {
    return this.#control.requestStop(callId);
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
        throw toPythonError(error, module);
      });
    const outcome = response.outcome;
    if (outcome?.$case === "error") throw PythonError.fromMessage(outcome.value, module);
    if (outcome?.$case !== "library")
      throw PythonError.bridge("internal", `describe ${module} returned nothing`, module);
    return outcome.value;
  }

  /**
   * Health of every live worker that answers within `timeoutMs` (5 s), asked directly, without queueing behind
   * calls. A worker that does not answer (exiting, being replaced, stopped) is left out rather than failing the rest.
   */
  async health(options: { timeoutMs?: number } = {}): Promise<WorkerHealth[]> {
    const results = await Promise.allSettled(
      this.pool.snapshot().workers.map(async (w) => {
        const connection = this.#connections.get(w.id);
        return connection === undefined ? undefined : workerHealth(w.id, await connection.health(options.timeoutMs));
      }),
    );
    return results.flatMap((r) => (r.status === "fulfilled" && r.value !== undefined ? [r.value] : []));
  }

  /** Streams telemetry samples from one worker until the signal aborts. */
  telemetry(workerId: string, intervalMs: number, signal: AbortSignal): AsyncIterable<TelemetrySample> {
    const connection = this.#connections.get(workerId);
    if (!connection) throw PythonError.bridge("not_found", `no live worker ${workerId}`);
    return telemetryStream(connection, intervalMs, signal);
  }

  /** Subscribes to what workers print (user code's print(), warnings). */
  onWorkerOutput(listener: WorkerOutputListener): IDisposable {
    return this.#output.event(({ workerId, stream, text }) => listener(workerId, stream, text));
  }

  #emitOutput(workerId: string, stream: "stdout" | "stderr", text: string): void {
    const binder = this.#options.bind;
    const shown = binder !== undefined && binder.mentionsSecret(text) ? binder.redact(text) : text;
    this.#output.fire({ workerId, stream, text: shown });
  }

  // -- handles ----------------------------------------------------------------------------------

  /** Releases a handle in the worker that holds it (called by PyHandle.release()). */
  releaseHandle(handle: PyHandle): Promise<void> {
    return this.#handles.release(handle);
  }

  /** Stops every worker and releases every resource. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#handles.close();
    this.#output.dispose();
    await this.pool.shutdown();
    await this.#adapter.dispose();
  }
}
