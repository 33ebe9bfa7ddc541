// The value codec: PyValue <-> values.proto's Value. The one place where wire types meet plain TypeScript.
import { ValueLimit, type NDArray as NDArrayMessage, type Value } from "../../proto/generated/snakebridge/v1/values.js";
import { PythonError } from "./python-error.js";
import { takeWorkerArrayFile } from "./shm-array-file.js";
import {
  ARRAY_TYPES,
  isDType,
  isTuple,
  nameFields,
  NDArray,
  PyComplex,
  PyHandle,
  isPyList,
  isPyMap,
  isPyRecord,
  isPySet,
  recordPythonType,
  type HandleOwner,
  type PyCallback,
  type PyValue,
  type TypedArray,
} from "./values.js";

/** How functions inside a value are sent: registered as host functions Python can call back (issue 17). */
export interface EncodeContext {
  hostFunction(fn: PyCallback): { id: string; name: string };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Containers nest at most this deep in one value (values.proto, ValueLimit). */
export const MAX_VALUE_NESTING: number = ValueLimit.VALUE_LIMIT_MAX_NESTING;
const MAX_DEPTH = MAX_VALUE_NESTING;

function serializationError(message: string): PythonError {
  return PythonError.bridge("serialization_error", message);
}

/** Encodes a TypeScript value as a Python value. */
export function encodeValue(value: PyValue | undefined, depth = 0, context?: EncodeContext): Value {
  if (value === null || value === undefined) return { kind: { $case: "nullValue", value: {} } };
  switch (typeof value) {
    case "boolean":
      return { kind: { $case: "boolValue", value } };
    case "number":
      // -0 is an integer to JavaScript; as a Python int it would lose its sign (math.copysign(1, -0) is -1.0).
      if (Number.isSafeInteger(value) && !Object.is(value, -0))
        return { kind: { $case: "intValue", value: BigInt(value) } };
      return { kind: { $case: "floatValue", value } };
    case "bigint":
      if (value >= INT64_MIN && value <= INT64_MAX) return { kind: { $case: "intValue", value } };
      return { kind: { $case: "bigIntValue", value: value.toString(10) } };
    case "string":
      return { kind: { $case: "strValue", value } };
    case "object":
      return encodeObject(value, depth, context);
    case "function":
      if (context !== undefined) return { kind: { $case: "hostFunctionValue", value: context.hostFunction(value) } };
      throw serializationError(
        "cannot send a function to Python here; functions cross as callbacks in call arguments only",
      );
    default:
      throw serializationError(
        `cannot send a ${typeof value} to Python; pass plain data (numbers, strings, arrays, objects, ` +
          "Maps, Sets, Uint8Array, NDArray) or a PyHandle",
      );
  }
}

function encodeObject(value: PyValue & object, depth: number, context: EncodeContext | undefined): Value {
  if (value instanceof PyHandle) {
    if (value.released)
      throw serializationError(`handle ${value.id} (${value.pythonType}) was released and cannot be used`);
    return { kind: { $case: "handleValue", value: { id: value.id, pythonType: value.pythonType, repr: value.repr } } };
  }
  if (value instanceof NDArray) return { kind: { $case: "ndarrayValue", value: encodeArray(value) } };
  if (value instanceof PyComplex)
    return { kind: { $case: "complexValue", value: { real: value.real, imag: value.imag } } };
  if (value instanceof Uint8Array)
    return { kind: { $case: "bytesValue", value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) } };
  // Containers from here on: the 31st level is refused even when empty, as a worker sends it back as a handle.
  if (depth >= MAX_DEPTH) {
    throw serializationError(
      `value nests deeper than ${MAX_DEPTH} levels of lists, objects, Maps and Sets (a cycle?), which is as deep as ` +
        "the bridge carries; send deeper data as JSON text and parse it in Python",
    );
  }
  if (isPyList(value)) {
    // Array.from, not map: map skips a sparse array's holes, and a hole in `items` cannot be encoded (Python gets
    // None there, as JSON gets null).
    const items = Array.from(value, (item) => encodeValue(item, depth + 1, context));
    return isTuple(value)
      ? { kind: { $case: "tupleValue", value: { items, fields: [], pythonType: "" } } }
      : { kind: { $case: "listValue", value: { items, fields: [], pythonType: "" } } };
  }
  if (isPyMap(value)) {
    const entries = [...value].map(([k, v]) => ({
      key: encodeValue(k, depth + 1, context),
      value: encodeValue(v, depth + 1, context),
    }));
    return { kind: { $case: "dictValue", value: { entries, pythonType: "" } } };
  }
  if (isPySet(value)) {
    const items = [...value].map((item) => encodeValue(item, depth + 1, context));
    return { kind: { $case: "setValue", value: { items, fields: [], pythonType: "" } } };
  }
  if (ArrayBuffer.isView(value)) {
    throw serializationError(
      `cannot send a ${value.constructor.name} directly; wrap it as new NDArray(dtype, shape, data) so Python gets a dtype and shape`,
    );
  }
  if (!isPyRecord(value)) {
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    throw serializationError(
      `cannot send an instance of ${typeof name === "string" ? name : "object"} to Python: only plain objects, arrays, Maps, Sets, Uint8Array, NDArray and PyHandle cross the bridge`,
    );
  }
  const entries = Object.entries(value).map(([k, v]) => ({
    key: { kind: { $case: "strValue" as const, value: k } },
    value: encodeValue(v, depth + 1, context),
  }));
  return { kind: { $case: "dictValue", value: { entries, pythonType: "" } } };
}

