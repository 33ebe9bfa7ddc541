// Which TypeScript values are made only of what Python values are made of (no functions, class instances,
// symbols): those cross as data, for a cell's result and for Python's `ts` snapshot.
import { MAX_VALUE_NESTING, NDArray, PyComplex, PyHandle, type PyValue } from "../../../bridge/index.js";

// Deeper values would not cross the bridge (values.proto, ValueLimit).
const MAX_DEPTH = MAX_VALUE_NESTING;

/** True when `value` is Python-shaped data; `handles` says whether PyHandles count (not for a cross-session copy). */
export function isPyValue(value: unknown, handles: boolean, depth = 0): value is PyValue {
  if (depth > MAX_DEPTH) return false;
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
    case "number":
    case "bigint":
    case "string":
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value instanceof NDArray || value instanceof PyComplex || value instanceof Uint8Array) return true;
  if (value instanceof PyHandle) return handles;
  const inner = (item: unknown): boolean => isPyValue(item, handles, depth + 1);
  if (Array.isArray(value)) return value.every(inner);
  if (value instanceof Map) return [...value].every(([k, v]) => inner(k) && inner(v));
  if (value instanceof Set) return [...value].every(inner);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every(inner);
}
