// Matches a manifest integration's entrypoints against a described library, collecting located problems.
import { createHash } from "node:crypto";
import type {
  ClassDescriptor,
  FunctionDescriptor,
  LibraryDescriptor,
} from "../../../proto/generated/snakebridge/v1/describe.js";
import type { LoadedManifest } from "./load-manifest.js";
import type { ManifestProblem } from "./manifest-error.js";
import type { ArrayMode, IntegrationSpec, ManifestPath, SessionMode } from "./types.js";

/** Call settings after applying manifest defaults. */
export interface EffectiveSettings {
  timeoutMs: number;
  session: SessionMode;
  arrays: ArrayMode;
  cacheTtlS: number;
}

export interface SelectedFunction {
  /** Python module the TypeScript module is generated for. */
  module: string;
  function: FunctionDescriptor;
}

export interface SelectedClass {
  module: string;
  class: ClassDescriptor;
  methods: FunctionDescriptor[];
}

/** One integration with its entrypoints found in the descriptors. */
export interface ResolvedIntegration {
  index: number;
  spec: IntegrationSpec;
  /** The import name described. */
  module: string;
  settings: EffectiveSettings;
  descriptor: LibraryDescriptor;
  functions: SelectedFunction[];
  classes: SelectedClass[];
}

const DEFAULTS: EffectiveSettings = {
  timeoutMs: 60_000,
  session: "per_call",
  arrays: "binary",
  cacheTtlS: 7 * 24 * 3600,
};

/** The import name an integration describes. */
export function integrationModule(spec: IntegrationSpec): string {
  return spec.module ?? spec.package;
}

/** Settings for an integration: its own, else the manifest defaults, else built-in defaults. */
export function effectiveSettings(loaded: LoadedManifest, spec: IntegrationSpec): EffectiveSettings {
  const d = loaded.spec.defaults ?? {};
  return {
    timeoutMs: spec.timeout_ms ?? d.timeout_ms ?? DEFAULTS.timeoutMs,
    session: spec.session ?? d.session ?? DEFAULTS.session,
    arrays: spec.arrays ?? d.arrays ?? DEFAULTS.arrays,
    cacheTtlS: spec.cache_ttl_s ?? d.cache_ttl_s ?? DEFAULTS.cacheTtlS,
  };
}

function relativeName(module: string, path: string): string {
  return path.startsWith(`${module}.`) ? path.slice(module.length + 1) : path;
}

function absoluteName(module: string, name: string): string {
  return name === module || name.startsWith(`${module}.`) ? name : `${module}.${name}`;
}

/** How deep to describe: the manifest's `depth`, else as deep as its entrypoints reach. */
export function integrationDepth(spec: IntegrationSpec): number {
  if (spec.depth !== undefined) return spec.depth;
  const module = integrationModule(spec);
  const e = spec.entrypoints;
  const names = [...(e.functions ?? []), ...(e.classes ?? []).map((c) => (typeof c === "string" ? c : c.name))];
  let depth = 0;
  for (const name of names)
    depth = Math.max(depth, relativeName(module, absoluteName(module, name)).split(".").length - 1);
  for (const pattern of e.include ?? []) {
    const relative = relativeName(module, pattern).split(".");
    depth = Math.max(depth, relative.length - 1, pattern.includes("**") ? 1 : 0);
  }
  return Math.min(depth, 5);
}

/** Digest of the manifest fields that change what is introspected (part of the descriptor cache key). */
export function integrationDescribeHash(spec: IntegrationSpec): string {
  const shape = { module: integrationModule(spec), package: spec.package, depth: integrationDepth(spec) };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}