function encodeArray(array: NDArray): NDArrayMessage {
  const data = array.data as TypedArray;
  return {
    dtype: array.dtype,
    shape: array.shape.map((d) => BigInt(d)),
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    shmPath: "",
  };
}

/** What the decoder needs to turn handle messages into PyHandle objects. */
export interface HandleContext {
  owner: HandleOwner;
  workerId: string;
  generation: number;
  /** Called for every handle created, so the bridge can release it when garbage collected. */
  track?(handle: PyHandle): void;
  /** The host function a HostFunction message names (one Python sent back). */
  hostFunction?(id: string): PyCallback | undefined;
}

/** Decodes a Python value into TypeScript. */
export function decodeValue(value: Value | undefined, context: HandleContext): PyValue {
  const kind = value?.kind;
  if (kind === undefined) return null;
  switch (kind.$case) {
    case "nullValue":
      return null;
    case "boolValue":
    case "floatValue":
    case "strValue":
      return kind.value;
    case "intValue": {
      const n = kind.value;
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case "bigIntValue":
      return BigInt(kind.value);
    case "bytesValue":
      return new Uint8Array(kind.value.buffer, kind.value.byteOffset, kind.value.byteLength);
    case "complexValue":
      return new PyComplex(kind.value.real, kind.value.imag);
    case "listValue":
      return kind.value.items.map((item) => decodeValue(item, context));
    case "tupleValue": {
      const items = kind.value.items.map((item) => decodeValue(item, context));
      if (kind.value.fields.length > 0) nameFields(items, kind.value.fields);
      if (kind.value.pythonType) recordPythonType(items, kind.value.pythonType);
      return markTuple(items);
    }
    case "setValue":
      return new Set(kind.value.items.map((item) => decodeValue(item, context)));
    case "dictValue": {
      const dict = decodeDict(kind.value.entries, context);
      if (kind.value.pythonType) recordPythonType(dict, kind.value.pythonType);
      return dict;
    }
    case "ndarrayValue":
      return decodeArray(kind.value);
    case "hostFunctionValue": {
      const fn = context.hostFunction?.(kind.value.id);
      if (fn === undefined)
        throw serializationError(`Python sent back host function ${kind.value.id}, which the host no longer holds`);
      return fn;
    }
    case "handleValue": {
      const handle = new PyHandle(
        kind.value.id,
        kind.value.pythonType,
        kind.value.repr,
        context.workerId,
        context.generation,
        context.owner,
      );
      context.track?.(handle);
      return handle;
    }
  }
}

function markTuple(items: PyValue[]): readonly PyValue[] {
  Object.defineProperty(items, Symbol.for("snakebridge.tuple"), { value: true, enumerable: false });
  return Object.freeze(items);
}

function decodeDict(
  entries: { key: Value | undefined; value: Value | undefined }[],
  context: HandleContext,
): Record<string, PyValue> | Map<PyValue, PyValue> {
  const allStringKeys = entries.every((e) => e.key?.kind?.$case === "strValue");
  if (allStringKeys) {
    // A null-prototype object: keys such as "__proto__" from Python stay plain data.
    const result: Record<string, PyValue> = Object.create(null) as Record<string, PyValue>;
    for (const entry of entries) {
      const key = entry.key?.kind?.$case === "strValue" ? entry.key.kind.value : "";
      result[key] = decodeValue(entry.value, context);
    }
    return result;
  }
  return new Map(entries.map((e) => [decodeValue(e.key, context), decodeValue(e.value, context)] as const));
}

/** Decodes an ndarray message (raw bytes or a shared-memory file) into an NDArray without copying twice. */
export function decodeArray(message: NDArrayMessage): NDArray {
  if (!isDType(message.dtype)) throw serializationError(`unsupported ndarray dtype "${message.dtype}" from Python`);
  const shape = message.shape.map((d) => Number(d));
  let bytes: Buffer = message.data;
  if (message.shmPath) bytes = takeWorkerArrayFile(message.shmPath);
  const Ctor = ARRAY_TYPES[message.dtype];
  const length = bytes.byteLength / Ctor.BYTES_PER_ELEMENT;
  // TypedArrays need aligned offsets; protobuf buffers are often slices at odd offsets.
  const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : Buffer.from(bytes);
  const data = new Ctor(aligned.buffer, aligned.byteOffset, length);
  return new NDArray(message.dtype, shape, data);
}
