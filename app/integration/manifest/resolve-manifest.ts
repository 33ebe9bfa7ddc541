// Manifest + descriptors → resolved integrations: package present, version accepted, entrypoints found.
import type { LibraryDescriber, DescribeOutcome } from "../library-describer.js";
import { PackageNotInstalledError } from "../library-describer.js";
import type { LoadedManifest } from "./load-manifest.js";
import { ManifestError, type ManifestProblem } from "./manifest-error.js";
import {
  didYouMean,
  integrationDepth,
  integrationDescribeHash,
  integrationModule,
  resolveIntegration,
  effectiveSettings,
  suggestions,
  type ResolvedIntegration,
} from "./resolve-entrypoints.js";
import { satisfies, VersionConstraintError } from "./version-constraint.js";
import type { LibraryIdentity } from "../cache/library-identity.js";

export interface ResolveOptions {
  /** Describe every library afresh. */
  refresh?: boolean;
  /** Told about each describe as it starts and ends (for progress output). */
  onDescribe?: (event: { module: string; phase: "start" | "done"; outcome?: DescribeOutcome }) => void;
}

export interface ResolvedManifest {
  integrations: ResolvedIntegration[];
  describes: DescribeOutcome[];
}

function versionProblem(loaded: LoadedManifest, index: number, identity: LibraryIdentity): ManifestProblem | undefined {
  const spec = loaded.spec.integrations[index]!;
  if (spec.version === undefined) return undefined;
  const installed = identity.stdlib ? identity.pythonVersion : identity.version;
  const what = identity.stdlib
    ? `Python ${installed} (standard-library module ${identity.module})`
    : `${spec.package} ${installed}`;
  try {
    if (satisfies(installed, spec.version)) return undefined;
  } catch (error) {
    if (error instanceof VersionConstraintError)
      return loaded.problemAt(["integrations", index, "version"], error.message);
    throw error;
  }
  const fix = identity.stdlib
    ? "Run the workbench with a matching interpreter (--python or SNAKEBRIDGE_PYTHON)."
    : `Install a matching version with: ${identity.pythonExecutable} -m pip install "${spec.package}${spec.version}"`;
  return loaded.problemAt(
    ["integrations", index, "version"],
    `${what} is installed in ${identity.pythonExecutable}, which does not satisfy "${spec.version}". ${fix}`,
  );
}

/** Describes each integration's library (cache first) and finds its entrypoints; throws ManifestError listing every problem. */
export async function resolveManifest(
  loaded: LoadedManifest,
  describer: LibraryDescriber,
  options: ResolveOptions = {},
): Promise<ResolvedManifest> {
  const problems: ManifestProblem[] = [];
  const integrations: ResolvedIntegration[] = [];
  const describes: DescribeOutcome[] = [];
  for (const [index, spec] of loaded.spec.integrations.entries()) {
    const module = integrationModule(spec);
    let identity: LibraryIdentity;
    try {
      identity = await describer.identify(module, {
        packageName: spec.package,
        versionConstraint: spec.version ?? "",
        refresh: options.refresh ?? false,
      });
    } catch (error) {
      if (!(error instanceof PackageNotInstalledError)) throw error;
      // A typo ("difflibb") most often names a library described before.
      const known = await describer.cache.modules();
      const hint = didYouMean(
        suggestions(
          module,
          known.filter((name) => name !== module),
        ),
      );
      problems.push(
        loaded.problemAt(
          ["integrations", index, spec.module === undefined ? "package" : "module"],
          `${error.message}${hint ? `. Or is it a typo${hint.replace(/^; /, ": ")}` : ""}`,
        ),
      );
      continue;
    }
    const mismatch = versionProblem(loaded, index, identity);
    if (mismatch) {
      problems.push(mismatch);
      continue;
    }
    options.onDescribe?.({ module, phase: "start" });
    const outcome = await describer.describe(module, {
      depth: integrationDepth(spec),
      manifestHash: integrationDescribeHash(spec),
      refresh: options.refresh ?? false,
      maxAgeMs: effectiveSettings(loaded, spec).cacheTtlS * 1000,
    });
    options.onDescribe?.({ module, phase: "done", outcome });
    describes.push(outcome);
    const { resolved, problems: found } = resolveIntegration(loaded, index, outcome.descriptor);
    // Not push(...found): a manifest with ~250k bad names would overflow the call stack with arguments.
    for (const problem of found) problems.push(problem);
    integrations.push(resolved);
  }
  if (problems.length) throw new ManifestError(problems);
  return { integrations, describes };
}
