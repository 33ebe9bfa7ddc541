// One virtualenv per distinct integration environment (manifest `environment:`), built by `snakebridge env sync`,
// and one worker pool per environment, so two integrations can pin conflicting versions of one package.
//
// The worker's own requirements (grpcio, protobuf, numpy, ...) are not downloaded again: each environment links
// the workbench interpreter's site-packages through a .pth file, after its own site-packages, so the packages
// an environment installs shadow the shared ones while the worker runtime stays the exact build the host's
// generated protos were made for. A requirement that conflicts with the worker's own is therefore refused.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { PythonBridge, workerPackageRoot, type BridgeOptions, type ResourceLimits } from "../../bridge/index.js";
import type { LoadedManifest } from "../manifest/load-manifest.js";
import type { EnvironmentLimitsSpec } from "../manifest/types.js";
import { integrationModule } from "../manifest/resolve-entrypoints.js";
import { satisfies } from "../manifest/version-constraint.js";

/** One distinct environment and the integrations that use it. */
export interface PlannedEnvironment {
  /** sha256 of the spec and the base interpreter, shortened: the folder name. */
  key: string;
  dir: string;
  /** The environment's interpreter (exists once synced). */
  python: string;
  spec: { python: string; requirements: string[] };
  integrations: { manifest: string; module: string }[];
  /** Per-worker resource limits of this environment's pool (not part of the key: limits do not change the venv). */
  limits?: ResourceLimits;
}

/** A requirement that cannot go into an environment, with what to do. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

/** Where environments live: $SNAKEBRIDGE_ENVS_DIR, else ~/.snakebridge/envs. */
export function environmentsRoot(): string {
  return process.env.SNAKEBRIDGE_ENVS_DIR || join(homedir(), ".snakebridge", "envs");
}

const MARKER = "snakebridge-env.json";

function venvPython(dir: string): string {
  return process.platform === "win32" ? join(dir, "Scripts", "python.exe") : join(dir, "bin", "python");
}

/** Every distinct environment the manifests declare (integrations without one use the workbench's interpreter). */
export function environmentsOf(
  manifests: readonly LoadedManifest[],
  baseInterpreter: string,
  root = environmentsRoot(),
): PlannedEnvironment[] {
  const byKey = new Map<string, PlannedEnvironment>();
  for (const loaded of manifests) {
    for (const spec of loaded.spec.integrations) {
      if (spec.environment === undefined) continue;
      const normalized = {
        python: spec.environment.python ?? "",
        requirements: [...new Set(spec.environment.requirements ?? [])].sort(),
      };
      const key = createHash("sha256")
        .update(JSON.stringify([normalized, baseInterpreter]))
        .digest("hex")
        .slice(0, 16);
      let env = byKey.get(key);
      if (env === undefined) {
        const dir = join(root, key);
        env = { key, dir, python: venvPython(dir), spec: normalized, integrations: [] };
        byKey.set(key, env);
      }
      env.integrations.push({ manifest: loaded.file, module: integrationModule(spec) });
      const limits = limitsOf(spec.environment.limits);
      if (limits !== undefined) {
        if (env.limits !== undefined && JSON.stringify(env.limits) !== JSON.stringify(limits)) {
          throw new EnvironmentError(
            `${integrationModule(spec)} (${loaded.file}) shares its environment with ${env.integrations[0]!.module} but sets other limits; ` +
              "one pool serves both, so give them the same environment.limits (or different requirements).",
          );
        }
        env.limits = limits;
      }
    }
  }
  return [...byKey.values()];
}

/** A manifest's environment.limits as the pool takes them. */
function limitsOf(spec: EnvironmentLimitsSpec | undefined): ResourceLimits | undefined {
  if (spec === undefined) return undefined;
  return {
    ...(spec.memory_mb !== undefined ? { memoryBytes: spec.memory_mb * 2 ** 20 } : {}),
    ...(spec.cpus !== undefined ? { cpus: spec.cpus } : {}),
    ...(spec.mechanism !== undefined ? { mechanism: spec.mechanism } : {}),
  };
}

/** The options an environment's pool starts with: its interpreter, and its limits over the host's defaults. */
export function bridgeOptionsFor(env: PlannedEnvironment, options: BridgeOptions): BridgeOptions {
  const limits = env.limits ?? options.pool?.limits;
  return { ...options, python: env.python, pool: { ...options.pool, ...(limits !== undefined ? { limits } : {}) } };
}

/** The environment an integration's target runs in (by its module), or undefined for the default pool. */
export function environmentFor(
  environments: readonly PlannedEnvironment[],
  target: string,
): PlannedEnvironment | undefined {
  return environments.find((env) =>
    env.integrations.some((i) => target === i.module || target.startsWith(`${i.module}.`)),
  );
}

