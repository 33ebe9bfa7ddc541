// Renders Python values as JSON text for `--json` output (big ints stay exact, arrays become nested lists).
import { NDArray, PyComplex, PyHandle, type PyValue } from "../bridge/index.js";

/** JSON text for a value; integers beyond 2^53 are written as exact digits. */
export function toJsonText(value: PyValue | undefined, indent = 0): string {
  return render(value, indent, 0);
}

function render(value: PyValue | undefined, indent: number, level: number): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case "bigint":
      return value.toString(10);
    case "string":
      return JSON.stringify(value);
  }
  if (value instanceof NDArray) return renderJson(value.toNested(), indent, level);
  if (value instanceof PyHandle) {
    return renderJson({ $handle: value.id, type: value.pythonType, repr: value.repr }, indent, level);
  }
  if (value instanceof PyComplex) return renderJson({ real: value.real, imag: value.imag }, indent, level);
  if (value instanceof Uint8Array) return JSON.stringify({ $bytes: Buffer.from(value).toString("base64") });
  if (Array.isArray(value)) return renderList((value as readonly PyValue[]).map((v) => render(v, indent, level + 1)), indent, level);
  if (value instanceof Set) return renderList([...(value as ReadonlySet<PyValue>)].map((v) => render(v, indent, level + 1)), indent, level);
  if (value instanceof Map) {
    const entries = [...(value as ReadonlyMap<PyValue, PyValue>)];
    if (entries.every(([k]) => typeof k === "string" || typeof k === "number" || typeof k === "bigint")) {
      return renderObject(entries.map(([k, v]) => [String(k), render(v, indent, level + 1)]), indent, level);
    }
    return renderList(entries.map(([k, v]) => renderList([render(k, indent, level + 2), render(v, indent, level + 2)], indent, level + 1)), indent, level);
  }
  return renderObject(Object.entries(value as Record<string, PyValue>).map(([k, v]) => [k, render(v, indent, level + 1)]), indent, level);
}

function renderJson(value: unknown, indent: number, level: number): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `__bigint__${v.toString()}` : v), indent || undefined);
  const unquoted = text.replace(/"__bigint__(-?\d+)"/g, "$1");
  return indent ? unquoted.split("\n").join("\n" + " ".repeat(indent * level)) : unquoted;
}

function renderList(items: string[], indent: number, level: number): string {
  if (items.length === 0) return "[]";
  if (!indent) return `[${items.join(",")}]`;
  const pad = " ".repeat(indent * (level + 1));
  return `[\n${items.map((i) => pad + i).join(",\n")}\n${" ".repeat(indent * level)}]`;
}

function renderObject(entries: [string, string][], indent: number, level: number): string {
  if (entries.length === 0) return "{}";
  if (!indent) return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
  const pad = " ".repeat(indent * (level + 1));
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${v}`).join(",\n")}\n${" ".repeat(indent * level)}}`;
}

/** Parses a JSON argument from the command line into a Python-bound value (integers beyond 2^53 become bigint). */
export function parseJsonArgument(text: string, what: string): PyValue {
  try {
    const marked = text.replace(/(?<=^|[\s,[:])(-?\d{16,})(?=$|[\s,\]}])/g, '"__bigint__$1"');
    return JSON.parse(marked, (_k, v: unknown) => {
      if (typeof v === "string" && v.startsWith("__bigint__")) {
        const n = BigInt(v.slice(10));
        return Number.isSafeInteger(Number(n)) ? Number(n) : n;
      }
      return v;
    }) as PyValue;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${text}\n  (${(error as Error).message}). Strings need quotes: '"text"'`);
  }
}
