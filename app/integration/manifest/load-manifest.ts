// Reads a manifest (YAML or JSON), validates it against manifest.schema.json, and keeps source positions for errors.
import { readFile } from "node:fs/promises";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document } from "yaml";
import { ManifestError, type ManifestProblem } from "./manifest-error.js";
import type { ManifestPath, ManifestSpec } from "./types.js";

import schemaJson from "../manifest.schema.json" with { type: "json" };

/** The manifest JSON Schema (also served to the Monaco editor). */
export const manifestSchema: Record<string, unknown> = schemaJson;

/** A validated manifest plus what is needed to point at its source. */
export interface LoadedManifest {
  file: string;
  text: string;
  spec: ManifestSpec;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  positionOf(path: ManifestPath, at?: "key" | "value"): { line: number; column: number };
  /** A located problem at `path`. */
  problemAt(path: ManifestPath, message: string, at?: "key" | "value"): ManifestProblem;
}

let validator: ValidateFunction | undefined;

function compiledSchema(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(manifestSchema);
  return validator;
}

/** Reads and validates a manifest file; throws ManifestError listing every problem with its position. */
export async function loadManifest(file: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`Cannot read manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseManifest(text, file);
}

/** Deeper nesting than this is refused before parsing: a real manifest nests about 6 levels, and the YAML parser recurses. */
export const MAX_MANIFEST_DEPTH = 64;

/** Parses and validates manifest text; `file` is only used in messages. A `.json` file must be strict JSON. */
export function parseManifest(text: string, file: string): LoadedManifest {
  const lineCounter = new LineCounter();
  const isJson = file.toLowerCase().endsWith(".json");
  const tooDeep = nestingBeyond(text, MAX_MANIFEST_DEPTH);
  if (tooDeep >= 0) {
    const { line, column } = positionIn(text, tooDeep);
    throw new ManifestError([
      {
        file,
        line,
        column,
        path: [],
        message: `nested more than ${MAX_MANIFEST_DEPTH} levels deep here; a manifest needs about 6. Check for a runaway list or mapping`,
      },
    ]);
  }
  if (isJson) strictJson(text, file);
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const linePos = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const positionOf = (path: ManifestPath, at: "key" | "value" = "value"): { line: number; column: number } =>
    linePos(offsetOf(document, path, at));
  const problemAt = (path: ManifestPath, message: string, at: "key" | "value" = "value"): ManifestProblem => ({
    file,
    ...positionOf(path, at),
    path,
    message,
  });

  if (document.errors.length > 0) {
    throw new ManifestError(
      document.errors.map((e) => ({
        file,
        ...linePos(e.pos[0]),
        path: [],
        message: `${file.endsWith(".json") ? "JSON" : "YAML"} syntax: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const value: unknown = document.toJS();
  const validate = compiledSchema();
  if (!validate(value)) {
    throw new ManifestError(schemaProblems(validate.errors ?? []).map((p) => problemAt(p.path, p.message, p.at)));
  }
  return { file, text, spec: value as ManifestSpec, positionOf, problemAt };
}

/** 1-based line and column of a character offset. */
function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Offset where nesting first exceeds `limit`, or -1. Counts flow brackets outside quotes plus block
 * levels (each deeper indentation, each "- " sequence marker), without parsing: a 5,000-deep
 * document must be refused before the recursive YAML parser sees it.
 */
export function nestingBeyond(text: string, limit: number): number {
  let flow = 0;
  let quote = "";
  const indents: number[] = [];
  let lineStart = true;
  let column = 0;
  let blockDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      lineStart = true;
      column = 0;
      if (quote === "'" || quote === '"') continue; // multi-line flow scalars stay quoted
      continue;
    }
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (lineStart) {
      if (c === " ") {
        column++;
        continue;
      }
      lineStart = false;
      if (c === "#") {
        const end = text.indexOf("\n", i);
        i = end === -1 ? text.length : end - 1;
        continue;
      }
      if (flow === 0) {
        while (indents.length && indents[indents.length - 1]! >= column) indents.pop();
        indents.push(column);
        blockDepth = indents.length;
      }
    }
    if (c === "#" && (text[i - 1] === " " || text[i - 1] === "\t")) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end - 1;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "{") flow++;
    else if (c === "]" || c === "}") flow = Math.max(0, flow - 1);
    else if (
      c === "-" &&
      flow === 0 &&
      (text[i + 1] === " " || text[i + 1] === "\n") &&
      /^[ -]*$/.test(text.slice(text.lastIndexOf("\n", i) + 1, i))
    )
      blockDepth++;
    if (flow + blockDepth > limit) return i;
  }
  return -1;
}

