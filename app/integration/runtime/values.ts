// Checks that what generated code passes can cross into Python, and shapes results for the chosen array mode.
import {
  NDArray,
  PyComplex,
  PyHandle,
  isPyList,
  isPyMap,
  isPyRecord,
  isTuple,
  tuple,
  type PyValue,
} from "../../bridge/index.js";
import { ArgumentError } from "./arguments.js";

/** Something that wraps a live Python object (generated class instances). */
export interface HandleWrapper {
  readonly handle: PyHandle;
}

/** Nested plain arrays, how an ndarray arrives when a manifest asks for `arrays: json`. */
export type NestedArray = (number | bigint | boolean | NestedArray)[];

function isHandleWrapper(value: object): value is HandleWrapper {
  return "handle" in value && (value as { handle: unknown }).handle instanceof PyHandle;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Converts an argument to a PyValue, unwrapping generated class instances; says where a value cannot cross. */
export function toPyValue(value: unknown, where: string): PyValue {
  if (value === null) return null;
  switch (typeof value) {
    case "boolean":
    case "number":
    case "bigint":
    case "string":
      return value;
    case "undefined":
      throw new ArgumentError(`${where} is undefined; Python has no undefined (pass null for None)`);
    case "function":
    case "symbol":
      throw new ArgumentError(`${where} is a ${typeof value}, which cannot be sent to Python`);
  }
  const object = value as object;
  if (
    object instanceof Uint8Array ||
    object instanceof NDArray ||
    object instanceof PyHandle ||
    object instanceof PyComplex
  ) {
    return object;
  }
  if (isHandleWrapper(object)) return object.handle;
  if (Array.isArray(object)) {
    const items = (object as readonly unknown[]).map((v, i) => toPyValue(v, `${where}[${i}]`));
    return isTuple(object) ? tuple(...items) : items;
  }
  if (object instanceof Map) {
    const entries = [...(object as Map<unknown, unknown>)].map(([k, v]): [PyValue, PyValue] => [
      toPyValue(k, `${where} key`),
      toPyValue(v, `${where}[${String(k)}]`),
    ]);
    return new Map(entries);
  }
  if (object instanceof Set) return new Set([...(object as Set<unknown>)].map((v) => toPyValue(v, `${where} item`)));
  if (!isPlainObject(object)) {
    throw new ArgumentError(
      `${where} is a ${object.constructor.name}, which cannot be sent to Python (plain objects, arrays, Maps, Sets, NDArrays and handles can)`,
    );
  }
  const result: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(object)) result[k] = toPyValue(v, `${where}.${k}`);
  return result;
}

/** Replaces every NDArray in a result by nested plain arrays (the `arrays: json` mode). */
export function ndarraysToNested(value: PyValue): unknown {
  if (value instanceof NDArray) return value.toNested();
  if (isPyList(value)) return value.map(ndarraysToNested);
  if (isPyMap(value)) return new Map([...value].map(([k, v]) => [k, ndarraysToNested(v)]));
  if (isPyRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ndarraysToNested(v)]));
  return value;
}

/** What numpy's `array_like` parameters accept from TypeScript: an NDArray, a number, or nested number arrays. */
export type ArrayLike = NDArray | number | bigint | boolean | NestedArray;
