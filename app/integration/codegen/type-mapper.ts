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
  /** The Python class whose member is being typed: `Self` maps to its generated class. */
  selfClass?: string;
  /** TypeVars the callable is generic in: Python TypeVar name → TypeScript type parameter name. */
  typeParams?: ReadonlyMap<string, string>;
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
  "numpy.bool": "boolean",
  // numpy scalars cross as Python numbers (the worker calls .item()).
  "numpy.generic": "number",
  "numpy.number": "number",
  "numpy.inexact": "number",
  "numpy.floating": "number",
  "numpy.integer": "number",
  "numpy.signedinteger": "number",
  "numpy.unsignedinteger": "number",
  "numpy.complexfloating": "PyComplex",
};

/** Python annotations with no faithful TypeScript shape. */
const OPAQUE = new Set(["Any", "Incomplete", "unknown", "...", "object", "Hashable", ""]);

/** Type names the generated code must import from the runtime when this text is used. */
export const RUNTIME_TYPE_NAMES = ["NDArray", "PyComplex", "PyHandle", "NestedArray", "ArrayLike"] as const;

/** Values Python orders with < (SupportsRichComparison): what TypeScript can send that compares. */
const COMPARABLE = "number | string";

/** TypeScript type text for a Python annotation; `unknown` when no faithful mapping exists. */
export function mapType(expr: TypeExpr | undefined, context: TypeMapContext): string {
  if (expr === undefined) return "unknown";
  const simple = SIMPLE[expr.name];
  if (simple !== undefined) return simple;
  if (OPAQUE.has(expr.name)) return "unknown";
  switch (expr.name) {
    case "list":
      return arrayOf(mapArg(expr, 0, context));
    case "Sequence":
    case "Iterable":
      // Arrays cross as lists; a parameter only reads them, a result is a fresh list.
      return context.position === "parameter"
        ? readonlyArrayOf(mapArg(expr, 0, context))
        : iterableResult(expr, context);
    case "Iterator":
      // Iterators and generators are live Python objects: they come back as handles.
      return context.position === "parameter" ? readonlyArrayOf(mapArg(expr, 0, context)) : "PyHandle";
    case "set":
      return context.position === "parameter"
        ? `ReadonlySet<${mapArg(expr, 0, context)}>`
        : `Set<${mapArg(expr, 0, context)}>`;
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
    case "TypedDict":
      return mapTypedDict(expr, context);
    case "TypeVar":
      return mapTypeVar(expr, context);
    case "Self":
      return classType(context.selfClass, context) ?? "PyHandle";
    case "comparable":
      return COMPARABLE;
    case "Never":
      return "never";
    case "Callable":
      return mapCallable(expr, context);
    // A Python class crosses as a handle.
    case "type":
      return "PyHandle";
    case "ndarray":
      return context.arrays === "json" && context.position === "return" ? "NestedArray" : "NDArray";
    case "array_like":
      if (context.position === "return") return context.arrays === "json" ? "NestedArray" : "NDArray";
      return "ArrayLike";
    case "numpy.dtype":
      // numpy accepts dtype names ("float32") wherever it takes a dtype.
      return context.position === "parameter" ? "string | PyHandle" : "PyHandle";
  }
  const known = classType(expr.name, context);
  if (known !== undefined) return known;
  // Any other Python class: its instances cross as handles.
  if (/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(expr.name)) return "PyHandle";
  return "unknown";
}

/**
 * A parameter typed Callable takes a TypeScript function (it reaches Python as a callable proxy whose calls run on
 * the host) or a handle to a Python callable. Python hands the function values as results and takes back what it
 * returns as an argument, so the positions flip. A returned callable is a live Python object: a handle.
 */
function mapCallable(expr: TypeExpr, context: TypeMapContext): string {
  if (context.position === "return") return "PyHandle";
  const [params, returns] = expr.args;
  const inbound: TypeMapContext = { ...context, position: "return" };
  const outbound: TypeMapContext = { ...context, position: "parameter" };
  const list =
    params === undefined || params.name !== "tuple"
      ? "...args: unknown[]"
      : params.args.map((param, index) => `arg${index}: ${mapType(param, inbound)}`).join(", ");
  const result = returns === undefined ? "unknown" : mapType(returns, outbound);
  const awaited = result === "unknown" ? "unknown" : `${result} | Promise<${result}>`;
  return `((${list}) => ${awaited}) | PyHandle`;
}

/** A generated wrapper class as an input (wrapper or handle) or a nested output (a handle). */
function classType(pythonPath: string | undefined, context: TypeMapContext): string | undefined {
  if (pythonPath === undefined) return undefined;
  const wrapper = context.knownClasses?.get(pythonPath);
  if (wrapper === undefined) return undefined;
  return context.position === "parameter" ? `${wrapper} | PyHandle` : "PyHandle";
}

