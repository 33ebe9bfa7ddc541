// The runtime that generated SDKs call through: binds them to a PythonBridge.
import { randomUUID } from "node:crypto";
import type { CallOptions, PythonBridge, PyHandle, PyKwargs, PyValue } from "../../bridge/index.js";
import { toPyValue, ndarraysToNested } from "./values.js";

/** Per-call settings that generated code passes, taken from the manifest. */
export interface CallSettings {
  /** Deadline in milliseconds (0 or absent: the runtime's default). */
  timeoutMs?: number;
  /** "stateful" keeps every call of this runtime in one worker session, so objects and module state persist. */
  session?: "per_call" | "stateful";
  /** "json" turns ndarray results into nested plain arrays. */
  arrays?: "binary" | "json";
}

/** What generated SDK code needs from a Python bridge. */
export interface SdkRuntime {
  /** Calls a Python function by dotted path. */
  call(
    target: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    settings?: CallSettings,
  ): Promise<unknown>;
  /** Constructs a Python object and returns a handle to it. */
  construct(
    target: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    settings?: CallSettings,
  ): Promise<PyHandle>;
  /** Calls a method of a live object. */
  callMethod(
    handle: PyHandle,
    method: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    settings?: CallSettings,
  ): Promise<unknown>;
  /** Reads a module-level value (dotted path) or an attribute of a live object. */
  getAttribute(owner: PyHandle | string, name?: string, settings?: CallSettings): Promise<unknown>;
}

export interface RuntimeOptions {
  /** Deadline for calls whose manifest sets none (default: the bridge's own default). */
  defaultTimeoutMs?: number;
  /** The worker session used by `stateful` integrations (default: a fresh id per runtime). */
  sessionId?: string;
  /** Aborts every call made through this runtime. */
  signal?: AbortSignal;
}

/** Creates an SdkRuntime that sends generated SDK calls through `bridge`. */
export function createRuntime(bridge: PythonBridge, options: RuntimeOptions = {}): SdkRuntime {
  const sessionId = options.sessionId ?? `sdk-${randomUUID()}`;

  const callOptions = (settings: CallSettings | undefined): CallOptions => {
    const result: CallOptions = {};
    const timeoutMs = settings?.timeoutMs || options.defaultTimeoutMs;
    if (timeoutMs) result.timeoutMs = timeoutMs;
    if (settings?.session === "stateful") {
      result.session = sessionId;
      result.affinity = "strict";
    }
    if (options.signal) result.signal = options.signal;
    return result;
  };
  const args = (target: string, values: readonly unknown[]): PyValue[] =>
    values.map((v, i) => toPyValue(v, `${target} argument ${i + 1}`));
  const kwargs = (target: string, values: Readonly<Record<string, unknown>>): PyKwargs =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toPyValue(v, `${target} keyword "${k}"`)]));
  const shape = (value: PyValue, settings: CallSettings | undefined): unknown =>
    settings?.arrays === "json" ? ndarraysToNested(value) : value;

  return {
    async call(target, a, k, settings) {
      return shape(await bridge.call(target, args(target, a), kwargs(target, k), callOptions(settings)), settings);
    },
    construct(target, a, k, settings) {
      return bridge.construct(target, args(target, a), kwargs(target, k), callOptions(settings));
    },
    async callMethod(handle, method, a, k, settings) {
      const where = `${handle.pythonType}.${method}`;
      return shape(
        await bridge.callMethod(handle, method, args(where, a), kwargs(where, k), callOptions(settings)),
        settings,
      );
    },
    async getAttribute(owner, name, settings) {
      return shape(await bridge.getAttribute(owner, name, callOptions(settings)), settings);
    },
  };
}

let active: SdkRuntime | undefined;

/** Makes `runtime` the one generated SDK calls use; dispose() puts back the previous one. */
export function installRuntime(runtime: SdkRuntime): { dispose(): void } {
  const previous = active;
  active = runtime;
  return {
    dispose() {
      if (active === runtime) active = previous;
    },
  };
}

/** The runtime generated code calls through; throws with what to do when none is installed. */
export function activeRuntime(): SdkRuntime {
  if (active === undefined) {
    throw new Error(
      "No Snakebridge runtime is installed, so generated SDK functions cannot reach Python. " +
        "Start a bridge and install a runtime first: installRuntime(createRuntime(await PythonBridge.start())).",
    );
  }
  return active;
}
