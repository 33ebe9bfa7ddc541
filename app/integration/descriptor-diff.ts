// Compares two descriptors of one library: which callable signatures were added, removed or changed.
import type {
  FunctionDescriptor,
  LibraryDescriptor,
  SignatureDescriptor,
  TypeExpr,
} from "../../proto/generated/snakebridge/v1/describe.js";

export interface SignatureChange {
  path: string;
  before: string;
  after: string;
}

export interface DescriptorDiff {
  added: { path: string; signature: string }[];
  removed: { path: string; signature: string }[];
  changed: SignatureChange[];
}

function typeText(type: TypeExpr | undefined): string {
  if (!type) return "";
  return type.text || (type.args.length ? `${type.name}[${type.args.map(typeText).join(", ")}]` : type.name);
}

/**
 * A repr with what changes from one process to the next taken out: memory addresses ("<function f at
 * 0x7f3a…>" → "<function f>") and object ids ("id=140…"), so two introspections of the same code compare equal.
 */
export function normalizeRepr(repr: string): string {
  return repr
    .replace(/ at 0x[0-9a-fA-F]+/g, "")
    .replace(/\b(id[=:]\s*)\d{6,}/g, "$1…")
    .replace(/\b0x[0-9a-fA-F]{8,}\b/g, "0x…");
}

/** A signature as comparable text: parameters with kinds, types and (normalized) defaults, and the return type. */
export function signatureText(signature: SignatureDescriptor | undefined): string {
  if (!signature) return "(*args, **kwargs)";
  const params = signature.parameters.map((p) => {
    const type = typeText(p.type);
    return `${p.name}${type && type !== "unknown" ? `: ${type}` : ""}${p.hasDefault ? ` = ${normalizeRepr(p.defaultRepr)}` : ""} [kind ${p.kind}]`;
  });
  const returns = typeText(signature.returns);
  return `(${params.join(", ")})${returns && returns !== "unknown" ? ` -> ${returns}` : ""}`;
}

/** Every callable of a descriptor by dotted path (functions, constructors as `Class.__init__`, methods). */
export function callablesByPath(library: LibraryDescriptor): Map<string, FunctionDescriptor> {
  const found = new Map<string, FunctionDescriptor>();
  const add = (path: string, fn: FunctionDescriptor): void => {
    const seen = found.get(path);
    // Re-exported references have no signatures; the full description wins.
    if (!seen || (!seen.signatures.length && fn.signatures.length)) found.set(path, fn);
  };
  for (const module of library.modules) {
    for (const fn of module.functions) add(fn.path || `${module.name}.${fn.name}`, fn);
    for (const cls of module.classes) {
      const path = cls.path || `${module.name}.${cls.name}`;
      if (cls.init) add(`${path}.__init__`, cls.init);
      for (const m of cls.methods) add(`${path}.${m.name}`, m);
    }
  }
  return found;
}

/** What changed from `before` to `after`; displayed signatures are the Python text, compared ones include types. */
export function diffDescriptors(before: LibraryDescriptor, after: LibraryDescriptor): DescriptorDiff {
  const old = callablesByPath(before);
  const now = callablesByPath(after);
  const diff: DescriptorDiff = { added: [], removed: [], changed: [] };
  const shown = (fn: FunctionDescriptor): string => normalizeRepr(fn.signatures[0]?.text ?? "(*args, **kwargs)");
  for (const [path, fn] of now) {
    const previous = old.get(path);
    if (!previous) diff.added.push({ path, signature: shown(fn) });
    else if (signatureText(previous.signatures[0]) !== signatureText(fn.signatures[0])) {
      diff.changed.push({ path, before: shown(previous), after: shown(fn) });
    }
  }
  for (const [path, fn] of old) if (!now.has(path)) diff.removed.push({ path, signature: shown(fn) });
  for (const list of [diff.added, diff.removed, diff.changed]) list.sort((a, b) => a.path.localeCompare(b.path));
  return diff;
}

/** True when nothing was added, removed or changed. */
export function isEmptyDiff(diff: DescriptorDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
