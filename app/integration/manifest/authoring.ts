// Manifest authoring while typing: problems found against the described libraries, and entrypoint names to
// complete and hover, scoped to an integration's package (and, under `methods:`, to one class).
import type {
  ClassDescriptor,
  FunctionDescriptor,
  LibraryDescriptor,
} from "../../../proto/generated/snakebridge/v1/describe.js";
import { normalizeRepr } from "../descriptor-diff.js";
import { PackageNotInstalledError, type LibraryDescriber } from "../library-describer.js";
import type { LoadedManifest } from "./load-manifest.js";
import { ManifestError, type ManifestProblem } from "./manifest-error.js";
import { resolveManifest } from "./resolve-manifest.js";

/** Every problem `generate` would report for this manifest (packages, versions, entrypoints); [] when it would generate. */
export async function liveProblems(loaded: LoadedManifest, describer: LibraryDescriber): Promise<ManifestProblem[]> {
  try {
    await resolveManifest(loaded, describer);
    return [];
  } catch (error) {
    if (error instanceof ManifestError) return [...error.problems];
    throw error;
  }
}

export interface EntrypointItem {
  /** As the manifest writes it: relative to the package ("get_close_matches", "fft.fft"), a bare method name under a class. */
  label: string;
  kind: "module" | "function" | "class" | "method";
  /** The Python signature. */
  detail: string;
  /** The docstring's first paragraph. */
  documentation: string;
}

export interface EntrypointQuery {
  /** The integration's import name (its `module:`, else its `package:`). */
  module: string;
  /** Under `methods:`: the class the methods belong to, as the manifest names it. */
  className?: string;
  prefix: string;
  limit: number;
}

/** The first paragraph of a docstring. */
function summary(doc: string): string {
  return (
    doc
      .trim()
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, " ") ?? ""
  );
}

function relative(module: string, path: string): string {
  return path.startsWith(`${module}.`) ? path.slice(module.length + 1) : path;
}

function functionItem(label: string, fn: FunctionDescriptor, kind: "function" | "method"): EntrypointItem {
  // Default reprs carry addresses (<function IS_CHARACTER_JUNK at 0x7f…>) that mean nothing to a reader.
  return {
    label,
    kind,
    detail: normalizeRepr(`${fn.name}${fn.signatures[0]?.text ?? "(…)"}`),
    documentation: summary(fn.doc),
  };
}

function classItem(label: string, cls: ClassDescriptor): EntrypointItem {
  return {
    label,
    kind: "class",
    detail: normalizeRepr(`class ${cls.name}${cls.init?.signatures[0]?.text ?? ""}`),
    documentation: summary(cls.doc),
  };
}

/** Every name an integration of `library` can list, relative to `module`, or the public methods of `className`. */
export function entrypointItems(library: LibraryDescriptor, module: string, className?: string): EntrypointItem[] {
  const items = new Map<string, EntrypointItem>();
  const add = (item: EntrypointItem): void => {
    if (!items.has(item.label)) items.set(item.label, item);
  };
  for (const described of library.modules) {
    if (className === undefined && described.name !== module)
      add({
        label: relative(module, described.name),
        kind: "module",
        detail: described.name,
        documentation: summary(described.doc),
      });
    for (const cls of described.classes) {
      const path = cls.path || `${described.name}.${cls.name}`;
      // A name re-exported by several modules is listed where the manifest would write it: under this module.
      const label = relative(module, `${described.name}.${cls.name}`);
      if (className === undefined) add(classItem(label, cls));
      else if (label === className || relative(module, path) === className)
        for (const method of cls.methods) add(functionItem(method.name, method, "method"));
    }
    if (className !== undefined) continue;
    for (const fn of described.functions)
      add(functionItem(relative(module, `${described.name}.${fn.name}`), fn, "function"));
  }
  return [...items.values()];
}

/** Entrypoint completions for one integration: describes the library on first use (cached after), then filters by prefix. */
export async function entrypointCompletions(
  describer: LibraryDescriber,
  query: EntrypointQuery,
): Promise<EntrypointItem[]> {
  let library: LibraryDescriptor;
  try {
    library = (await describer.describe(query.module, { depth: query.module.includes(".") ? 0 : 1 })).descriptor;
  } catch (error) {
    if (error instanceof PackageNotInstalledError) return []; // the live validation says so, with the pip command
    throw error;
  }
  const prefix = query.prefix.toLowerCase();
  return (
    entrypointItems(library, query.module, query.className)
      .filter((item) => item.label.toLowerCase().startsWith(prefix))
      // Shallow names first (get_close_matches before fft.fft), then alphabetical.
      .sort((a, b) => a.label.split(".").length - b.label.split(".").length || a.label.localeCompare(b.label))
      .slice(0, query.limit)
  );
}
