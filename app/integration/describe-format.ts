// A described library as a readable tree: modules → classes and functions with signatures and docstring summaries.
import type { FunctionDescriptor, LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import { summary } from "./codegen/jsdoc.js";

const MAX_SIGNATURE = 90;
const MAX_DOC = 70;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `(start, stop, num=50, ...)` when the full signature is too long to read on one line. */
function compactSignature(text: string): string {
  if (text.length <= MAX_SIGNATURE) return text;
  const close = text.lastIndexOf(")");
  const inner = text.slice(1, close);
  const tail = text.slice(close + 1);
  const kept: string[] = [];
  let length = 0;
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if ((c === "," && depth === 0) || i === inner.length) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  for (const part of parts) {
    if (length + part.length > MAX_SIGNATURE - 20) break;
    kept.push(part);
    length += part.length + 2;
  }
  return `(${[...kept, "..."].join(", ")})${shorten(tail, 30)}`;
}

function callableLine(name: string, fn: FunctionDescriptor): string {
  const signature = fn.signatures[0];
  const text = signature ? compactSignature(signature.text) : "(...)  [no signature recovered]";
  const doc = summary(fn.doc);
  return `${name}${text}${doc ? `  — ${shorten(doc, MAX_DOC)}` : ""}`;
}

/** The library as indented text, one line per module, class, function and method. */
export function formatLibraryTree(library: LibraryDescriptor): string {
  const lines: string[] = [];
  const version = library.version ? ` ${library.version}` : " (standard library)";
  lines.push(`${library.name}${version} — Python ${library.pythonVersion} (${library.pythonExecutable})`);
  for (const module of library.modules) {
    const doc = summary(module.doc);
    lines.push("");
    lines.push(`module ${module.name}${doc ? `  — ${shorten(doc, MAX_DOC)}` : ""}`);
    for (const cls of module.classes) {
      const ctor = cls.init?.signatures[0]?.text ?? "(...)";
      const doc = summary(cls.doc);
      lines.push(`  class ${cls.name}${compactSignature(ctor)}${doc ? `  — ${shorten(doc, MAX_DOC)}` : ""}`);
      for (const method of cls.methods) lines.push(`    .${callableLine(method.name, method)}`);
    }
    for (const fn of module.functions) lines.push(`  ${callableLine(`${module.name}.${fn.name}`, fn)}`);
    for (const constant of module.constants)
      lines.push(`  ${module.name}.${constant.name} = ${shorten(constant.repr, 50)}`);
    if (module.submodules.length) lines.push(`  submodules: ${module.submodules.join(", ")}`);
  }
  for (const warning of library.warnings) lines.push(`warning: ${warning}`);
  return lines.join("\n");
}
