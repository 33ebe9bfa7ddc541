// The manifest as TypeScript sees it once it passed schema validation (manifest.schema.json is the source of truth).

export type SessionMode = "per_call" | "stateful";
export type ArrayMode = "binary" | "json";
export type NamingStyle = "camel" | "preserve";

export interface CallSettingsSpec {
  timeout_ms?: number;
  session?: SessionMode;
  arrays?: ArrayMode;
  cache_ttl_s?: number;
}

export type ClassEntrypoint = string | { name: string; methods?: string[] };

export interface EntrypointsSpec {
  functions?: string[];
  classes?: ClassEntrypoint[];
  include?: string[];
  exclude?: string[];
}

export interface IntegrationSpec extends CallSettingsSpec {
  package: string;
  module?: string;
  version?: string;
  depth?: number;
  entrypoints: EntrypointsSpec;
  names?: Record<string, string>;
  /** entrypoint → parameter → value bound at call time; strings may be `${env:NAME}` (resolved in the host). */
  bind?: Record<string, Record<string, string | number | boolean | null>>;
  /** A private virtualenv for this integration (`snakebridge env sync`), served by a pool of its own. */
  environment?: { python?: string; requirements?: string[]; limits?: EnvironmentLimitsSpec };
}

/** Per-worker resource limits of an integration's pool, as written in the manifest. */
export interface EnvironmentLimitsSpec {
  memory_mb?: number;
  cpus?: number;
  mechanism?: "auto" | "cgroup" | "watchdog";
}

export interface CodegenSpec {
  namespace?: string;
  out_dir?: string;
  runtime_import?: string;
  naming?: NamingStyle;
}

export interface ManifestSpec {
  $schema?: string;
  version: 1;
  codegen?: CodegenSpec;
  defaults?: CallSettingsSpec;
  integrations: IntegrationSpec[];
}

/** A path into the manifest document, e.g. ["integrations", 0, "entrypoints", "functions", 1]. */
export type ManifestPath = readonly (string | number)[];

/** Renders a manifest path the way users read it: integrations[0].entrypoints.functions[1]. */
export function formatManifestPath(path: ManifestPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(document)";
}
