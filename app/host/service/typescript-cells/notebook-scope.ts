// One notebook's TypeScript top-level scope: the values (a null-prototype object every cell runs `with`),
// the declarations the type checker sees for them, and the views the Variables panel and Python's `ts` use.
import { inspect } from "node:util";
import type { VariableView } from "../../../api/workbench-api.js";
import { NDArray, PyHandle, type PyValue } from "../../../bridge/index.js";
import { isPyValue } from "./py-data.js";

const PREVIEW_LIMIT = 120;

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "Array";
  if (value instanceof NDArray) return `NDArray<${value.dtype}>`;
  if (value instanceof PyHandle) return `PyHandle<${value.pythonType}>`;
  if (typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return "object";
    const constructor: unknown = (value as { constructor?: unknown }).constructor;
    return typeof constructor === "function" && constructor.name ? constructor.name : "object";
  }
  return typeof value;
}

function shapeOf(value: unknown): string {
  if (value instanceof NDArray) return value.shape.join("×") || "scalar";
  if (Array.isArray(value) || typeof value === "string") return String(value.length);
  if (value instanceof Map || value instanceof Set) return String(value.size);
  if (value !== null && typeof value === "object" && !(value instanceof PyHandle))
    return String(Object.keys(value).length);
  return "";
}

function sizeOf(value: unknown, depth = 0): number {
  if (depth > 4) return 0;
  if (value instanceof NDArray) return value.data.byteLength;
  if (typeof value === "string") return value.length * 2;
  if (typeof value === "number") return 8;
  if (typeof value === "boolean") return 4;
  if (typeof value === "bigint") return 8 + Math.ceil(value.toString(16).length / 2);
  if (Array.isArray(value))
    return (
      16 +
      value.slice(0, 1000).reduce((sum: number, item: unknown) => sum + sizeOf(item, depth + 1), 0) *
        Math.max(1, value.length / 1000)
    );
  if (value !== null && typeof value === "object" && !(value instanceof PyHandle)) {
    return (
      16 +
      Object.entries(value)
        .slice(0, 1000)
        .reduce((sum, [k, v]) => sum + k.length * 2 + sizeOf(v, depth + 1), 0)
    );
  }
  return 0;
}

function preview(value: unknown): string {
  const text = (
    value instanceof PyHandle
      ? value.toString()
      : inspect(value, { depth: 2, maxArrayLength: 20, breakLength: Infinity, maxStringLength: 200 })
  ).replace(/\s+/g, " ");
  return text.length <= PREVIEW_LIMIT ? text : `${text.slice(0, PREVIEW_LIMIT - 1)}…`;
}

/** The notebook's TypeScript top-level names. */
export class NotebookScope {
  /** The object cells run `with`: null prototype, so only the cells' own names resolve through it. */
  readonly values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** name → the global declaration the checker sees in later cells. */
  readonly #declarations = new Map<string, string>();

  /** Makes the names a cell declares resolve to the scope (undefined until the cell assigns them). */
  declare(names: readonly string[]): void {
    for (const name of names) if (!(name in this.values)) this.values[name] = undefined;
  }

  /** Records the checker's declarations for a cell's names (a re-run replaces them). */
  setDeclarations(declarations: ReadonlyMap<string, string>): void {
    for (const [name, text] of declarations) this.#declarations.set(name, text);
  }

  /** Every declaration, as one global declaration file's text. */
  declarationText(): string {
    return [...this.#declarations.values()].join("\n");
  }

  /** The plain-data values, for Python's `ts` snapshot. */
  snapshot(): Record<string, PyValue> {
    const data: Record<string, PyValue> = {};
    for (const [name, value] of Object.entries(this.values))
      if (value !== undefined && isPyValue(value, false)) data[name] = value;
    return data;
  }

  /** True when the scope holds no names. */
  get empty(): boolean {
    return Object.keys(this.values).length === 0;
  }

  /** The Variables panel's rows, by name (functions and classes left out, like Python's). */
  variables(): VariableView[] {
    return Object.entries(this.values)
      .filter(([, value]) => typeof value !== "function")
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({
        name,
        type: typeName(value),
        shape: shapeOf(value),
        size: Math.round(sizeOf(value)),
        preview: preview(value),
      }));
  }
}