/** A dotted-path glob as a RegExp: `*` stays inside one name, `**` crosses dots. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^.]*";
    else if (c === "?") source += "[^.]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

interface Index {
  functions: Map<string, SelectedFunction>;
  classes: Map<string, { module: string; class: ClassDescriptor }>;
}

function indexLibrary(library: LibraryDescriptor): Index {
  const functions = new Map<string, SelectedFunction>();
  const classes = new Map<string, { module: string; class: ClassDescriptor }>();
  for (const module of library.modules) {
    for (const fn of module.functions) {
      const path = fn.path || `${module.name}.${fn.name}`;
      const seen = functions.get(path);
      // A re-export listed without signatures is a reference; keep the full description when both appear.
      if (!seen || (seen.function.signatures.length === 0 && fn.signatures.length > 0))
        functions.set(path, { module: module.name, function: fn });
    }
    for (const cls of module.classes) {
      const path = cls.path || `${module.name}.${cls.name}`;
      const seen = classes.get(path);
      if (!seen || (!seen.class.init && cls.init)) classes.set(path, { module: module.name, class: cls });
    }
  }
  return { functions, classes };
}

/** Up to three known names that look like `wanted` (shared prefix, containment or a small edit distance). */
export function suggestions(wanted: string, known: Iterable<string>): string[] {
  const last = wanted.split(".").pop()!.toLowerCase();
  const scored: [number, string][] = [];
  for (const name of known) {
    const candidate = name.split(".").pop()!.toLowerCase();
    const distance = editDistance(last, candidate);
    if (candidate.includes(last) || last.includes(candidate) || distance <= Math.max(1, Math.floor(last.length / 3)))
      scored.push([distance, name]);
  }
  return scored
    .sort((a, b) => a[0] - b[0])
    .slice(0, 3)
    .map(([, name]) => name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Suggestions are computed for this many unknown names per integration; past it (a generated or corrupt manifest), none. */
const SUGGESTED_NAMES = 200;

/** "; did you mean "a", "b"?" or "". */
export function didYouMean(found: string[]): string {
  return found.length ? `; did you mean ${found.map((f) => `"${f}"`).join(", ")}?` : "";
}

/** Finds every entrypoint of integration `index` in `descriptor`; problems point at the manifest entries that do not exist. */
export function resolveIntegration(
  loaded: LoadedManifest,
  index: number,
  descriptor: LibraryDescriptor,
): { resolved: ResolvedIntegration; problems: ManifestProblem[] } {
  const spec = loaded.spec.integrations[index]!;
  const module = integrationModule(spec);
  const base: ManifestPath = ["integrations", index, "entrypoints"];
  const problems: ManifestProblem[] = [];
  const { functions, classes } = indexLibrary(descriptor);
  const depth = integrationDepth(spec);
  const scope = `${module} (described to depth ${depth})`;
  const pickedFunctions = new Map<string, SelectedFunction>();
  const pickedClasses = new Map<string, SelectedClass>();
  let suggested = 0;
  const hint = (path: string, known: Iterable<string>): string =>
    suggested++ < SUGGESTED_NAMES ? didYouMean(suggestions(path, known)) : "";

  (spec.entrypoints.functions ?? []).forEach((name, i) => {
    const path = absoluteName(module, name);
    const found = functions.get(path);
    if (found) pickedFunctions.set(path, found);
    else if (classes.has(path))
      problems.push(
        loaded.problemAt([...base, "functions", i], `"${path}" is a class; list it under entrypoints.classes`),
      );
    else
      problems.push(
        loaded.problemAt([...base, "functions", i], `no function "${path}" in ${scope}${hint(path, functions.keys())}`),
      );
  });

  (spec.entrypoints.classes ?? []).forEach((entry, i) => {
    const name = typeof entry === "string" ? entry : entry.name;
    const where: ManifestPath = typeof entry === "string" ? [...base, "classes", i] : [...base, "classes", i, "name"];
    const path = absoluteName(module, name);
    const found = classes.get(path);
    if (!found) {
      const why = functions.has(path)
        ? `; "${path}" is a function, list it under entrypoints.functions`
        : hint(path, classes.keys());
      problems.push(loaded.problemAt(where, `no class "${path}" in ${scope}${why}`));
      return;
    }
    const wanted = typeof entry === "string" ? undefined : entry.methods;
    const methods = wanted === undefined ? found.class.methods : [];
    (wanted ?? []).forEach((method, j) => {
      const match = found.class.methods.find((m) => m.name === method);
      if (match) methods.push(match);
      else {
        const known = found.class.methods.map((m) => m.name);
        problems.push(
          loaded.problemAt(
            [...base, "classes", i, "methods", j],
            `class ${path} has no public method "${method}"; it has: ${known.join(", ") || "(none)"}`,
          ),
        );
      }
    });
    pickedClasses.set(path, { module: found.module, class: found.class, methods });
  });

  const excludes = (spec.entrypoints.exclude ?? []).map(globToRegExp);
  (spec.entrypoints.include ?? []).forEach((pattern, i) => {
    const regex = globToRegExp(absoluteName(module, pattern));
    let matched = 0;
    for (const [path, fn] of functions) {
      if (!regex.test(path) || excludes.some((x) => x.test(path))) continue;
      matched++;
      if (!pickedFunctions.has(path)) pickedFunctions.set(path, fn);
    }
    for (const [path, cls] of classes) {
      if (!regex.test(path) || excludes.some((x) => x.test(path))) continue;
      matched++;
      if (!pickedClasses.has(path))
        pickedClasses.set(path, { module: cls.module, class: cls.class, methods: cls.class.methods });
    }
    if (matched === 0)
      problems.push(
        loaded.problemAt(
          [...base, "include", i],
          `"${pattern}" matches no function or class in ${scope} (after exclude)`,
        ),
      );
  });

  return {
    resolved: {
      index,
      spec,
      module,
      settings: effectiveSettings(loaded, spec),
      descriptor,
      functions: [...pickedFunctions.values()],
      classes: [...pickedClasses.values()],
    },
    problems,
  };
}
