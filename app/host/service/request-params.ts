// Checks request params at the transport boundary: the wire carries `unknown`, handlers get typed params.
// The schemas are generated from WorkbenchRequests (scripts/generate-request-schemas.mjs), so the TypeScript
// declaration in app/api is the one definition of what each request takes.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

import type { RequestName } from "../../api/workbench-api.js";
import { RequestError } from "./api-errors.js";
import generated from "./request-params.schema.json" with { type: "json" };

interface ParamSchema {
  properties: Record<string, { type?: string; enum?: string[] }>;
  required: string[];
}

const SCHEMAS: Readonly<Record<string, ParamSchema>> = generated.requests;
const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<RequestName, ValidateFunction>();

/** True when `method` names a request of the Workbench API. */
export function isRequestName(method: unknown): method is RequestName {
  return typeof method === "string" && Object.hasOwn(SCHEMAS, method);
}

/** Throws a bad_request RequestError naming the first field that does not match the request's declared params. */
export function checkParams(method: RequestName, params: unknown): void {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new RequestError("bad_request", `${method}: params must be an object`);
  }
  const schema = SCHEMAS[method];
  if (schema === undefined) throw new RequestError("bad_request", `unknown request "${method}"`);
  let validate = validators.get(method);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    validators.set(method, validate);
  }
  const [error] = validate(params) ? [] : (validate.errors ?? []);
  if (error !== undefined) throw new RequestError("bad_request", `${method}: ${describe(error, schema, params)}`);
}

function describe(error: ErrorObject, schema: ParamSchema, params: object): string {
  if (error.keyword === "required") {
    const name = String(error.params["missingProperty"]);
    return `missing "${name}" (${expected(schema, name)})`;
  }
  const name = error.instancePath.slice(1);
  const value: unknown = Object.entries(params).find(([key]) => key === name)?.[1];
  const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const shown = typeof value === "string" ? JSON.stringify(value) : actual;
  return `"${name}" must be ${expected(schema, name)}, got ${shown}`;
}

function expected(schema: ParamSchema, name: string): string {
  const property = schema.properties[name];
  if (property?.enum !== undefined) return `one of ${property.enum.join(", ")}`;
  return property?.type === "array" || property?.type === "object" ? `an ${property.type}` : `a ${property?.type}`;
}
