// Serves the calls a worker makes to the host on the call lane: callbacks, host tools and session state.
import { ErrorClass } from "../../../proto/generated/snakebridge/v1/errors.js";
import { CallKind, type CallRequest, type CallResponse } from "../../../proto/generated/snakebridge/v1/worker.js";
import { decodeValue, encodeValue, type EncodeContext, type HandleContext } from "../codec.js";
import { PythonError } from "../python-error.js";
import type { PyKwargs, PyValue } from "../values.js";
import { callContext } from "./call-context.js";
import type { HostFunctions } from "./host-functions.js";

/** A host service reached by a request kind (tools, state): target, decoded arguments, the call's context. */
export type HostService = (target: string, args: PyValue[], kwargs: PyKwargs, request: CallRequest) => unknown;

/** What the server needs from the bridge. */
export interface HostRequestEnv {
  functions: HostFunctions;
  encode: EncodeContext;
  /** How to decode values from that worker (its handles). */
  decodeContext(workerId: string): HandleContext | undefined;
  /** Aborts when the Python call `callId` ends; undefined when it is not running (any more). */
  callSignal(callId: string): AbortSignal | undefined;
  services: Partial<Record<CallKind, HostService>>;
  owner: object;
}

const CANCELLED_BY_WORKER = "the worker stopped waiting for this callback";

/** Answers one worker's requests; one per worker connection. */
export class HostRequestServer {
  readonly #waiting = new Map<string, AbortController>();
  readonly #env: HostRequestEnv;
  readonly #workerId: string;

  constructor(env: HostRequestEnv, workerId: string) {
    this.#env = env;
    this.#workerId = workerId;
  }

  /** Answers a request; undefined when nobody waits for the answer any more (it is dropped, not sent). */
  async serve(request: CallRequest): Promise<CallResponse | undefined> {
    const started = process.hrtime.bigint();
    const own = new AbortController();
    this.#waiting.set(request.callId, own);
    const parent = request.parentCallId ? this.#env.callSignal(request.parentCallId) : undefined;
    // Built on first use: AbortSignal.any costs more than a small callback itself, and most never look.
    let signal: AbortSignal | undefined;
    const context = {
      callId: request.parentCallId,
      workerId: this.#workerId,
      owner: this.#env.owner,
      get signal(): AbortSignal {
        signal ??= parent === undefined ? own.signal : AbortSignal.any([parent, own.signal]);
        return signal;
      },
    };
    const ended = (): boolean => own.signal.aborted || parent?.aborted === true;
    try {
      const result = await callContext.run(context, () => this.#run(request));
      if (ended()) return undefined; // the waiting call ended meanwhile: its callback's result is dropped
      // encodeValue checks at run time what a callback returned (TypeScript cannot: callbacks return unknown).
      return {
        callId: request.callId,
        outcome: { $case: "result", value: encodeValue(result as PyValue, 0, this.#env.encode) },
        durationUs: micros(started),
      };
    } catch (error) {
      if (ended()) return undefined;
      return {
        callId: request.callId,
        outcome: { $case: "error", value: errorMessage(error) },
        durationUs: micros(started),
      };
    } finally {
      this.#waiting.delete(request.callId);
    }
  }

  /** The worker stopped waiting for a request (its call was interrupted): the callback's signal aborts. */
  cancel(callId: string): void {
    this.#waiting.get(callId)?.abort(PythonError.bridge("cancelled", CANCELLED_BY_WORKER));
  }

  async #run(request: CallRequest): Promise<unknown> {
    const context = this.#env.decodeContext(this.#workerId);
    if (context === undefined) throw PythonError.bridge("worker_crashed", `worker ${this.#workerId} is gone`);
    const args = request.args.map((a) => decodeValue(a, context));
    const kwargs: Record<string, PyValue> = {};
    for (const kw of request.kwargs) kwargs[kw.name] = decodeValue(kw.value, context);
    if (request.kind === CallKind.CALL_KIND_CALLBACK) {
      const fn = this.#env.functions.get(request.target);
      if (fn === undefined) {
        throw PythonError.bridge(
          "not_found",
          `host function ${request.target} was released; Python called it after dropping every reference`,
        );
      }
      // Keyword arguments reach a TypeScript function as one trailing object (it has no keyword parameters).
      const all = Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
      return await (fn as (...values: PyValue[]) => unknown)(...all);
    }
    const service = this.#env.services[request.kind];
    if (service === undefined)
      throw PythonError.bridge("not_found", `the host serves no requests of kind ${CallKind[request.kind]}`);
    return await service(request.target, args, kwargs, request);
  }
}

function micros(started: bigint): bigint {
  return (process.hrtime.bigint() - started) / 1000n;
}

/** A host failure as the PythonError message Python raises as HostError: the JavaScript stack, and Python's for a nested Python error. */
function errorMessage(error: unknown): {
  type: string;
  module: string;
  message: string;
  traceback: string;
  classification: ErrorClass;
} {
  if (error instanceof PythonError) {
    return {
      type: error.pythonType || "PythonError",
      module: error.pythonModule || "snakebridge",
      message: error.pythonMessage || error.message,
      traceback: [
        error.traceback ? `Python traceback of the call made from the callback:\n${error.traceback}` : "",
        error.stack ?? "",
      ]
        .filter(Boolean)
        .join("\n"),
      classification: ErrorClass.ERROR_CLASS_RUNTIME_ERROR,
    };
  }
  if (error instanceof Error) {
    return {
      type: error.name,
      module: "typescript",
      message: error.message,
      traceback: error.stack ?? "",
      classification: ErrorClass.ERROR_CLASS_RUNTIME_ERROR,
    };
  }
  return {
    type: "Error",
    module: "typescript",
    message: String(error),
    traceback: "",
    classification: ErrorClass.ERROR_CLASS_RUNTIME_ERROR,
  };
}
