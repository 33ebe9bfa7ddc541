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

/** Parses and validates manifest text; `file` is only used in messages. */
export function parseManifest(text: string, file: string): LoadedManifest {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const linePos = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const positionOf = (path: ManifestPath, at: "key" | "value" = "value"): { line: number; column: number } =>
    linePos(offsetOf(document, path, at));
  const problemAt = (path: ManifestPath, message: string, at: "key" | "value" = "value"): ManifestProblem => ({
    file, ...positionOf(path, at), path, message,
  });

  if (document.errors.length > 0) {
    throw new ManifestError(document.errors.map((e) => ({
      file, ...linePos(e.pos[0]), path: [], message: `${file.endsWith(".json") ? "JSON" : "YAML"} syntax: ${e.message.split("\n")[0]}`,
    })));
  }
  const value: unknown = document.toJS();
  const validate = compiledSchema();
  if (!validate(value)) {
    throw new ManifestError(schemaProblems(validate.errors ?? []).map((p) => problemAt(p.path, p.message, p.at)));
  }
  return { file, text, spec: value as ManifestSpec, positionOf, problemAt };
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
  return pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
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
  const relevant = errors.filter((e) => e.keyword === "oneOf" || !oneOfPaths.some((p) => e.instancePath.startsWith(p) && e.schemaPath.includes("/oneOf/")));
  const problems: SchemaProblem[] = [];
  for (const error of relevant) {
    const path = pointerToPath(error.instancePath);
    const params = error.params as Record<string, unknown>;
    const parentProperties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    let problem: SchemaProblem;
    switch (error.keyword) {
      case "required": {
        const missing = String(params.missingProperty);
        problem = { path, at: "value", message: `missing required key "${missing}"${schemaDescription(parentProperties[missing])}` };
        break;
      }
      case "additionalProperties": {
        const extra = String(params.additionalProperty);
        const known = Object.keys(parentProperties);
        problem = {
          path: [...path, extra], at: "key",
          message: `unknown key "${extra}"; expected ${known.length ? `one of: ${known.join(", ")}` : "none here"}`,
        };
        break;
      }
      case "enum":
        problem = { path, at: "value", message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(error.data)}` };
        break;
      case "const":
        problem = { path, at: "value", message: `expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(error.data)}${schemaDescription(error.parentSchema)}` };
        break;
      case "type":
        problem = { path, at: "value", message: `expected ${String(params.type)}, got ${describeValue(error.data)}${schemaDescription(error.parentSchema)}` };
        break;
      case "pattern":
        problem = { path, at: "value", message: `${describeValue(error.data)} is not valid here${schemaDescription(error.parentSchema)}` };
        break;
      case "oneOf":
        problem = { path, at: "value", message: `${describeValue(error.data)} matches none of the allowed forms${schemaDescription(error.parentSchema)}` };
        break;
      default:
        problem = { path, at: "value", message: `${error.message ?? "is invalid"}${schemaDescription(error.parentSchema)}` };
    }
    if (!problems.some((p) => p.message === problem.message && p.path.join("/") === problem.path.join("/"))) problems.push(problem);
  }
  return problems;
}
