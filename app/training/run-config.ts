// Loading a run config file (YAML or JSON) and checking it against run-config.schema.json,
// the same schema the UI's editor uses. The Python worker re-validates and fills defaults.

import { readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, resolve } from "node:path";

import { Ajv, type ErrorObject } from "ajv";
import { parse as parseYaml } from "yaml";

import { isRecord } from "./events.js";
import runConfigSchema from "./run-config.schema.json" with { type: "json" };

/** A run config as written by a user; every field but dataset is optional (see the schema). */
export interface RunConfig {
  name?: string | null;
  model?: string | { tiny: Record<string, number> | null };
  dataset: string | { path: string; eval_split?: number; eval_path?: string | null };
  lora?: { r?: number; alpha?: number; dropout?: number; target_modules?: string | string[] } | null;
  max_steps?: number | null;
  epochs?: number | null;
  learning_rate?: number;
  lr_scheduler?: string;
  warmup_steps?: number;
  weight_decay?: number;
  max_grad_norm?: number;
  batch_size?: number;
  grad_accumulation?: number;
  seq_len?: number;
  log_every?: number;
  eval_every?: number;
  save_every?: number;
  output_dir?: string | null;
  seed?: number;
  device?: "auto" | "cpu" | "cuda";
  backend?: "auto" | "unsloth" | "transformers+peft";
  resume_from?: string | null;
  fault_injection?: { oom_at_step?: number | null } | null;
}

export interface RunConfigIssue {
  /** Where in the config: "lora.r", "dataset", "(root)". */
  path: string;
  message: string;
}

/** A config that could not be read or does not match the schema; lists every issue. */
export class RunConfigError extends Error {
  override readonly name = "RunConfigError";
  constructor(
    readonly source: string,
    readonly issues: RunConfigIssue[],
  ) {
    super(`${source}: invalid run config:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n")}`);
  }
}

/** The run config JSON Schema (for editors and other validators). */
export const RUN_CONFIG_SCHEMA: Record<string, unknown> = runConfigSchema;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<RunConfig>(runConfigSchema);

/** Validates a parsed config; source names it in errors (a file path or "run config"). */
export function validateRunConfig(value: unknown, source = "run config"): RunConfig {
  if (validate(value)) return value;
  throw new RunConfigError(source, describeErrors(validate.errors ?? []));
}

/** Reads a .yaml/.yml/.json run config, validates it, and makes its relative paths absolute (relative to the file). */
export function loadRunConfig(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RunConfigError(file, [
      { path: "(file)", message: `cannot be read (${(error as Error).message}); check the path` },
    ]);
  }
  const config = validateRunConfig(parseConfigText(text, file), file);
  return resolvePaths(config, dirname(resolve(file)));
}

function parseConfigText(text: string, file: string): unknown {
  try {
    return extname(file).toLowerCase() === ".json" ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw new RunConfigError(file, [
      { path: "(file)", message: `is not valid ${extname(file).slice(1) || "YAML"}: ${(error as Error).message}` },
    ]);
  }
}

function resolvePaths(config: RunConfig, base: string): RunConfig {
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(base, path));
  const dataset =
    typeof config.dataset === "string"
      ? absolute(config.dataset)
      : {
          ...config.dataset,
          path: absolute(config.dataset.path),
          ...(config.dataset.eval_path ? { eval_path: absolute(config.dataset.eval_path) } : {}),
        };
  const model = typeof config.model === "string" && isLocalPath(config.model) ? absolute(config.model) : config.model;
  return {
    ...config,
    dataset,
    ...(model === undefined ? {} : { model }),
    ...(config.output_dir ? { output_dir: absolute(config.output_dir) } : {}),
    ...(config.resume_from ? { resume_from: absolute(config.resume_from) } : {}),
  };
}

// "org/name" is a Hugging Face id; only explicit relative paths are local folders.
function isLocalPath(model: string): boolean {
  return model.startsWith("./") || model.startsWith("../");
}

function describeErrors(errors: ErrorObject[]): RunConfigIssue[] {
  // A oneOf failure reports every branch; keep the most specific messages (deepest paths first),
  // and drop the generic "must match exactly one schema" when a branch explained itself.
  const issues = new Map<string, RunConfigIssue>();
  for (const error of errors) {
    const path = issuePath(error);
    const message = issueMessage(error);
    issues.set(`${path}\u0000${message}`, { path, message });
  }
  const list = [...issues.values()];
  const explained = list.filter((issue) => !issue.message.startsWith("must match exactly one"));
  return (explained.length > 0 ? explained : list).sort((a, b) => a.path.localeCompare(b.path));
}

function issuePath(error: ErrorObject): string {
  const parts = error.instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (error.keyword === "additionalProperties" && isRecord(error.params))
    parts.push(String(error.params["additionalProperty"]));
  if (error.keyword === "required" && isRecord(error.params)) parts.push(String(error.params["missingProperty"]));
  return parts.length > 0 ? parts.join(".") : "(root)";
}

function issueMessage(error: ErrorObject): string {
  const params: Record<string, unknown> = isRecord(error.params) ? error.params : {};
  switch (error.keyword) {
    case "additionalProperties":
      return "is not a known field; check its spelling against run-config.schema.json";
    case "required":
      return "is required";
    case "enum":
      return `must be one of ${(Array.isArray(params["allowedValues"]) ? params["allowedValues"] : []).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return error.message ?? `fails the ${error.keyword} rule`;
  }
}
