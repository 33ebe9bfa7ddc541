// PyValue → RichValue: a JSON-safe, size-bounded form of Python values for display.
import type { RichValue } from "../../../api/values-view.js";
import { NDArray, PyComplex, PyHandle, isTuple, type PyValue } from "../../../bridge/index.js";

/** At most this many ndarray elements are sent to the UI. */
export const MAX_ARRAY_ELEMENTS = 10_000;
/** At most this many items of a list, tuple, set or dict are sent to the UI. */
export const MAX_CONTAINER_ITEMS = 1_000;

/** The display form of a value; large arrays and containers are cut, `size`/`total` keep the real count. */
export function richValue(value: PyValue | undefined): RichValue {
  if (value === null || value === undefined) return { kind: "null" };
  switch (typeof value) {
    case "boolean":
      return { kind: "bool", value };
    case "number":
      return Number.isSafeInteger(value) ? { kind: "int", value: String(value) } : floatValue(value);
    case "bigint":
      return { kind: "int", value: value.toString(10) };
    case "string":
      return { kind: "str", value };
  }
  if (value instanceof NDArray) return ndarrayValue(value);
  if (value instanceof PyHandle)
    return { kind: "handle", id: value.id, pythonType: value.pythonType, repr: value.repr, workerId: value.workerId };
  if (value instanceof PyComplex) return { kind: "complex", real: value.real, imag: value.imag };
  if (value instanceof Uint8Array)
    return { kind: "bytes", base64: Buffer.from(value).toString("base64"), length: value.length };
  if (Array.isArray(value)) {
    const items = value as readonly PyValue[];
    return {
      kind: isTuple(items) ? "tuple" : "list",
      items: items.slice(0, MAX_CONTAINER_ITEMS).map(richValue),
      total: items.length,
    };
  }
  if (value instanceof Set) {
    const items = [...(value as ReadonlySet<PyValue>)];
    return { kind: "set", items: items.slice(0, MAX_CONTAINER_ITEMS).map(richValue), total: items.length };
  }
  if (value instanceof Map) {
    const entries = [...(value as ReadonlyMap<PyValue, PyValue>)];
    return {
      kind: "dict",
      entries: entries.slice(0, MAX_CONTAINER_ITEMS).map(([k, v]) => [richValue(k), richValue(v)]),
      total: entries.length,
    };
  }
  const entries = Object.entries(value as Record<string, PyValue>);
  return {
    kind: "dict",
    entries: entries.slice(0, MAX_CONTAINER_ITEMS).map(([k, v]) => [{ kind: "str", value: k }, richValue(v)]),
    total: entries.length,
  };
}

/** A float; the decoder yields Python ints and whole floats alike as numbers, so whole safe values show as ints. */
function floatValue(value: number): RichValue {
  if (Number.isNaN(value)) return { kind: "float", value: "NaN" };
  if (value === Infinity) return { kind: "float", value: "Infinity" };
  if (value === -Infinity) return { kind: "float", value: "-Infinity" };
  return { kind: "float", value };
}

function ndarrayValue(array: NDArray): RichValue {
  const count = Math.min(array.size, MAX_ARRAY_ELEMENTS);
  const data: (number | string | boolean)[] = new Array<number | string | boolean>(count);
  const source = array.data as ArrayLike<number | bigint>;
  for (let i = 0; i < count; i++) {
    const v = source[i]!;
    // 64-bit integers stay exact as decimal strings; bools as booleans; NaN/Infinity as strings (JSON has neither).
    if (typeof v === "bigint") data[i] = v.toString(10);
    else if (array.dtype === "bool") data[i] = v !== 0;
    else if (Number.isFinite(v)) data[i] = v;
    else data[i] = String(v);
  }
  return { kind: "ndarray", dtype: array.dtype, shape: [...array.shape], size: array.size, data };
}
