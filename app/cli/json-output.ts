// The CLI's JSON form of Python values: one tag scheme for what `--json` prints and what `call` reads.
//
// Plain JSON (null, booleans, finite numbers within 2^53, strings, lists, objects with string keys) stands for
// itself. Everything else is an object with one `$tag` key:
//   {"$bytes": "<base64>"}                      bytes
//   {"$tuple": [...]}                           tuple (a named tuple adds "$type" and "$fields"; ignored on input)
//   {"$set": [...]}                             set
//   {"$dict": [[key, value], ...]}              dict whose keys are not all strings, or that has a key starting with "$"
//   {"$complex": [real, imag]}                  complex
//   {"$bigint": "<digits>"}                     int beyond 2^53 (bare digits are accepted on input too)
//   {"$float": "NaN" | "Infinity" | "-Infinity"}
//   {"$ndarray": <nested list>, "dtype": "float64", "shape": [2, 3]}
//   {"$handle": "<id>", "type": ..., "repr": ...} a live object: printed, never accepted (a fresh process holds none)
import {
  NDArray,
  PyComplex,
  PyHandle,
  isPyList,
  isPyMap,
  isPyRecord,
  isPySet,
  isTuple,
  pythonTypeOf,
  tuple,
  tupleFields,
  valuesPerElement,
  type DType,
  type PyValue,
} from "../bridge/index.js";
import { UsageError } from "./command.js";

const DTYPES: readonly DType[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
];

/** The JSON-ready form of a value (bigints stay bigint; `toJsonText` writes them as exact digits). */
export function toTagged(value: PyValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (!Number.isFinite(value)) return { $float: String(value) };
      return value;
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : { $bigint: value.toString(10) };
  }
  if (value instanceof NDArray) return { $ndarray: nestedArray(value), dtype: value.dtype, shape: [...value.shape] };
  if (value instanceof PyHandle) return { $handle: value.id, type: value.pythonType, repr: value.repr };
  if (value instanceof PyComplex) return { $complex: [toTagged(value.real), toTagged(value.imag)] };
  if (value instanceof Uint8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (isPyList(value)) {
    const items = value.map(toTagged);
    if (!isTuple(value)) return items;
    const type = pythonTypeOf(value);
    const fields = tupleFields(value);
    return { $tuple: items, ...(type ? { $type: type } : {}), ...(fields.length ? { $fields: fields } : {}) };
  }
  if (isPySet(value)) return { $set: [...value].map(toTagged) };
  const entries: [PyValue, PyValue][] = isPyMap(value) ? [...value] : isPyRecord(value) ? Object.entries(value) : [];
  const stringKeyed = entries.flatMap(([k, v]) =>
    typeof k === "string" && !k.startsWith("$") ? [[k, v] as const] : [],
  );
  if (stringKeyed.length === entries.length) {
    const object: Record<string, unknown> = {};
    for (const [k, v] of stringKeyed) object[k] = toTagged(v);
    return object;
  }
  return { $dict: entries.map(([k, v]) => [toTagged(k), toTagged(v)]) };
}

function nestedArray(array: NDArray): unknown {
  const nested = array.toNested();
  const tag = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(tag);
    if (v instanceof PyComplex) return toTagged(v);
    if (typeof v === "bigint") return toTagged(v);
    return v;
  };
  return tag(nested);
}

/** JSON text for a value; integers beyond 2^53 are written as {"$bigint": "<digits>"}. */
export function toJsonText(value: PyValue | undefined, indent = 0): string {
  return JSON.stringify(toTagged(value), null, indent || undefined);
}

// -- input ------------------------------------------------------------------------------------------

/** Parses a JSON argument from the command line into a Python-bound value (the tags above; bare big digits as int). */
export function parseJsonArgument(text: string, what: string): PyValue {
  let raw: unknown;
  try {
    const marked = text.replace(/(?<=^|[\s,[:])(-?\d{16,})(?=$|[\s,\]}])/g, '"__bigint__$1"');
    raw = JSON.parse(marked, (_k, v: unknown) => {
      if (typeof v === "string" && v.startsWith("__bigint__")) {
        const n = BigInt(v.slice(10));
        return Number.isSafeInteger(Number(n)) ? Number(n) : n;
      }
      return v;
    });
  } catch (error) {
    throw new UsageError(
      `${what} is not valid JSON: ${text}\n  (${(error as Error).message}). Strings need quotes: '"text"'`,
    );
  }
  return fromTagged(raw, what);
}

