// Arguments the host binds to calls (a manifest's `bind:`, e.g. an API client's api_key from ${env:NAME}),
// and the redaction that keeps their values out of results' reprs, errors, tracebacks and worker logs.
// The bridge only applies a binder; the integration layer builds it from manifests (fabric/secrets.ts).
import type { CallKind } from "../../proto/generated/snakebridge/v1/worker.js";
import { PythonError } from "./python-error.js";
import { NDArray, PyHandle, isTuple, tuple, type PyKwargs, type PyValue } from "./values.js";

export interface ArgumentBinder {
  /** Keyword arguments bound to a call of `target`, resolved now; throws PythonError when one cannot be resolved. */
  kwargsFor(kind: CallKind, target: string): PyKwargs | undefined;
  /** `text` with every bound secret's value replaced by a placeholder. */
  redact(text: string): string;
  /** True when `text` contains a bound secret's value (cheaper than redact() when it does not). */
  mentionsSecret(text: string): boolean;
}

/** A PythonError whose message and traceback no longer contain a secret. */
export function redactError(binder: ArgumentBinder, error: unknown): unknown {
  if (!(error instanceof PythonError)) {
    if (error instanceof Error && binder.mentionsSecret(error.message)) return new Error(binder.redact(error.message));
    return error;
  }
  if (!binder.mentionsSecret(error.pythonMessage) && !binder.mentionsSecret(error.traceback)) return error;
  return new PythonError({
    pythonType: error.pythonType,
    pythonModule: error.pythonModule,
    classification: error.classification,
    message: binder.redact(error.pythonMessage),
    traceback: binder.redact(error.traceback),
    ...(error.target === undefined ? {} : { target: error.target }),
  });
}

/** A result with secrets replaced in its strings and in the reprs of its handles. */
export function redactValue(binder: ArgumentBinder, value: PyValue): PyValue {
  if (typeof value === "string") return binder.mentionsSecret(value) ? binder.redact(value) : value;
  if (value instanceof PyHandle) {
    // The handle itself must stay the same object (it is tracked for release), so only its repr is replaced.
    if (binder.mentionsSecret(value.repr)) Reflect.defineProperty(value, "repr", { value: binder.redact(value.repr) });
    return value;
  }
  if (value === null || typeof value !== "object" || value instanceof NDArray || value instanceof Uint8Array)
    return value;
  if (Array.isArray(value)) {
    const items = value as PyValue[];
    const redacted = items.map((item) => redactValue(binder, item));
    if (redacted.every((item, i) => item === items[i])) return value;
    if (isTuple(value)) return tuple(...redacted); // frozen: rebuilt (a tuple subclass's type name is not kept)
    redacted.forEach((item, i) => {
      items[i] = item;
    });
    return value;
  }
  if (value instanceof Map || value instanceof Set) return value; // keys and members of maps and sets stay as they are
  const record = value as Record<string, PyValue>;
  for (const key of Object.keys(record)) {
    const item = record[key]!;
    const redacted = redactValue(binder, item);
    if (redacted !== item) record[key] = redacted;
  }
  return value;
}

/** Awaits a call and redacts its result, or its error. */
export async function redactOutcome(binder: ArgumentBinder, call: Promise<PyValue>): Promise<PyValue> {
  try {
    return redactValue(binder, await call);
  } catch (error) {
    throw redactError(binder, error);
  }
}

/** Redacts each item of a stream, and its error. */
export async function* redactStream(
  binder: ArgumentBinder,
  items: AsyncIterable<PyValue>,
): AsyncGenerator<PyValue, void, undefined> {
  try {
    for await (const item of items) yield redactValue(binder, item);
  } catch (error) {
    throw redactError(binder, error);
  }
}
