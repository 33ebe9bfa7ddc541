// Maps a Python annotation (a TypeExpr tree from the introspection agent) to TypeScript type text. Never `any`.
import type { TypeExpr } from "../../../proto/generated/snakebridge/v1/describe.js";

/** Where the type appears: inputs may accept more shapes than outputs deliver. */
export type TypePosition = "parameter" | "return";

export interface TypeMapContext {
  position: TypePosition;
  /** How ndarrays travel: "binary" → NDArray, "json" → nested plain arrays (results only). */
  arrays: "binary" | "json";
  /** Python classes the SDK generates a wrapper for: qualified name → TypeScript class name. */
  knownClasses?: ReadonlyMap<string, string>;
}

const SIMPLE: Readonly<Record<string, string>> = {
  int: "number",
  float: "number",
  str: "string",
  bool: "boolean",
  bytes: "Uint8Array",
  None: "null",
  complex: "PyComplex",
  int64: "bigint",
  "numpy.int64": "bigint",
  uint64: "bigint",
  "numpy.uint64": "bigint",
  "numpy.float64": "number",
  "numpy.float32": "number",
  "numpy.bool_": "boolean",
};

/** Python annotations with no faithful TypeScript shape. */
const OPAQUE = new Set(["Any", "unknown", "Callable", "...", "object", ""]);

/** Type names the generated code must import from the runtime when this text is used. */
export const RUNTIME_TYPE_NAMES = ["NDArray", "PyComplex", "PyHandle", "NestedArray"] as const;

/** TypeScript type text for a Python annotation; `unknown` when no faithful mapping exists. */
export function mapType(expr: TypeExpr | undefined, context: TypeMapContext): string {
  if (expr === undefined) return "unknown";
  const simple = SIMPLE[expr.name];
  if (simple !== undefined) return simple;
  if (OPAQUE.has(expr.name)) return "unknown";
  switch (expr.name) {
    case "list":
      return arrayOf(mapArg(expr, 0, context));
    case "set":
      return `Set<${mapArg(expr, 0, context)}>`;
    case "tuple":
      return mapTuple(expr, context);
    case "dict":
      return mapDict(expr, context);
    case "Optional":
      return union([...expr.args.map((a) => mapType(a, context)), "null"]);
    case "Union":
      return union(expr.args.map((a) => mapType(a, context)));
    case "Literal":
      return mapLiteral(expr.literals);
    case "ndarray":
      return context.arrays === "json" && context.position === "return" ? "NestedArray" : "NDArray";
    case "array_like":
      if (context.position === "return") return context.arrays === "json" ? "NestedArray" : "NDArray";
      return "NDArray | number | number[] | number[][]";
    case "numpy.dtype":
      // numpy accepts dtype names ("float32") wherever it takes a dtype.
      return context.position === "parameter" ? "string | PyHandle" : "PyHandle";
  }
  const wrapper = context.knownClasses?.get(expr.name);
  if (wrapper !== undefined) return context.position === "parameter" ? `${wrapper} | PyHandle` : "PyHandle";
  return "unknown";
}

function mapArg(expr: TypeExpr, index: number, context: TypeMapContext): string {
  return mapType(expr.args[index], context);
}

function arrayOf(element: string): string {
  return /^[\w.<>, ]+$/.test(element) ? `${element}[]` : `(${element})[]`;
}

function mapTuple(expr: TypeExpr, context: TypeMapContext): string {
  const [first, second] = expr.args;
  if (first === undefined) return "unknown[]";
  // tuple[int, ...] is a homogeneous tuple of any length.
  if (expr.args.length === 2 && second?.name === "...") return arrayOf(mapType(first, context));
  return `[${expr.args.map((a) => mapType(a, context)).join(", ")}]`;
}

function mapDict(expr: TypeExpr, context: TypeMapContext): string {
  const [key, value] = expr.args;
  const valueType = mapType(value, context);
  // The bridge delivers str-keyed dicts as plain objects and every other dict as a Map.
  if (key === undefined || key.name === "str") return `Record<string, ${valueType}>`;
  return `Map<${mapType(key, context)}, ${valueType}>`;
}

/** Joins member types, flattening nested unions, dropping duplicates; unknown absorbs everything. */
function union(members: readonly string[]): string {
  const seen: string[] = [];
  for (const member of members) {
    if (member === "unknown") return "unknown";
    for (const part of splitTopLevelUnion(member)) if (!seen.includes(part)) seen.push(part);
  }
  return seen.length === 0 ? "never" : seen.join(" | ");
}

function splitTopLevelUnion(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "<" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === ">" || c === "}") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

function mapLiteral(literals: readonly string[]): string {
  const members = literals.map(literalType);
  if (members.length === 0 || members.includes(undefined)) return "unknown";
  return union(members as string[]);
}

/** A Python literal repr as a TypeScript literal type, or undefined when it has none. */
function literalType(repr: string): string | undefined {
  const text = repr.trim();
  if (text === "None") return "null";
  if (text === "True") return "true";
  if (text === "False") return "false";
  if (/^-?\d+(\.\d+)?$/.test(text)) return text;
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) {
    const body = quoted[2] ?? "";
    return JSON.stringify(quoted[1] === "'" ? body.replace(/\\'/g, "'") : body.replace(/\\"/g, '"'));
  }
  return undefined;
}
