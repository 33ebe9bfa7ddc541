// Call observation for the fabric: the audit log and Prometheus metrics watch every call and stream through one
// small interface, without the bridge knowing either of them. With no observer nothing here runs.
import { createHash, hash } from "node:crypto";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Value } from "../../proto/generated/snakebridge/v1/values.js";
import { CallKind } from "../../proto/generated/snakebridge/v1/worker.js";
import { encodeValue } from "./codec.js";
import { PythonError, type ErrorClassification } from "./python-error.js";
import { isTuple, type PyHandle, type PyKwargs, type PyValue } from "./values.js";

export type ObservedKind = "function" | "constructor" | "method" | "attribute" | "stream";

/** One finished call, as an observer sees it. */
export interface CallRecord {
  kind: ObservedKind;
  /** Dotted path, or `Type.method` for a call on a handle. */
  target: string;
  session: string;
  /** Epoch milliseconds when the call was made. */
  startedAt: number;
  durationMs: number;
  outcome: "ok" | ErrorClassification;
  /** sha256 (hex) of the encoded arguments: computed only when asked for, and never the arguments themselves. */
  argsSha256(): string;
}

export interface CallObserver {
  /** Told once per call or stream, when it has ended (a stream: when its consumer stops or it ends). */
  onCallEnd(record: CallRecord): void;
  /** Told about each item a stream yields. */
  onStreamItem?(target: string): void;
}

const KINDS: Partial<Record<CallKind, ObservedKind>> = {
  [CallKind.CALL_KIND_FUNCTION]: "function",
  [CallKind.CALL_KIND_CONSTRUCTOR]: "constructor",
  [CallKind.CALL_KIND_METHOD]: "method",
  [CallKind.CALL_KIND_ATTRIBUTE]: "attribute",
};

/** True for arguments JSON states exactly: finite numbers within ±2^53, strings, booleans, null, and lists/records of them. */
function plainJson(value: PyValue | undefined, depth = 0): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number")
    return Number.isSafeInteger(value) || (Number.isFinite(value) && !Number.isInteger(value));
  if (depth > 8 || typeof value !== "object") return false;
  if (Array.isArray(value))
    return !isTuple(value) && (value as readonly PyValue[]).every((v) => plainJson(v, depth + 1));
  if (Object.getPrototypeOf(value) !== null && Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as Record<string, PyValue>).every((v) => plainJson(v, depth + 1));
}

/**
 * sha256 over the arguments, so equal arguments hash equally: plain JSON data (the common small call) as
 * JSON, anything else (bytes, arrays, handles, tuples, big ints…) as the protobuf values that cross to Python.
 */
export function argumentsDigest(args: readonly PyValue[], kwargs: PyKwargs): string {
  if (args.every((a) => plainJson(a)) && Object.values(kwargs).every((v) => plainJson(v))) {
    return hash("sha256", `json:${JSON.stringify([args, kwargs])}`);
  }
  // One writer for every value: length-delimited, so the boundaries between values are part of the hash.
  const writer = new BinaryWriter();
  for (const value of args) Value.encode(encodeValue(value), writer.fork()).join();
  for (const [name, value] of Object.entries(kwargs))
    Value.encode(encodeValue(value), writer.string(name).fork()).join();
  return createHash("sha256").update("proto:").update(writer.finish()).digest("hex");
}

function outcomeOf(error: unknown): ErrorClassification {
  return error instanceof PythonError ? error.classification : "internal";
}

function recordOf(
  kind: ObservedKind,
  target: string,
  session: string,
  startedAt: number,
  started: number,
  outcome: CallRecord["outcome"],
  args: readonly PyValue[],
  kwargs: PyKwargs,
): CallRecord {
  let digest: string | undefined;
  return {
    kind,
    target,
    session,
    startedAt,
    outcome,
    durationMs: performance.now() - started,
    argsSha256: () => (digest ??= argumentsDigest(args, kwargs)),
  };
}

/** Runs a call and tells the observer how it ended. */
export function observeCall<T>(
  observer: CallObserver,
  kind: CallKind,
  target: string,
  handle: PyHandle | undefined,
  args: readonly PyValue[],
  kwargs: PyKwargs,
  session: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const startedAt = Date.now();
  const started = performance.now();
  const name = handle === undefined ? target : `${handle.pythonType}.${target}`;
  const observedKind = KINDS[kind] ?? "function";
  // .then rather than async/await: one promise fewer on the path every observed call takes.
  return run().then(
    (result) => {
      observer.onCallEnd(recordOf(observedKind, name, session ?? "", startedAt, started, "ok", args, kwargs));
      return result;
    },
    (error: unknown) => {
      observer.onCallEnd(
        recordOf(observedKind, name, session ?? "", startedAt, started, outcomeOf(error), args, kwargs),
      );
      throw error;
    },
  );
}

/** Wraps a stream so the observer sees each item and, once, how it ended. */
export async function* observeStream(
  observer: CallObserver,
  target: string,
  args: readonly PyValue[],
  kwargs: PyKwargs,
  session: string | undefined,
  open: () => AsyncIterable<PyValue>,
): AsyncGenerator<PyValue, void, undefined> {
  const startedAt = Date.now();
  const started = performance.now();
  let outcome: CallRecord["outcome"] = "ok";
  try {
    for await (const item of open()) {
      observer.onStreamItem?.(target);
      yield item;
    }
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    observer.onCallEnd(recordOf("stream", target, session ?? "", startedAt, started, outcome, args, kwargs));
  }
}
