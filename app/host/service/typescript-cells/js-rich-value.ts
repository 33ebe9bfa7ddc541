// A TypeScript cell's result for display: Python-shaped data becomes a RichValue, anything else only a repr.
import { inspect } from "node:util";
import type { RichValue } from "../../../api/values-view.js";
import { NDArray, PyComplex, PyHandle, type PyValue } from "../../../bridge/index.js";
import { richValue } from "../convert/rich-value.js";

const MAX_DEPTH = 32;

/** True when `value` is made only of things Python values are made of (no functions, class instances, symbols). */
function isPyValue(value: unknown, depth = 0): value is PyValue {
  if (depth > MAX_DEPTH) return false;
  if (value === null) return true;
  switch (typeof value) {
    case "boolean": case "number": case "bigint": case "string": return true;
    case "object": break;
    default: return false;
  }
  if (value instanceof NDArray || value instanceof PyHandle || value instanceof PyComplex || value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.every((v) => isPyValue(v, depth + 1));
  if (value instanceof Map) return [...value].every(([k, v]) => isPyValue(k, depth + 1) && isPyValue(v, depth + 1));
  if (value instanceof Set) return [...value].every((v) => isPyValue(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as Record<string, unknown>).every((v) => isPyValue(v, depth + 1));
}

/** The result output of a cell whose last expression evaluated to `value`. */
export function jsResult(value: unknown): { value: RichValue | null; repr: string } {
  const repr = value instanceof PyHandle ? value.toString() : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
  return { value: isPyValue(value) ? richValue(value) : null, repr };
}
