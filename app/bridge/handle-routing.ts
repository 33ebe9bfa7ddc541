// Where a call may run: on the worker that holds the Python objects (handles) it uses, or anywhere.
import type { Affinity, RunOptions, WorkerInfo } from "../pool/index.js";
import { PythonError } from "./python-error.js";
import { isPyList, isPyMap, isPyRecord, isPySet, PyHandle, type PyKwargs, type PyValue } from "./values.js";

/** The routing choices a caller may make (a subset of CallOptions). */
export interface RoutingOptions {
  session?: string;
  affinity?: Exclude<Affinity, "none">;
  signal?: AbortSignal;
}

/** Every handle a call uses: the object it is called on, and any inside its arguments. */
export function handlesOf(handle: PyHandle | undefined, args: readonly PyValue[], kwargs: PyKwargs): PyHandle[] {
  const found: PyHandle[] = handle ? [handle] : [];
  for (const arg of args) collectHandles(arg, found);
  for (const value of Object.values(kwargs)) collectHandles(value, found);
  return found;
}

/** Collects the PyHandles inside a value, to route the call to the worker that owns them. */
function collectHandles(value: PyValue | undefined, found: PyHandle[]): void {
  if (value instanceof PyHandle) found.push(value);
  else if (isPyList(value)) for (const item of value) collectHandles(item, found);
  else if (isPyMap(value))
    for (const [key, item] of value) {
      collectHandles(key, found);
      collectHandles(item, found);
    }
  else if (isPySet(value)) for (const item of value) collectHandles(item, found);
  else if (isPyRecord(value)) for (const item of Object.values(value)) collectHandles(item, found);
}

/** Pool routing for a call: pinned to the worker that holds the handles it uses; refuses released or mixed ones. */
export function routingFor(target: string, handles: readonly PyHandle[], options: RoutingOptions): RunOptions {
  const released = handles.find((h) => h.released);
  if (released) {
    throw PythonError.bridge(
      "serialization_error",
      `handle ${released.id} (${released.pythonType}) was released and cannot be used`,
      target,
    );
  }
  // Most calls carry no handle: no Set for them (this runs for every call).
  const workers = handles.length < 2 ? undefined : new Set(handles.map((h) => h.workerId));
  if (workers !== undefined && workers.size > 1) {
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

/** Refuses a call whose handles came from an earlier process of `worker` (their objects died with it). */
export function assertSameGeneration(worker: WorkerInfo, handles: readonly PyHandle[], target: string): void {
  const stale = handles.find((h) => h.generation !== worker.generation);
  if (stale) {
    throw PythonError.bridge(
      "worker_crashed",
      `the object ${stale.pythonType} (${stale.id}) lived in worker ${stale.workerId}, which has been restarted since; create it again`,
      target,
    );
  }
}
