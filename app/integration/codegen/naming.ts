// Python names → TypeScript identifiers: camelCase on request, reserved words escaped, collisions avoided.
import type { NamingStyle } from "../manifest/types.js";

const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "as",
  "implements",
  "interface",
  "let",
  "package",
  "private",
  "protected",
  "public",
  "static",
  "yield",
  "await",
  "arguments",
  "eval",
  "constructor",
  "prototype",
]);

/** `sort_keys` → `sortKeys` (leading and trailing underscores kept: `_private`, `from_`). */
export function camelCase(name: string): string {
  const lead = /^_*/.exec(name)![0];
  const trail = /_*$/.exec(name.slice(lead.length))![0];
  const core = name.slice(lead.length, name.length - trail.length);
  return lead + core.replace(/_+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase()) + trail;
}

/** A safe TypeScript identifier for a Python name under the chosen style. */
export function tsIdentifier(pythonName: string, style: NamingStyle): string {
  const base = style === "camel" ? camelCase(pythonName) : pythonName;
  const cleaned = base.replace(/[^A-Za-z0-9_$]/g, "_");
  const safe = /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
  return RESERVED.has(safe) ? `${safe}_` : safe;
}

/** Returns `name`, or `name_`, `name__`, ... — the first not in `taken`; records the choice. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  while (taken.has(candidate)) candidate += "_";
  taken.add(candidate);
  return candidate;
}

/** The identifier a Python module gets in index.ts (`numpy.linalg` → `numpy_linalg`). */
export function moduleIdentifier(module: string): string {
  return tsIdentifier(module.replace(/\./g, "_"), "preserve");
}
