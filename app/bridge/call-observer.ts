// Call observation for the fabric: the audit log and Prometheus metrics watch every call and stream through one
// small interface, without the bridge knowing either of them. With no observer nothing here runs.
import { createHash } from "node:crypto";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Value } from "../../proto/generated/snakebridge/v1/values.js";
import { CallKind } from "../../proto/generated/snakebridge/v1/worker.js";
import { encodeValue } from "./codec.js";
import { PythonError, type ErrorClassification } from "./python-error.js";
import type { PyHandle, PyKwargs, PyValue } from "./values.js";

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

/** sha256 over the arguments as they cross to Python (protobuf-encoded), so equal arguments hash equally. */
export function argumentsDigest(args: readonly PyValue[], kwargs: PyKwargs): string {
  // One writer for every value: length-delimited, so the boundaries between values are part of the hash.
  const writer = new BinaryWriter();
  for (const value of args) Value.encode(encodeValue(value), writer.fork()).join();
  for (const [name, value] of Object.entries(kwargs)) Value.encode(encodeValue(value), writer.string(name).fork()).join();
  return createHash("sha256").update(writer.finish()).digest("hex");
}

function outcomeOf(error: unknown): ErrorClassification {
  return error instanceof PythonError ? error.classification : "internal";
}

function recordOf(kind: ObservedKind, target: string, session: string, startedAt: number, started: number,
  outcome: CallRecord["outcome"], args: readonly PyValue[], kwargs: PyKwargs): CallRecord {
  let digest: string | undefined;
  return {
    kind, target, session, startedAt, outcome, durationMs: performance.now() - started,
    argsSha256: () => (digest ??= argumentsDigest(args, kwargs)),
  };
}

/** Runs a call and tells the observer how it ended. */
export function observeCall<T>(observer: CallObserver, kind: CallKind, target: string, handle: PyHandle | undefined,
  args: readonly PyValue[], kwargs: PyKwargs, session: string | undefined, run: () => Promise<T>): Promise<T> {
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
      observer.onCallEnd(recordOf(observedKind, name, session ?? "", startedAt, started, outcomeOf(error), args, kwargs));
      throw error;
    },
  );
}

/** Wraps a stream so the observer sees each item and, once, how it ended. */
export async function* observeStream(observer: CallObserver, target: string, args: readonly PyValue[], kwargs: PyKwargs,
  session: string | undefined, open: () => AsyncIterable<PyValue>): AsyncGenerator<PyValue, void, undefined> {
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