/** The Python-bound value of tagged JSON. */
export function fromTagged(raw: unknown, what: string): PyValue {
  if (raw === null || typeof raw !== "object") {
    if (raw === undefined) return null;
    return raw as PyValue;
  }
  if (Array.isArray(raw)) return raw.map((v) => fromTagged(v, what));
  const object = raw as Record<string, unknown>;
  const tag = Object.keys(object).find((k) => k.startsWith("$"));
  if (tag === undefined) {
    const result: Record<string, PyValue> = {};
    for (const [k, v] of Object.entries(object)) result[k] = fromTagged(v, what);
    return result;
  }
  const body = object[tag];
  const bad = (expected: string): UsageError =>
    new UsageError(`${what}: ${tag} needs ${expected}, got ${JSON.stringify(body)}`);
  switch (tag) {
    case "$bytes":
      if (typeof body !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw bad("a base64 string");
      return new Uint8Array(Buffer.from(body, "base64"));
    case "$tuple":
      if (!Array.isArray(body)) throw bad("a list");
      return tuple(...body.map((v) => fromTagged(v, what)));
    case "$set":
      if (!Array.isArray(body)) throw bad("a list");
      return new Set(body.map((v) => fromTagged(v, what)));
    case "$dict":
      if (!Array.isArray(body) || !body.every((e) => Array.isArray(e) && e.length === 2))
        throw bad("a list of [key, value] pairs");
      return new Map(
        (body as [unknown, unknown][]).map(([k, v]) => [fromTagged(k, what), fromTagged(v, what)] as const),
      );
    case "$complex": {
      const [re, im] = Array.isArray(body) ? body.map((v) => fromTagged(v, what)) : [];
      if (!Array.isArray(body) || body.length !== 2 || typeof re !== "number" || typeof im !== "number")
        throw bad("[real, imag]");
      return new PyComplex(re, im);
    }
    case "$bigint":
      if (typeof body !== "string" || !/^-?\d+$/.test(body)) throw bad("a string of digits");
      return BigInt(body);
    case "$float":
      if (body === "NaN") return Number.NaN;
      if (body === "Infinity") return Number.POSITIVE_INFINITY;
      if (body === "-Infinity") return Number.NEGATIVE_INFINITY;
      throw bad('"NaN", "Infinity" or "-Infinity"');
    case "$ndarray":
      return ndarrayFrom(body, object.dtype, object.shape, what);
    case "$handle":
      throw new UsageError(
        `${what} is a $handle (${JSON.stringify(body)}): a handle names an object inside the worker that made it, and each ` +
          "`snakebridge call` starts a fresh worker that holds none. Pass the value itself, or keep the object in one " +
          "process (a notebook, or the SDK).",
      );
    default:
      throw new UsageError(
        `${what}: unknown tag ${tag}; tags are $bytes, $tuple, $set, $dict, $complex, $bigint, $float, $ndarray`,
      );
  }
}

function ndarrayFrom(body: unknown, dtype: unknown, shape: unknown, what: string): NDArray {
  if (typeof dtype !== "string" || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new UsageError(`${what}: $ndarray needs "dtype", one of ${DTYPES.join(", ")}`);
  }
  const d = dtype as DType;
  const flat: unknown[] = [];
  const walk = (v: unknown, dims: number[], level: number): void => {
    if (Array.isArray(v)) {
      if (dims.length <= level) dims.push(v.length);
      else if (dims[level] !== v.length)
        throw new UsageError(`${what}: $ndarray is ragged (rows of different lengths)`);
      for (const item of v) walk(item, dims, level + 1);
    } else {
      if (level !== dims.length && flat.length > 0)
        throw new UsageError(`${what}: $ndarray is ragged (rows of different depths)`);
      flat.push(fromTagged(v, what));
    }
  };
  const dims: number[] = [];
  walk(body, dims, 0);
  const finalShape = Array.isArray(shape) ? shape.map(Number) : dims;
  if (finalShape.reduce((a, b) => a * b, 1) !== flat.length) {
    throw new UsageError(`${what}: $ndarray has ${flat.length} elements but shape [${finalShape.join(", ")}]`);
  }
  const values: (number | bigint)[] =
    valuesPerElement(d) === 2
      ? flat.flatMap((v) => (v instanceof PyComplex ? [v.real, v.imag] : [Number(v), 0]))
      : flat.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : (v as number | bigint)));
  const data = typedArrayFor(d, values);
  return new NDArray(d, finalShape, data);
}

function typedArrayFor(dtype: DType, values: (number | bigint)[]): NDArray["data"] {
  switch (dtype) {
    case "int64":
      return BigInt64Array.from(values, (v) => BigInt(v));
    case "uint64":
      return BigUint64Array.from(values, (v) => BigInt(v));
    case "bool":
    case "uint8":
      return Uint8Array.from(values, Number);
    case "int8":
      return Int8Array.from(values, Number);
    case "int16":
      return Int16Array.from(values, Number);
    case "uint16":
    case "float16":
      return Uint16Array.from(values, Number);
    case "int32":
      return Int32Array.from(values, Number);
    case "uint32":
      return Uint32Array.from(values, Number);
    case "float32":
    case "complex64":
      return Float32Array.from(values, Number);
    case "float64":
    case "complex128":
      return Float64Array.from(values, Number);
  }
}