/** True once `env sync` has built this environment. */
export async function isSynced(env: PlannedEnvironment): Promise<boolean> {
  try {
    return (
      (JSON.parse(await readFile(join(env.dir, MARKER), "utf8")) as { key?: string }).key === env.key &&
      existsSync(env.python)
    );
  } catch {
    return false;
  }
}

interface RunResult {
  code: number;
  output: string;
}

/** Runs a command, streaming its output lines to `onLine`; never throws for a non-zero exit. */
function run(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(signal ? { signal } : {}),
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PYTHONNOUSERSITE: "1" },
    });
    let output = "";
    let partial = "";
    const take = (chunk: Buffer): void => {
      const text = partial + chunk.toString("utf8");
      output += chunk.toString("utf8");
      const lines = text.split(/\r?\n/);
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onLine(line.trim());
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function pythonJson<T>(python: string, code: string): Promise<T> {
  const result = await run(python, ["-c", code], () => undefined);
  if (result.code !== 0)
    throw new EnvironmentError(`${python} failed: ${result.output.trim().split("\n").slice(-3).join(" ")}`);
  return JSON.parse(result.output.trim().split("\n").pop() ?? "null") as T;
}

/** `name` as pip compares names. */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The worker's own requirements (python/requirements.txt): name → constraint. */
export async function workerRequirements(): Promise<Map<string, string>> {
  const text = await readFile(join(workerPackageRoot, "requirements.txt"), "utf8");
  const found = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;]*)/.exec(line);
    if (match) found.set(canonicalName(match[1]!), match[3]!.trim());
  }
  return found;
}

/**
 * The requirements to install: those naming a worker package are checked against the version the worker
 * runs with (refused when they exclude it, dropped when it satisfies them); the rest go to pip as written.
 */
export async function installableRequirements(
  requirements: readonly string[],
  baseInterpreter: string,
): Promise<string[]> {
  const worker = await workerRequirements();
  const names = [...worker.keys()];
  const installed = await pythonJson<Record<string, string | null>>(
    baseInterpreter,
    `import json, importlib.metadata as m\nout = {}\nfor n in ${JSON.stringify(names)}:\n    try: out[n] = m.version(n)\n    except Exception: out[n] = None\nprint(json.dumps(out))`,
  );
  const keep: string[] = [];
  for (const requirement of requirements) {
    const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;]*)/.exec(requirement);
    const name = match ? canonicalName(match[1]!) : "";
    if (!worker.has(name)) {
      keep.push(requirement);
      continue;
    }
    const constraint = match![3]!.trim();
    const version = installed[name];
    if (constraint === "" || (version && satisfies(version, constraint))) continue; // the shared worker layer provides it
    throw new EnvironmentError(
      `The requirement "${requirement}" conflicts with the worker's own ${name}${worker.get(name) ? ` ${worker.get(name)}` : ""}` +
        ` (${version ?? "not installed"} in ${baseInterpreter}): workers need it to talk to the host. Remove it from environment.requirements` +
        `${constraint ? `, or widen it to accept ${version ?? "the worker's version"}` : ""}.`,
    );
  }
  return keep;
}

/** One step of a sync, for progress display. */
export interface SyncProgress {
  env: string;
  step: number;
  steps: number;
  message: string;
}