function iterableResult(expr: TypeExpr, context: TypeMapContext): string {
  return arrayOf(mapArg(expr, 0, context));
}

function mapTypeVar(expr: TypeExpr, context: TypeMapContext): string {
  const generic = context.typeParams?.get(expr.text);
  if (generic !== undefined) return generic;
  // A TypeVar the signature is not generic in: its bound (or constraints) is what is known.
  const bound = expr.args[0];
  return bound === undefined ? "unknown" : mapType(bound, context);
}

function mapTypedDict(expr: TypeExpr, context: TypeMapContext): string {
  const fields = expr.literals.map((raw, index) => {
    const optional = raw.endsWith("?");
    const key = optional ? raw.slice(0, -1) : raw;
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return `${name}${optional ? "?" : ""}: ${mapType(expr.args[index], context)}`;
  });
  return fields.length ? `{ ${fields.join("; ")} }` : "Record<string, never>";
}

/** The TypeScript type parameter list for the TypeVars a signature's parameters use, e.g. "<T, AnyStr extends string | Uint8Array>". */
export function typeParameters(
  exprs: readonly (TypeExpr | undefined)[],
  context: TypeMapContext,
  keep: (tsName: string) => boolean = () => true,
): { names: Map<string, string>; declaration: string } {
  const found = new Map<string, TypeExpr>();
  const visit = (expr: TypeExpr | undefined): void => {
    if (expr === undefined) return;
    if (expr.name === "TypeVar" && expr.text && !found.has(expr.text)) found.set(expr.text, expr);
    expr.args.forEach(visit);
  };
  exprs.forEach(visit);
  const names = new Map<string, string>();
  const declarations: string[] = [];
  for (const [python, expr] of found) {
    const base = python.replace(/^_+/, "").replace(/[^\w$]/g, "") || "T";
    let name = base;
    for (let i = 2; [...names.values()].includes(name); i++) name = `${base}${i}`;
    if (!keep(name)) continue;
    names.set(python, name);
    const bound = expr.args[0] === undefined ? "unknown" : mapType(expr.args[0], { ...context, position: "parameter" });
    declarations.push(bound === "unknown" ? name : `${name} extends ${bound}`);
  }
  return { names, declaration: declarations.length ? `<${declarations.join(", ")}>` : "" };
}

function mapArg(expr: TypeExpr, index: number, context: TypeMapContext): string {
  return mapType(expr.args[index], context);
}

function arrayOf(element: string): string {
  // "T[]" and "Map<K, V>" take a suffix as they are; unions, tuples and readonly arrays need parentheses.
  return /^[\w.$]+(<[\w.$<>, ]*>)?(\[\])*$/.test(element) ? `${element}[]` : `(${element})[]`;
}

function readonlyArrayOf(element: string): string {
  return `readonly ${arrayOf(element)}`;
}

function mapTuple(expr: TypeExpr, context: TypeMapContext): string {
  const [first, second] = expr.args;
  if (first === undefined) return "readonly unknown[]";
  // tuple[int, ...] is a homogeneous tuple of any length.
  if (expr.args.length === 2 && second?.name === "...") return readonlyArrayOf(mapType(first, context));
  return `readonly [${expr.args.map((a) => mapType(a, context)).join(", ")}]`;
}

function mapDict(expr: TypeExpr, context: TypeMapContext): string {
  const [key, value] = expr.args;
  const valueType = mapType(value, context);
  // The bridge delivers str-keyed dicts as plain objects and every other dict as a Map.
  if (key === undefined || key.name === "str") return `Record<string, ${valueType}>`;
  return `Map<${mapType(key, context)}, ${valueType}>`;
}

/** What ArrayLike already accepts, so a union with it need not list them. */
const IN_ARRAY_LIKE = new Set([
  "NDArray",
  "number",
  "bigint",
  "boolean",
  "true",
  "false",
  "NestedArray",
  "readonly number[]",
  "number[]",
]);

/** Joins member types, flattening nested unions, dropping duplicates; unknown absorbs everything. */
function union(members: readonly string[]): string {
  let seen: string[] = [];
  for (const member of members) {
    if (member === "unknown") return "unknown";
    for (const part of splitTopLevelUnion(member)) if (!seen.includes(part)) seen.push(part);
  }
  if (seen.includes("true") && seen.includes("false"))
    seen = [...seen.filter((m) => m !== "true" && m !== "false"), "boolean"];
  if (seen.includes("boolean")) seen = seen.filter((m) => m !== "true" && m !== "false");
  if (seen.includes("ArrayLike")) seen = seen.filter((m) => m === "ArrayLike" || !IN_ARRAY_LIKE.has(m));
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
