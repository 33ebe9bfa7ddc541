// Checks request params at the transport boundary: the wire carries `unknown`, handlers get typed params.
import type { RequestName } from "../../api/workbench-api.js";
import { RequestError } from "./api-errors.js";

type FieldKind = "string" | "number" | "boolean" | "object";
/** A field spec: its kind, and "?" when optional. */
type FieldSpec = FieldKind | `${FieldKind}?`;

const NONE = {} as const;

/** The fields each request takes; anything else is ignored. */
export const REQUEST_FIELDS: { [K in RequestName]: Readonly<Record<string, FieldSpec>> } = {
  "host.status": NONE,
  "libraries.describe": { module: "string", depth: "number?", includePrivate: "boolean?", refresh: "boolean?" },
  "libraries.cached": NONE,
  "workspace.list": NONE,
  "workspace.read": { path: "string" },
  "workspace.write": { path: "string", text: "string" },
  "manifests.schema": NONE,
  "manifests.validate": { text: "string", path: "string?" },
  "manifests.completions": { prefix: "string", limit: "number?", module: "string?", className: "string?" },
  "manifests.generate": { text: "string", path: "string?", write: "boolean" },
  "manifests.diff": { text: "string", path: "string?" },
  "notebooks.open": { path: "string" },
  "notebooks.save": { path: "string", notebook: "object" },
  "notebooks.run": { notebookId: "string", cellId: "string", language: "string", source: "string" },
  "notebooks.interrupt": { notebookId: "string" },
  "notebooks.restart": { notebookId: "string" },
  "notebooks.variables": { notebookId: "string" },
  "notebooks.inspect": { notebookId: "string", language: "string", name: "string" },
  "notebooks.complete": { notebookId: "string", code: "string", cursor: "number" },
  "notebooks.hover": { notebookId: "string", code: "string", cursor: "number" },
  "console.eval": { session: "string", code: "string" },
  "console.interrupt": { session: "string" },
  "console.isComplete": { code: "string" },
  "console.complete": { session: "string", code: "string", cursor: "number" },
  "workers.list": NONE,
  "workers.restart": { workerId: "string" },
  "workers.kill": { workerId: "string" },
  "workers.log": { workerId: "string" },
  "workers.tools": NONE,
  "training.schema": NONE,
  "training.start": { configText: "string", name: "string?", configPath: "string?" },
  "training.resume": { runId: "string", checkpoint: "string?" },
  "training.export": { runId: "string", kind: "string", checkpoint: "string?" },
  "training.preview": { path: "string", limit: "number?" },
  "training.environment": NONE,
  "training.install": NONE,
  "training.memorySnapshot": { runId: "string", steps: "number" },
  "training.generate": { runId: "string", prompt: "string", maxNewTokens: "number?" },
  "training.stop": { runId: "string" },
  "training.runs": NONE,
  "training.run": { runId: "string" },
};

/** True when `method` names a request of the Workbench API. */
export function isRequestName(method: unknown): method is RequestName {
  return typeof method === "string" && Object.hasOwn(REQUEST_FIELDS, method);
}

/** Throws a bad_request RequestError naming the first field that does not match the request's spec. */
export function checkParams(method: RequestName, params: unknown): void {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new RequestError("bad_request", `${method}: params must be an object`);
  }
  const record = params as Record<string, unknown>;
  for (const [name, spec] of Object.entries(REQUEST_FIELDS[method])) {
    const optional = spec.endsWith("?");
    const kind = (optional ? spec.slice(0, -1) : spec) as FieldKind;
    const value = record[name];
    if (value === undefined) {
      if (optional) continue;
      throw new RequestError("bad_request", `${method}: missing "${name}" (${kind})`);
    }
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    if (actual !== kind) throw new RequestError("bad_request", `${method}: "${name}" must be a ${kind}, got ${actual}`);
  }
}