export interface SyncOptions {
  /** The interpreter the workbench's workers use (its site-packages provide the worker runtime). */
  baseInterpreter: string;
  /** pip --find-links folders (wheelhouses). */
  findLinks?: readonly string[];
  /** pip --no-index: install only from --find-links (offline, air-gapped). */
  noIndex?: boolean;
  /** Rebuild even when the environment exists. */
  force?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

const STEPS = 4;

/** Builds (or confirms) one environment: venv, link to the worker runtime, requirements, import check. */
export async function syncEnvironment(env: PlannedEnvironment, options: SyncOptions): Promise<"built" | "current"> {
  const progress = (step: number, message: string): void =>
    options.onProgress?.({ env: env.key, step, steps: STEPS, message });
  if (!options.force && (await isSynced(env))) {
    progress(STEPS, "up to date");
    return "current";
  }
  const base = await pythonJson<{ version: string; site: string[] }>(
    options.baseInterpreter,
    "import json, site, sys\nprint(json.dumps({'version': '%d.%d.%d' % sys.version_info[:3], 'site': site.getsitepackages()}))",
  );
  if (env.spec.python && !satisfies(base.version, env.spec.python)) {
    throw new EnvironmentError(
      `The environment needs Python ${env.spec.python}, but the workbench runs ${base.version} (${options.baseInterpreter}). ` +
        "Start it with --python pointing at a matching interpreter.",
    );
  }
  const requirements = await installableRequirements(env.spec.requirements, options.baseInterpreter);

  progress(1, `creating the virtualenv ${env.dir}`);
  await rm(env.dir, { recursive: true, force: true });
  await mkdir(env.dir, { recursive: true });
  const created = await run(
    options.baseInterpreter,
    ["-m", "venv", env.dir],
    (line) => progress(1, line),
    options.signal,
  );
  if (created.code !== 0)
    throw new EnvironmentError(`Creating the virtualenv ${env.dir} failed: ${created.output.trim()}`);

  progress(2, "linking the worker runtime");
  const site = await pythonJson<string[]>(env.python, "import json, site\nprint(json.dumps(site.getsitepackages()))");
  // Lines of a .pth file are appended to sys.path after the environment's own site-packages: its packages win.
  await writeFile(join(site[0]!, "snakebridge-worker-runtime.pth"), base.site.join("\n") + "\n");

  if (requirements.length > 0) {
    const args = [
      "-m",
      "pip",
      "install",
      "--no-input",
      ...(options.noIndex ? ["--no-index"] : []),
      ...(options.findLinks ?? []).flatMap((dir) => ["--find-links", dir]),
      ...requirements,
    ];
    const installed = await run(env.python, args, (line) => progress(3, line), options.signal);
    if (installed.code !== 0) {
      throw new EnvironmentError(
        `Installing ${requirements.join(" ")} into ${env.dir} failed:\n${installed.output.trim().split("\n").slice(-8).join("\n")}`,
      );
    }
  } else {
    progress(3, "no requirements of its own");
  }

  progress(4, "checking that a worker can start there");
  const probe = await run(
    env.python,
    [
      "-c",
      `import sys; sys.path.insert(0, ${JSON.stringify(workerPackageRoot)}); import grpc, google.protobuf, snakebridge_worker`,
    ],
    () => undefined,
  );
  if (probe.code !== 0)
    throw new EnvironmentError(
      `A worker cannot start in ${env.dir}: ${probe.output.trim().split("\n").slice(-2).join(" ")}`,
    );
  await writeFile(
    join(env.dir, MARKER),
    JSON.stringify(
      { key: env.key, spec: env.spec, integrations: env.integrations, synced_at: new Date().toISOString() },
      null,
      2,
    ) + "\n",
  );
  return "built";
}

/** One bridge (worker pool) per environment plus the default one; calls go to the pool of their integration. */
export class EnvironmentPools {
  readonly #pools: ReadonlyMap<string, PythonBridge>;
  readonly #environments: readonly PlannedEnvironment[];

  private constructor(
    readonly defaultBridge: PythonBridge,
    pools: ReadonlyMap<string, PythonBridge>,
    environments: readonly PlannedEnvironment[],
  ) {
    this.#pools = pools;
    this.#environments = environments;
  }

  /** Starts every pool; refuses environments that `env sync` has not built. */
  static async start(environments: readonly PlannedEnvironment[], options: BridgeOptions): Promise<EnvironmentPools> {
    for (const env of environments) {
      if (!(await isSynced(env))) {
        throw new EnvironmentError(
          `The environment of ${env.integrations.map((i) => i.module).join(", ")} is not built yet: run \`snakebridge env sync ${env.integrations[0]!.manifest}\`.`,
        );
      }
    }
    const started: PythonBridge[] = [];
    try {
      const defaultBridge = await PythonBridge.start(options);
      started.push(defaultBridge);
      const pools = new Map<string, PythonBridge>();
      for (const env of environments) {
        const bridge = await PythonBridge.start(bridgeOptionsFor(env, options));
        started.push(bridge);
        pools.set(env.key, bridge);
      }
      return new EnvironmentPools(defaultBridge, pools, environments);
    } catch (error) {
      await Promise.all(started.map((b) => b.dispose()));
      throw error;
    }
  }

  /** The bridge whose workers run `target`'s integration. */
  bridgeFor(target: string): PythonBridge {
    const env = environmentFor(this.#environments, target);
    return env === undefined ? this.defaultBridge : this.#pools.get(env.key)!;
  }

  /** Every pool, named: "default" and each environment's key. */
  get all(): { name: string; bridge: PythonBridge }[] {
    return [
      { name: "default", bridge: this.defaultBridge },
      ...[...this.#pools].map(([name, bridge]) => ({ name, bridge })),
    ];
  }

  async dispose(): Promise<void> {
    await Promise.all(this.all.map(({ bridge }) => bridge.dispose()));
  }
}