/** Throws a positioned ManifestError unless `text` is strict JSON (no trailing commas, comments or YAML). */
function strictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
    const position = lineColumn
      ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
      : positionIn(text, at ? Number(at[1]) : (trailingCommaOffset(text) ?? 0));
    // V8 quotes the text around the error in its message; the position says where, so keep only what went wrong.
    const token = /^Unexpected token '(.+?)'/.exec(message);
    const detail = token
      ? `unexpected "${token[1]}"`
      : (message.split(/[,\n]/)[0] ?? message)
          .replace(/\s*\(line \d+ column \d+\)/, "")
          .replace(/ in JSON at position \d+/, "");
    throw new ManifestError([
      {
        file,
        ...position,
        path: [],
        message: `JSON syntax: ${detail}. A .json manifest must be strict JSON (no trailing commas or comments); use .yaml for YAML`,
      },
    ]);
  }
}

/** Offset of the first comma followed only by whitespace and a closing bracket (outside strings), if any. */
function trailingCommaOffset(text: string): number | undefined {
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "," && /^\s*[\]}]/.test(text.slice(i + 1, i + 200))) return i;
  }
  return undefined;
}

/** Source offset of the node at `path`; walks up to the nearest parent that exists. */
function offsetOf(document: Document, path: ManifestPath, at: "key" | "value"): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    if (at === "key" && depth === path.length && depth > 0) {
      const parent = document.getIn(prefix.slice(0, -1), true);
      const last = prefix[prefix.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
    }
    const node: unknown = prefix.length === 0 ? document.contents : document.getIn(prefix, true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

interface SchemaProblem {
  path: (string | number)[];
  message: string;
  at: "key" | "value";
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

function schemaDescription(schema: unknown): string {
  const description = (schema as { description?: unknown } | undefined)?.description;
  return typeof description === "string" ? ` (${description})` : "";
}

/** Turns ajv errors into user-facing messages; one per location, the most specific first. */
function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  // A failed oneOf also reports every branch's failure; keep only the summary.
  const oneOfPaths = errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath);
  const relevant = errors.filter(
    (e) =>
      e.keyword === "oneOf" ||
      !oneOfPaths.some((p) => e.instancePath.startsWith(p) && e.schemaPath.includes("/oneOf/")),
  );
  const problems: SchemaProblem[] = [];
  for (const error of relevant) {
    const path = pointerToPath(error.instancePath);
    const params = error.params as Record<string, unknown>;
    const parentProperties =
      (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    let problem: SchemaProblem;
    switch (error.keyword) {
      case "required": {
        const missing = String(params.missingProperty);
        problem = {
          path,
          at: "value",
          message: `missing required key "${missing}"${schemaDescription(parentProperties[missing])}`,
        };
        break;
      }
      case "additionalProperties": {
        const extra = String(params.additionalProperty);
        const known = Object.keys(parentProperties);
        problem = {
          path: [...path, extra],
          at: "key",
          message: `unknown key "${extra}"; expected ${known.length ? `one of: ${known.join(", ")}` : "none here"}`,
        };
        break;
      }
      case "enum":
        problem = {
          path,
          at: "value",
          message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(error.data)}`,
        };
        break;
      case "const":
        problem = {
          path,
          at: "value",
          message: `expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(error.data)}${schemaDescription(error.parentSchema)}`,
        };
        break;
      case "type":
        problem = {
          path,
          at: "value",
          message: `expected ${String(params.type)}, got ${describeValue(error.data)}${schemaDescription(error.parentSchema)}`,
        };
        break;
      case "pattern":
        problem = {
          path,
          at: "value",
          message: `${describeValue(error.data)} is not valid here${schemaDescription(error.parentSchema)}`,
        };
        break;
      case "oneOf":
        problem = {
          path,
          at: "value",
          message: `${describeValue(error.data)} matches none of the allowed forms${schemaDescription(error.parentSchema)}`,
        };
        break;
      default:
        problem = {
          path,
          at: "value",
          message: `${error.message ?? "is invalid"}${schemaDescription(error.parentSchema)}`,
        };
    }
    if (!problems.some((p) => p.message === problem.message && p.path.join("/") === problem.path.join("/")))
      problems.push(problem);
  }
  return problems;
}
